package io.github.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact store location recorded in a workspace's settings on a real PostgreSQL server:
 * recorded once, compared by every open, used by an open that gives none, and of two processes
 * racing to record different locations on a new database exactly one wins.
 */
class PostgresWorkspaceSettingsIT {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("settings");

  @TempDir Path temp;

  private static @Nullable String recorded(DataSource db) throws Exception {
    try (Connection c = db.getConnection();
        ResultSet tables = c.getMetaData().getTables(null, null, "mlops_settings", null)) {
      if (!tables.next()) {
        return null;
      }
    }
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT value FROM mlops_settings WHERE name = '"
                    + WorkspaceSettings.ARTIFACT_STORE
                    + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  void recordedOnFirstWrite_comparedOnOpen_andUsedWhenNoneIsGiven() throws Exception {
    DataSource db = postgres.fresh();
    ArtifactStore bucket = TestSchemeProvider.at(temp.resolve("bucket"));
    String digest;
    try (Store store = Store.builder().dataSource(db).artifactStore(bucket).build()) {
      assertThat(recorded(db)).as("nothing is written at open").isNull();
      store.migrate("tracking", 4);
      digest =
          store
              .artifacts()
              .put(new ByteArrayInputStream("shared".getBytes(StandardCharsets.UTF_8)))
              .digest();
    }
    assertThat(recorded(db)).isEqualTo(bucket.location());

    Path other = Files.createDirectories(temp.resolve("other"));
    for (OpenMode mode : OpenMode.values()) {
      assertThatThrownBy(
              () -> Store.builder().dataSource(db).artifactRoot(other).openMode(mode).build())
          .as("open %s", mode)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(bucket.location())
          .hasMessageContaining(other.toUri().toString());
    }
    assertThat(other).isEmptyDirectory();

    for (OpenMode mode : OpenMode.values()) {
      try (Store replica = Store.builder().dataSource(db).openMode(mode).build()) {
        replica.migrate("tracking", 4);
        assertThat(replica.artifacts().location()).isEqualTo(bucket.location());
        assertThat(replica.artifacts().isReadOnly()).isEqualTo(mode == OpenMode.READ_ONLY);
        try (InputStream in = replica.artifacts().open(digest)) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("shared");
        }
      }
    }
    assertThat(recorded(db)).isEqualTo(bucket.location());
  }

  @Test
  void newDatabaseWithoutAnArtifactStore_isRefusedNamingBothBuilderMethods() throws Exception {
    DataSource db = postgres.fresh();
    assertThatThrownBy(() -> Store.builder().dataSource(db).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("artifactRoot(path) or artifactStore(store)");
  }

  @Test
  void twoProcessesRecordingDifferentLocations_exactlyOneWins() throws Exception {
    String name = postgres.create();
    Path a = temp.resolve("a");
    Path b = temp.resolve("b");
    // Two stores on separate DataSources, as two replicas would be; both open before either
    // writes, so neither sees a recorded location at open.
    List<Store> stores = new ArrayList<>();
    stores.add(Store.builder().dataSource(postgres.dataSource(name)).artifactRoot(a).build());
    stores.add(Store.builder().dataSource(postgres.dataSource(name)).artifactRoot(b).build());
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (Store store : stores) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  store.migrate("tracking", 4);
                  return null;
                }));
      }
      start.countDown();
      List<Throwable> refused = new ArrayList<>();
      int won = -1;
      for (int i = 0; i < results.size(); i++) {
        try {
          results.get(i).get(2, TimeUnit.MINUTES);
          won = i;
        } catch (java.util.concurrent.ExecutionException e) {
          refused.add(e.getCause());
        }
      }
      assertThat(refused).hasSize(1);
      assertThat(refused.get(0))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(DirectoryArtifactStore.openReadOnly(a).location())
          .hasMessageContaining(DirectoryArtifactStore.openReadOnly(b).location());
      Store winner = stores.get(won);
      assertThat(recorded(postgres.dataSource(name))).isEqualTo(winner.artifacts().location());
      Store loser = stores.get(1 - won);
      assertThat(loser.artifactRoot().orElseThrow()).doesNotExist();
    } finally {
      pool.shutdownNow();
      stores.forEach(Store::close);
    }
  }

  @Test
  void handEditedHugeLocation_isABoundedError() throws Exception {
    DataSource db = postgres.fresh();
    try (Store store = Store.builder().dataSource(db).artifactRoot(temp.resolve("a")).build()) {
      store.migrate("tracking", 4);
    }
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE mlops_settings SET value = 's3://' || repeat('b', 1000000) || '/'"
              + " WHERE name = '"
              + WorkspaceSettings.ARTIFACT_STORE
              + "'");
    }
    assertThatThrownBy(() -> Store.builder().dataSource(db).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("1000006 characters long")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
  }

  @Test
  void workspaceTablesInAnotherSchema_areNotThisWorkspaces() throws Exception {
    DataSource db = postgres.fresh();
    Path elsewhere = temp.resolve("elsewhere");
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA other");
      s.execute("CREATE TABLE other.mlops_schema (component TEXT PRIMARY KEY, version INT)");
      s.execute("INSERT INTO other.mlops_schema VALUES ('tracking', 2)");
      s.execute(
          "CREATE TABLE other.mlops_settings (name TEXT PRIMARY KEY, value TEXT, set_time BIGINT)");
      s.execute(
          "INSERT INTO other.mlops_settings VALUES ('"
              + WorkspaceSettings.ARTIFACT_STORE
              + "', '"
              + elsewhere.toUri()
              + "', 0)");
    }
    Path root = Files.createDirectories(temp.resolve("root"));
    for (OpenMode mode : new OpenMode[] {OpenMode.EXISTING, OpenMode.READ_ONLY}) {
      assertThatThrownBy(
              () -> Store.builder().dataSource(db).artifactRoot(root).openMode(mode).build())
          .as("mode %s", mode)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("There is no mlops4j workspace in this database");
    }
    try (Store store = Store.builder().dataSource(db).artifactRoot(root).build()) {
      store.migrate("tracking", 4);
    }
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT value FROM public.mlops_settings WHERE name = '"
                    + WorkspaceSettings.ARTIFACT_STORE
                    + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(root.toUri().toString());
    }
    try (Store store = Store.builder().dataSource(db).openMode(OpenMode.READ_ONLY).build()) {
      assertThat(store.artifactRoot()).contains(root.toAbsolutePath());
    }
    assertThat(elsewhere).doesNotExist();
  }
}
