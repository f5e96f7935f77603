package io.github.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.ArtifactStoreProvider;
import io.github.mlops4j.artifacts.DirectoryArtifactStore;
import io.github.mlops4j.tracking.Tracker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workspace records the location of its artifact store in its settings when it is first written;
 * every later open is compared with it, and an open that gives no artifact store opens the one
 * recorded (embedded SQLite; {@code PostgresWorkspaceSettingsIT} runs the shared cases on
 * PostgreSQL).
 */
class WorkspaceSettingsTest {
  @TempDir Path temp;

  private Path db() {
    return temp.resolve("db").resolve(Store.DATABASE_FILE);
  }

  private Store.Builder sqlite() {
    return Store.builder().sqliteFile(db());
  }

  static @Nullable String recorded(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement p =
            c.prepareStatement("SELECT value FROM mlops_settings WHERE name = ?")) {
      p.setString(1, WorkspaceSettings.ARTIFACT_STORE);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void sql(Path db, String statement, String value) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement p = c.prepareStatement(statement)) {
      p.setString(1, value);
      p.executeUpdate();
    }
  }

  /** The location of a directory store at {@code dir}: its {@code file:} URI ending in a slash. */
  private static String uri(Path dir) {
    String uri = dir.toAbsolutePath().toUri().toString();
    return uri.endsWith("/") ? uri : uri + "/";
  }

  static String text(ArtifactStore store, String digest) throws IOException {
    try (InputStream in = store.open(digest)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String put(ArtifactStore store, String content) {
    return store.put(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8))).digest();
  }

  /**
   * Every file under {@code dir} with a hash of its content, to show that nothing was written;
   * without SQLite's shared-memory index and an empty log, which a read-only open may create.
   */
  private static List<String> files(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith("-shm") || (name.endsWith("-wal") && Files.size(p) == 0)) {
          continue;
        }
        out.add(
            dir.relativize(p)
                + (Files.isRegularFile(p)
                    ? " " + java.util.Arrays.hashCode(Files.readAllBytes(p))
                    : "/"));
      }
    }
    return out;
  }

  @Test
  void embeddedWorkspace_recordsItsArtifactsRelatively_andMovesAsAWhole() throws Exception {
    Path ws = temp.resolve("ws");
    String digest;
    try (Store store = Store.open(ws)) {
      store.migrate("tracking", 4);
      digest = put(store.artifacts(), "weights");
    }
    assertRecordedRelativelyAndMovable(ws, temp.resolve("moved"), digest);
  }

  /**
   * Checks that the embedded workspace {@code ws}, holding the object {@code digest} with content
   * "weights", recorded its artifacts relatively, and reads them after it is moved to {@code to}.
   */
  static void assertRecordedRelativelyAndMovable(Path ws, Path to, String digest) throws Exception {
    assertThat(recorded(ws.resolve(Store.DATABASE_FILE))).isEqualTo("artifacts/");
    Path moved = Files.move(ws, to);
    try (Store store = Store.open(moved, OpenMode.EXISTING)) {
      store.migrate("tracking", 4);
      assertThat(text(store.artifacts(), digest)).isEqualTo("weights");
    }
    try (Store store = Store.builder().sqliteFile(moved.resolve(Store.DATABASE_FILE)).build()) {
      assertThat(store.artifactRoot()).contains(moved.resolve("artifacts").toAbsolutePath());
      assertThat(text(store.artifacts(), digest)).isEqualTo("weights");
    }
  }

  @Test
  void laterOpenWithAnotherArtifactRoot_isRefusedNamingBoth_andWritesNothing() throws Exception {
    Path a = temp.resolve("a");
    Path b = temp.resolve("b");
    try (Store store = sqlite().artifactRoot(a).build()) {
      store.migrate("tracking", 4);
    }
    assertThatThrownBy(() -> sqlite().artifactRoot(b).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(uri(b));
    assertThat(b).doesNotExist();
    Files.createDirectories(b);
    List<String> before = files(temp);

    for (OpenMode mode : OpenMode.values()) {
      assertThatThrownBy(() -> sqlite().artifactRoot(b).openMode(mode).build())
          .as("open %s", mode)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(uri(a))
          .hasMessageContaining(uri(b))
          .hasMessageContaining("Nothing was written");
    }
    assertThat(files(temp)).isEqualTo(before);
    assertThat(recorded(db())).isEqualTo(uri(a));
  }

  @Test
  void storeOpenedBeforeAnotherRecorded_isRefusedAtItsFirstWrite() throws Exception {
    Path a = temp.resolve("a");
    Path b = temp.resolve("b");
    try (Store first = sqlite().artifactRoot(a).build();
        Store second = sqlite().artifactRoot(b).build()) {
      first.migrate("tracking", 4);
      assertThatThrownBy(() -> second.migrate("features", 2))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(uri(a))
          .hasMessageContaining(uri(b));
      assertThatThrownBy(() -> second.migrate("tracking", 4)).isInstanceOf(StoreException.class);
    }
    assertThat(b).doesNotExist();
    assertThat(recorded(db())).isEqualTo(uri(a));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM mlops_schema WHERE component = 'features'")) {
      assertThat(rs.next() && rs.getInt(1) == 0).as("the refused migration ran nothing").isTrue();
    }
  }

  @Test
  void readOnlyOpen_comparesButNeverRecords() throws Exception {
    Path a = temp.resolve("a");
    try (Store store = sqlite().artifactRoot(a).build()) {
      store.migrate("tracking", 4);
    }
    // A workspace written before settings existed: nothing recorded yet.
    sql(db(), "DELETE FROM mlops_settings WHERE name <> ?", "");
    Files.createDirectories(temp.resolve("other"));
    List<String> before = files(temp);
    try (Store readOnly =
        sqlite().artifactRoot(temp.resolve("other")).openMode(OpenMode.READ_ONLY).build()) {
      readOnly.migrate("tracking", 4);
      assertThat(readOnly.artifacts().isReadOnly()).isTrue();
    }
    assertThat(files(temp)).isEqualTo(before);
    assertThat(recorded(db())).isNull();
  }

  @Test
  void openWithoutArtifactStore_opensTheDirectoryTheSettingsName() throws Exception {
    Path a = temp.resolve("a");
    String digest;
    try (Store store = sqlite().artifactRoot(a).build()) {
      store.migrate("tracking", 4);
      digest = put(store.artifacts(), "model");
    }
    org.sqlite.SQLiteDataSource host = new org.sqlite.SQLiteDataSource();
    host.setUrl("jdbc:sqlite:" + db());
    try (Store store = Store.builder().dataSource(host).build()) {
      store.migrate("tracking", 4);
      assertThat(store.artifactRoot()).contains(a.toAbsolutePath());
      assertThat(text(store.artifacts(), digest)).isEqualTo("model");
    }
    try (Store store = sqlite().openMode(OpenMode.READ_ONLY).build()) {
      assertThat(store.artifacts().isReadOnly()).isTrue();
      assertThat(text(store.artifacts(), digest)).isEqualTo("model");
    }
  }

  @Test
  void nothingRecordedAndNothingGiven_namesBothBuilderMethods() throws Exception {
    assertThatThrownBy(() -> sqlite().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Store.Builder")
        .hasMessageContaining("artifactRoot(path)")
        .hasMessageContaining("artifactStore(store)");
    try (Store store = sqlite().artifactRoot(temp.resolve("a")).build()) {
      // the refused open left a database without settings; the next one records them
      store.migrate("tracking", 4);
    }
    assertThat(recorded(db())).isEqualTo(uri(temp.resolve("a")));
  }

  @Test
  void artifactRootAndArtifactStore_areExclusive() {
    ArtifactStore dir = DirectoryArtifactStore.open(temp.resolve("a"));
    assertThatThrownBy(() -> sqlite().artifactRoot(temp.resolve("a")).artifactStore(dir).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exactly one of artifactRoot(...) or artifactStore(...)");
    assertThat(db()).doesNotExist();
  }

  @Test
  void givenArtifactStore_isRecordedAndUsed_readOnlyThroughAReadOnlyStore() throws Exception {
    ArtifactStore given = DirectoryArtifactStore.open(temp.resolve("a"));
    String digest;
    try (Store store = sqlite().artifactStore(given).build()) {
      store.migrate("tracking", 4);
      assertThat(store.artifacts()).isSameAs(given);
      assertThat(store.artifactRoot()).isEmpty();
      digest = put(store.artifacts(), "x");
    }
    assertThat(recorded(db())).isEqualTo(given.location());
    try (Store store = sqlite().artifactStore(given).openMode(OpenMode.READ_ONLY).build()) {
      assertThat(text(store.artifacts(), digest)).isEqualTo("x");
      assertThatThrownBy(() -> put(store.artifacts(), "y"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
    }
  }

  @Test
  void otherScheme_isOpenedThroughItsRegisteredProvider() throws Exception {
    Path root = temp.resolve("bucket");
    ArtifactStore given = TestSchemeProvider.at(root);
    String digest;
    try (Store store = sqlite().artifactStore(given).build()) {
      store.migrate("tracking", 4);
      digest = put(store.artifacts(), "through the provider");
    }
    assertThat(recorded(db()))
        .isEqualTo(TestSchemeProvider.SCHEME + ":" + root.toAbsolutePath().toUri().getRawPath());

    try (Store store = sqlite().build()) {
      store.migrate("tracking", 4);
      assertThat(store.artifactRoot()).isEmpty();
      assertThat(store.artifacts()).isInstanceOf(TestSchemeProvider.SchemeStore.class);
      assertThat(store.artifacts().location()).isEqualTo(given.location());
      assertThat(text(store.artifacts(), digest)).isEqualTo("through the provider");
    }
    try (Store store = sqlite().openMode(OpenMode.READ_ONLY).build()) {
      assertThat(text(store.artifacts(), digest)).isEqualTo("through the provider");
      assertThatThrownBy(() -> put(store.artifacts(), "no"))
          .isInstanceOf(IllegalStateException.class);
    }
    assertThatThrownBy(() -> sqlite().artifactRoot(root).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(given.location());
  }

  /** Records {@code value} by hand as the artifact store location of a new workspace. */
  private void handEdited(String value) throws Exception {
    try (Store store = sqlite().artifactRoot(temp.resolve("a")).build()) {
      store.migrate("tracking", 4);
    }
    sql(db(), "UPDATE mlops_settings SET value = ? WHERE name = 'artifact-store.location'", value);
  }

  @Test
  void handEditedHugeLocation_isABoundedError() throws Exception {
    handEdited("s3://" + "b".repeat(1_000_000) + "/");
    assertThatThrownBy(() -> sqlite().build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("1000006 characters long")
        .hasMessageContaining("changed by hand")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    // also when the process gives its own store: the setting is read before it is compared
    assertThatThrownBy(() -> sqlite().artifactRoot(temp.resolve("a")).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("characters long");
  }

  @Test
  void handEditedMalformedLocation_isAClearError() throws Exception {
    handEdited("s3://bucket/with space/" + "x".repeat(500));
    assertThatThrownBy(() -> sqlite().build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not a valid URI")
        .hasMessageContaining("mlops_settings")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
  }

  @Test
  void unknownScheme_namesTheSchemeAndWhatToAdd() throws Exception {
    handEdited("gopher://host/objects/");
    assertThatThrownBy(() -> sqlite().build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no ArtifactStoreProvider for the scheme 'gopher'")
        .hasMessageContaining("artifactStore(...)");
    sql(
        db(),
        "UPDATE mlops_settings SET value = ? WHERE name = 'artifact-store.location'",
        "s3://bucket/ws/");
    assertThatThrownBy(() -> sqlite().build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'s3'")
        .hasMessageContaining("io.github.mlops4j:mlops-s3");
  }

  @Test
  void providerThatCannotOpenTheLocation_isAStoreErrorNamingIt() throws Exception {
    handEdited(TestSchemeProvider.SCHEME + ":relative/path");
    assertThatThrownBy(() -> sqlite().build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(TestSchemeProvider.class.getName())
        .hasMessageContaining(TestSchemeProvider.SCHEME + ":relative/path")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void moduleDescriptor_usesTheProviderService_soTheLookupWorksOnTheModulePath() throws Exception {
    Path classes = Path.of(Store.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor descriptor = ModuleFinder.of(classes).findAll().iterator().next().descriptor();
    assertThat(descriptor.uses()).contains(ArtifactStoreProvider.class.getName());
  }

  @Test
  void serviceBuilders_takeAnArtifactStore_orOpenTheOneTheWorkspaceNames() throws Exception {
    org.sqlite.SQLiteDataSource host = new org.sqlite.SQLiteDataSource();
    host.setUrl("jdbc:sqlite:" + temp.resolve("host.db"));
    ArtifactStore bucket = TestSchemeProvider.at(temp.resolve("bucket"));
    try (Tracker tracker =
        Tracker.builder()
            .dataSource(host)
            .artifactStore(bucket)
            .captureEnvironment(false)
            .build()) {
      assertThat(tracker.store().artifacts()).isSameAs(bucket);
    }
    try (Tracker tracker = Tracker.builder().dataSource(host).captureEnvironment(false).build()) {
      assertThat(tracker.store().artifacts().location()).isEqualTo(bucket.location());
    }
    assertThatThrownBy(
            () ->
                Tracker.builder()
                    .dataSource(host)
                    .artifactRoot(temp.resolve("a"))
                    .artifactStore(bucket)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exactly one of artifactRoot(...) or artifactStore(...)");
  }
}
