package io.github.mlops4j.features;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A minimal third-party {@link OnlineStore}, as a Redis adapter would be: it keeps the newer record
 * per key by {@link OnlineRecord#isNewerThan}. Counts calls so tests can see the cache.
 */
final class InMemoryOnlineStore implements OnlineStore {
  private final Map<String, Map<EntityKey, OnlineRecord>> views = new ConcurrentHashMap<>();
  final AtomicInteger reads = new AtomicInteger();

  /** While set, reads fail as a store that is down would. */
  volatile boolean failReads;

  /** Reads of this view throw an {@link Error} while set. */
  volatile @Nullable String errorOnView;

  @Override
  public Map<EntityKey, OnlineRecord> read(String view, Collection<EntityKey> keys) {
    reads.incrementAndGet();
    if (failReads) {
      throw new IllegalStateException("online store is down");
    }
    if (view.equals(errorOnView)) {
      throw new AssertionError("read of " + view + " failed");
    }
    Map<EntityKey, OnlineRecord> stored = views.getOrDefault(view, Map.of());
    Map<EntityKey, OnlineRecord> out = new HashMap<>();
    for (EntityKey k : keys) {
      OnlineRecord r = stored.get(k);
      if (r != null) {
        out.put(k, r);
      }
    }
    return out;
  }

  @Override
  public void write(String view, Collection<OnlineRecord> records) {
    Map<EntityKey, OnlineRecord> stored =
        views.computeIfAbsent(view, v -> new ConcurrentHashMap<>());
    for (OnlineRecord r : records) {
      stored.merge(r.key(), r, (old, neu) -> neu.isNewerThan(old) ? neu : old);
    }
  }

  @Override
  public void delete(String view, Collection<EntityKey> keys) {
    Map<EntityKey, OnlineRecord> stored = views.get(view);
    if (stored != null) {
      keys.forEach(stored::remove);
    }
  }
}
