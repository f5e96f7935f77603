package io.github.mlops4j.features;

import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.testing.OnlineStoreContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The online store contract on the embedded store (table feature_online, SQLite). */
class JdbcOnlineStoreTest extends OnlineStoreContract {
  @TempDir Path temp;
  private FeatureStore features;

  @Override
  protected OnlineStore store() {
    features = FeatureStore.open(temp.resolve("ws"));
    features.apply(
        FeatureView.builder("v")
            .entity("k", ValueType.STRING)
            .feature("f", ValueType.LONG)
            .build());
    features.apply(
        FeatureView.builder("w")
            .entity("k", ValueType.STRING)
            .feature("f", ValueType.LONG)
            .build());
    Map<String, Long> ids = Map.of("v", id("v"), "w", id("w"));
    return new JdbcOnlineStore(features.store(), ids::get);
  }

  private long id(String view) {
    return StoreAccess.read(
        features.store(),
        c -> {
          try (var p = c.prepareStatement("SELECT view_id FROM feature_views WHERE name = ?")) {
            p.setString(1, view);
            try (var rs = p.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  @AfterEach
  void close() {
    if (features != null) {
      features.close();
    }
  }
}
