package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The feature store contract on the embedded SQLite workspace, plus what is specific to it. */
class SqliteFeatureStoreIT extends FeatureStoreContract {
  @Override
  FeatureStore.Builder freshStore(Path dir) {
    return FeatureStore.builder().workspace(dir.resolve("ws"));
  }

  @Override
  FeatureStore.Builder sameStore(Path dir) {
    return freshStore(dir);
  }

  @Test
  void newerSchema_isRefused() throws Exception {
    features.close();
    Path db = temp.resolve("ws").resolve(Store.DATABASE_FILE);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE mlops_schema SET version = 9 WHERE component = 'features'");
    }
    assertThatThrownBy(() -> FeatureStore.open(temp.resolve("ws")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("newer version of mlops4j");
    features = FeatureStore.open(temp.resolve("other")); // for @AfterEach
  }

  @Test
  void version1Store_isUpgradedAtOpen_keepingItsRows_andTakesWriteIds() throws Exception {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 100, 100, 1.0, 1L)));
    features.close();
    Path db = temp.resolve("ws").resolve(Store.DATABASE_FILE);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.executeUpdate("DROP TABLE feature_writes"); // the store as version 1 left it
      s.executeUpdate("UPDATE mlops_schema SET version = 1 WHERE component = 'features'");
    }
    features = FeatureStore.builder().workspace(temp.resolve("ws")).clock(clock).build();
    assertThat(features.write("customer_stats", List.of(stats("c2", 100, 100, 2.0, 2L)), "w"))
        .isEqualTo(features.write("customer_stats", List.of(stats("c2", 100, 100, 2.0, 2L)), "w"))
        .isEqualTo(new WriteResult("customer_stats", 1, 2, 0));
    assertThat(join(List.of(spine("c1", 200)), AVG).get(0).get(AVG)).isEqualTo(1.0);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT version FROM mlops_schema WHERE component = 'features'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
  }

  @Test
  void definitionWrittenByANewerVersion_isAClearError() throws Exception {
    features.apply(customerStats(Duration.ZERO));
    features.close();
    Path db = temp.resolve("ws").resolve(Store.DATABASE_FILE);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE feature_view_versions SET definition ="
              + " replace(definition, '\"schemaVersion\":1', '\"schemaVersion\":2')");
    }
    assertThatThrownBy(() -> FeatureStore.open(temp.resolve("ws")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 2");
    features = FeatureStore.open(temp.resolve("other")); // for @AfterEach
  }

  @Test
  void twoStoresOnOneWorkspace_seeEachOthersDefinitions() {
    try (FeatureStore other =
        FeatureStore.builder().workspace(temp.resolve("ws")).clock(clock).build()) {
      other.apply(customerStats(Duration.ZERO));
      other.write("customer_stats", List.of(stats("c1", 1, 1, 1.0, 1L)));
    }
    // Unknown at first in this instance's snapshot: resolved by an automatic refresh.
    assertThat(join(List.of(spine("c1", 2)), AVG).get(0).get(AVG)).isEqualTo(1.0);
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).value(AVG).status())
        .isEqualTo(FeatureStatus.NOT_FOUND);
  }
}
