package io.github.mlops4j.examples;

import io.github.mlops4j.features.EntityKey;
import io.github.mlops4j.features.OnlineRecord;
import io.github.mlops4j.features.OnlineStore;
import io.github.mlops4j.testing.OnlineStoreContract;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A third-party {@link OnlineStore} run against the published contract suite from mlops-core's test
 * jar, from outside the library's packages, as docs/features.md shows.
 */
class MapOnlineStoreContractTest extends OnlineStoreContract {
  /** The smallest correct store: per view, per key, the newer record. */
  static final class MapOnlineStore implements OnlineStore {
    private final Map<String, Map<EntityKey, OnlineRecord>> views = new ConcurrentHashMap<>();

    @Override
    public Map<EntityKey, OnlineRecord> read(String view, Collection<EntityKey> keys) {
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
  }

  @Override
  protected OnlineStore store() {
    return new MapOnlineStore();
  }
}
