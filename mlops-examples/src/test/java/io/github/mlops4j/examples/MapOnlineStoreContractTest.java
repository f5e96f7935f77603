package io.github.mlops4j.examples;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.OnlineRecord;
import io.github.mlops4j.features.OnlineStore;
import io.github.mlops4j.testing.OnlineStoreContract;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A third-party {@link OnlineStore} run against the published contract suite from mlops-core's test
 * jar, from outside the library's packages, as docs/features.md shows.
 */
class MapOnlineStoreContractTest extends OnlineStoreContract {
  /** The smallest correct store: per view, per key, the newer record, under one lock. */
  static final class MapOnlineStore implements OnlineStore {
    private final Map<String, Map<EntityKey, OnlineRecord>> views = new HashMap<>();

    @Override
    public synchronized Map<EntityKey, OnlineRecord> read(String view, Collection<EntityKey> keys) {
      Map<EntityKey, OnlineRecord> stored = views.getOrDefault(view, Map.of());
      return keys.stream()
          .distinct()
          .filter(stored::containsKey)
          .collect(Collectors.toMap(k -> k, stored::get));
    }

    @Override
    public synchronized void write(String view, Collection<OnlineRecord> records) {
      Map<EntityKey, OnlineRecord> stored = views.computeIfAbsent(view, v -> new HashMap<>());
      for (OnlineRecord r : records) {
        OnlineRecord old = stored.get(r.key());
        if (old == null || r.isNewerThan(old)) {
          stored.put(r.key(), r);
        }
      }
    }

    @Override
    public synchronized void delete(String view, Collection<EntityKey> keys) {
      views.getOrDefault(view, new HashMap<>()).keySet().removeAll(keys);
    }
  }

  @Override
  protected OnlineStore store() {
    return new MapOnlineStore();
  }
}
