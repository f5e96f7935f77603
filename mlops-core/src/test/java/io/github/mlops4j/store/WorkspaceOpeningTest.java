package io.github.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening embedded workspaces: what is refused, and that a refusal or a read-only open leaves every
 * file byte for byte as it was.
 */
class WorkspaceOpeningTest {
  @TempDir Path temp;

  /** A workspace with one finished run, one stored artifact and a feature view. */
  private Path populatedWorkspace() throws IOException {
    Path ws = temp.resolve("ws");
    Path model = Files.writeString(temp.resolve("model.bin"), "weights");
    try (Tracker tracker = Tracker.builder().workspace(ws).captureEnvironment(false).build();
        FeatureStore features = FeatureStore.builder().store(tracker.store()).build()) {
      features.apply(
          FeatureView.builder("users")
              .entity("user", ValueType.STRING)
              .feature("score", ValueType.DOUBLE)
              .build());
      try (Run run = tracker.startRun("e")) {
        run.logParam("lr", "0.1");
        run.logArtifact(model);
      }
    }
    return ws;
  }

  /** Every file under {@code dir} (relative path) with its bytes. */
  private static Map<String, byte[]> snapshot(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String name = dir.relativize(p).toString();
        files.put(
            name + (Files.isDirectory(p) ? "/" : ""),
            Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static void assertSameFiles(Map<String, byte[]> after, Map<String, byte[]> before) {
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
    before.forEach(
        (name, bytes) ->
            assertThat(Arrays.equals(after.get(name), bytes)).as("bytes of %s", name).isTrue());
  }

  /** The same, allowing SQLite's empty WAL and its shared-memory index to appear beside it. */
  private static void assertSameFilesBesideSqliteIndex(
      Map<String, byte[]> after, Map<String, byte[]> before) {
    Map<String, byte[]> data = new TreeMap<>(after);
    byte[] wal = data.remove("mlops.db-wal");
    data.remove("mlops.db-shm");
    if (wal != null && !before.containsKey("mlops.db-wal")) {
      assertThat(wal).as("a WAL file created by a read-only open").isEmpty();
    }
    Map<String, byte[]> expected = new TreeMap<>(before);
    expected.remove("mlops.db-wal");
    expected.remove("mlops.db-shm");
    assertSameFiles(data, expected);
  }

  private static void sql(Path db, String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  @Test
  void pooledConnections_readWithTheLargerPageCache_inEveryOpenMode() throws Exception {
    Path ws = populatedWorkspace();
    for (OpenMode mode : new OpenMode[] {OpenMode.CREATE, OpenMode.READ_ONLY}) {
      try (Store store = Store.open(ws, mode)) {
        int kib =
            store.read(
                c -> {
                  try (Statement s = c.createStatement();
                      ResultSet rs = s.executeQuery("PRAGMA cache_size")) {
                    rs.next();
                    return -rs.getInt(1);
                  }
                });
        assertThat(kib).as(mode.name()).isEqualTo(Store.PAGE_CACHE_KIB);
      }
    }
  }

  private static String journalMode(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }

  // ---------------------------------------------------------------- damaged workspaces

  @Test
  void zeroByteDatabase_besidePopulatedArtifacts_isRefused_andLeftUnchanged() throws Exception {
    Path ws = populatedWorkspace();
    Files.write(ws.resolve(Store.DATABASE_FILE), new byte[0]); // truncated
    Map<String, byte[]> before = snapshot(ws);

    assertThatThrownBy(() -> Tracker.open(ws))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(ws.resolve(Store.DATABASE_FILE).toString())
        .hasMessageContaining("0 bytes")
        .hasMessageContaining("artifacts");
    assertThatThrownBy(() -> FeatureStore.open(ws)).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> Store.open(ws)).isInstanceOf(StoreException.class);

    assertSameFiles(snapshot(ws), before);
  }

  @Test
  void missingDatabase_besidePopulatedArtifacts_isRefused() throws Exception {
    Path ws = populatedWorkspace();
    Files.delete(ws.resolve(Store.DATABASE_FILE));
    Map<String, byte[]> before = snapshot(ws);

    assertThatThrownBy(() -> Tracker.open(ws))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("artifacts");

    assertSameFiles(snapshot(ws), before);
  }

  @Test
  void zeroByteDatabase_withoutStoredArtifacts_isANewWorkspace() throws Exception {
    Path ws = Files.createDirectories(temp.resolve("fresh"));
    Files.write(ws.resolve(Store.DATABASE_FILE), new byte[0]); // a first open that crashed

    try (Tracker tracker = Tracker.open(ws)) {
      tracker.startRun("e").close();
    }
  }

  // ---------------------------------------------------------------- newer schemas

  @Test
  void newerSchema_inARollbackJournalDatabase_isRefused_andEveryByteIsUnchanged() throws Exception {
    Path ws = populatedWorkspace();
    Path db = ws.resolve(Store.DATABASE_FILE);
    sql(
        db,
        "PRAGMA journal_mode=DELETE",
        "UPDATE mlops_schema SET version = 99 WHERE component = 'tracking'");
    assertThat(journalMode(db)).isEqualTo("delete");
    Map<String, byte[]> before = snapshot(ws);

    assertThatThrownBy(() -> Tracker.open(ws))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'tracking' schema is version 99")
        .hasMessageContaining("left unchanged");
    assertSameFiles(snapshot(ws), before);
    assertThatThrownBy(() -> FeatureStore.open(ws)) // features depend on the same workspace
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'tracking' schema is version 99");
    assertSameFiles(snapshot(ws), before);
    assertThatThrownBy(() -> Tracker.builder().workspace(ws).openMode(OpenMode.READ_ONLY).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("version 99");
    assertSameFiles(snapshot(ws), before);
    assertThat(journalMode(db)).isEqualTo("delete");
  }

  @Test
  void featureStore_refusesAWorkspaceWhoseTrackingSchemaIsNewer() throws Exception {
    Path ws = populatedWorkspace();
    Path db = ws.resolve(Store.DATABASE_FILE);
    sql(db, "UPDATE mlops_schema SET version = 5 WHERE component = 'tracking'");
    byte[] before = Files.readAllBytes(db);

    assertThatThrownBy(() -> FeatureStore.open(ws))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("newer version of mlops4j")
        .hasMessageContaining("'tracking' schema is version 5");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }

  @Test
  void trackerOnASharedStore_refusesANewerFeaturesSchema() throws Exception {
    Path ws = populatedWorkspace();
    sql(
        ws.resolve(Store.DATABASE_FILE),
        "UPDATE mlops_schema SET version = 5 WHERE component = 'features'");

    try (Store store = Store.open(ws)) {
      assertThatThrownBy(() -> Tracker.builder().store(store).build())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("'features' schema is version 5");
    }
  }

  // ---------------------------------------------------------------- existing-only and read-only

  @Test
  void existingAndReadOnlyModes_refuseAMissingWorkspace_andCreateNothing() {
    Path typo = temp.resolve("wrokspace");
    for (OpenMode mode : new OpenMode[] {OpenMode.EXISTING, OpenMode.READ_ONLY}) {
      assertThatThrownBy(() -> Tracker.builder().workspace(typo).openMode(mode).build())
          .as(mode.name())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(typo.toString())
          .hasMessageContaining("no mlops4j workspace");
      assertThatThrownBy(() -> Store.open(typo, mode)).isInstanceOf(StoreException.class);
      assertThat(typo).doesNotExist();
    }
    Path empty = temp.resolve("empty-dir");
    try {
      Files.createDirectories(empty);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThatThrownBy(
            () -> FeatureStore.builder().workspace(empty).openMode(OpenMode.EXISTING).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no mlops4j workspace");
    assertThat(snapshot(empty)).containsOnlyKeys("/");
  }

  @Test
  void readOnlyTracker_readsEverything_writesNothing_andLeavesEveryByte() throws Exception {
    Path ws = populatedWorkspace();
    Map<String, byte[]> before = snapshot(ws);

    try (Tracker tracker =
        Tracker.builder()
            .workspace(ws)
            .openMode(OpenMode.READ_ONLY)
            .captureEnvironment(false)
            .build()) {
      RunInfo run = tracker.searchRuns("e", "").get(0);
      assertThat(run.params()).containsEntry("lr", "0.1");
      try (var in = tracker.openArtifact(run.runId(), "model.bin")) {
        assertThat(in.readAllBytes()).isEqualTo("weights".getBytes());
      }
      assertThatThrownBy(() -> tracker.startRun("e"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
      assertThatThrownBy(() -> tracker.createExperiment("other"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
    }
    try (FeatureStore features =
        FeatureStore.builder().workspace(ws).openMode(OpenMode.READ_ONLY).build()) {
      assertThat(features.views()).extracting(FeatureView::name).containsExactly("users");
    }

    assertSameFilesBesideSqliteIndex(snapshot(ws), before);
  }

  @Test
  void readOnlyOpen_refusesAComponentThatWasNeverStored_orNeedsMigrating() throws Exception {
    Path ws = temp.resolve("tracking-only");
    try (Tracker tracker = Tracker.open(ws)) {
      tracker.startRun("e").close();
    }
    Map<String, byte[]> before = snapshot(ws);

    assertThatThrownBy(
            () -> FeatureStore.builder().workspace(ws).openMode(OpenMode.READ_ONLY).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'features'")
        .hasMessageContaining("read-only");
    sql(
        ws.resolve(Store.DATABASE_FILE),
        "UPDATE mlops_schema SET version = 0 WHERE component = 'tracking'");
    Map<String, byte[]> older = snapshot(ws);
    assertThatThrownBy(() -> Tracker.builder().workspace(ws).openMode(OpenMode.READ_ONLY).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'tracking'")
        .hasMessageContaining("read-only");
    assertSameFilesBesideSqliteIndex(snapshot(ws), older);
    assertThat(before).isNotEmpty();
  }

  @Test
  void existingMode_opensAndWritesAnExistingWorkspace() throws Exception {
    Path ws = populatedWorkspace();

    try (Tracker tracker =
        Tracker.builder()
            .workspace(ws)
            .openMode(OpenMode.EXISTING)
            .captureEnvironment(false)
            .build()) {
      tracker.startRun("e").close();
      assertThat(tracker.searchRuns("e", "")).hasSize(2);
    }
  }

  @Test
  void readOnlyStore_refusesWritesAndArtifactPuts() throws Exception {
    Path ws = populatedWorkspace();
    try (Store store = Store.open(ws, OpenMode.READ_ONLY)) {
      assertThat(store.openMode()).isEqualTo(OpenMode.READ_ONLY);
      assertThatThrownBy(() -> store.write(c -> null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
      assertThatThrownBy(
              () -> store.artifacts().put(new java.io.ByteArrayInputStream(new byte[] {1})))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
      int runs =
          store.read(
              c -> {
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM runs")) {
                  rs.next();
                  return rs.getInt(1);
                }
              });
      assertThat(runs).isEqualTo(1);
    }
  }

  @Test
  void newWorkspace_isInWalMode_afterTheFirstOpen() throws Exception {
    Path ws = temp.resolve("new");
    try (Tracker tracker = Tracker.open(ws)) {
      assertThat(tracker.store().openMode()).isEqualTo(OpenMode.CREATE);
    }
    assertThat(journalMode(ws.resolve(Store.DATABASE_FILE))).isEqualTo("wal");
    assertThat(ws.resolve(Store.ARTIFACT_DIRECTORY)).isDirectory();
  }
}
