package io.github.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Where a workspace's artifacts are found: through symbolic links, after a move, when the recorded
 * directory is missing, with a provider's store that must be closed, and which builder settings
 * cannot be combined (embedded SQLite; real files and real symbolic links).
 */
class WorkspaceLocationTest {
  @TempDir Path temp;

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A workspace directory {@code real/} and a symbolic link {@code link/} to it. */
  private Path[] realAndLink() throws IOException {
    Path real = Files.createDirectories(temp.resolve("real"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), real);
    return new Path[] {real, link};
  }

  @Test
  void createdThroughItsRealPath_opensThroughASymbolicLinkInEveryMode() throws Exception {
    Path[] ws = realAndLink();
    String digest;
    try (Store store = Store.open(ws[0])) {
      store.migrate("tracking", 4);
      digest = WorkspaceSettingsTest.put(store.artifacts(), "weights");
    }
    for (OpenMode mode : OpenMode.values()) {
      try (Store store = Store.open(ws[1], mode)) {
        store.migrate("tracking", 4);
        assertThat(store.artifactRoot()).contains(ws[1].resolve("artifacts").toAbsolutePath());
        assertThat(WorkspaceSettingsTest.text(store.artifacts(), digest))
            .as("mode %s", mode)
            .isEqualTo("weights");
      }
      Path db = ws[1].resolve(Store.DATABASE_FILE);
      try (Store store = Store.builder().sqliteFile(db).openMode(mode).build()) {
        assertThat(WorkspaceSettingsTest.text(store.artifacts(), digest)).isEqualTo("weights");
      }
    }
    assertThat(WorkspaceSettingsTest.recorded(ws[0].resolve(Store.DATABASE_FILE)))
        .isEqualTo("artifacts/");
  }

  @Test
  void createdThroughASymbolicLink_recordsTheRelativeForm_andMovesAsAWhole() throws Exception {
    Path[] ws = realAndLink();
    String digest;
    try (Store store = Store.open(ws[1])) {
      store.migrate("tracking", 4);
      digest = WorkspaceSettingsTest.put(store.artifacts(), "weights");
    }
    WorkspaceSettingsTest.assertRecordedRelativelyAndMovable(ws[0], temp.resolve("moved"), digest);
  }

  @Test
  void databaseAndArtifactRootNamedThroughDifferentPaths_compareTheirRealPaths() throws Exception {
    Path[] ws = realAndLink();
    String digest;
    // database named through the link, artifacts through the real path
    try (Store store =
        Store.builder()
            .sqliteFile(ws[1].resolve(Store.DATABASE_FILE))
            .artifactRoot(ws[0].resolve("artifacts"))
            .build()) {
      store.migrate("tracking", 4);
      digest = WorkspaceSettingsTest.put(store.artifacts(), "weights");
    }
    assertThat(WorkspaceSettingsTest.recorded(ws[0].resolve(Store.DATABASE_FILE)))
        .isEqualTo("artifacts/");

    // a host SQLite DataSource (SQLite resolves the link) given the artifact root through it
    SQLiteDataSource host = new SQLiteDataSource();
    host.setUrl("jdbc:sqlite:" + ws[1].resolve(Store.DATABASE_FILE));
    for (OpenMode mode : OpenMode.values()) {
      try (Store store =
          Store.builder()
              .dataSource(host)
              .artifactRoot(ws[1].resolve("artifacts"))
              .openMode(mode)
              .build()) {
        store.migrate("tracking", 4);
        assertThat(WorkspaceSettingsTest.text(store.artifacts(), digest))
            .as("mode %s", mode)
            .isEqualTo("weights");
      }
    }
    assertThat(WorkspaceSettingsTest.recorded(ws[0].resolve(Store.DATABASE_FILE)))
        .isEqualTo("artifacts/");
  }

  @Test
  void recordedDirectoryThatDoesNotExist_isRefusedInEveryMode_andNotCreated() throws Exception {
    Path db = temp.resolve("db").resolve(Store.DATABASE_FILE);
    Path shared = temp.resolve("shared-volume").resolve("artifacts");
    try (Store store = Store.builder().sqliteFile(db).artifactRoot(shared).build()) {
      store.migrate("tracking", 4);
      WorkspaceSettingsTest.put(store.artifacts(), "weights");
    }
    deleteTree(shared.getParent()); // the shared volume is not mounted here

    for (OpenMode mode : OpenMode.values()) {
      assertThatThrownBy(() -> Store.builder().sqliteFile(db).openMode(mode).build())
          .as("mode %s", mode)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(shared.toAbsolutePath().toUri().toString())
          .hasMessageContaining("does not exist")
          .hasMessageContaining("same path");
    }
    SQLiteDataSource host = new SQLiteDataSource();
    host.setUrl("jdbc:sqlite:" + db);
    assertThatThrownBy(() -> Tracker.builder().dataSource(host).captureEnvironment(false).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("does not exist");
    assertThat(shared.getParent()).doesNotExist();

    // an explicitly given root is still created
    try (Store store = Store.builder().sqliteFile(db).artifactRoot(shared).build()) {
      store.migrate("tracking", 4);
    }
    assertThat(shared).isDirectory();
  }

  @Test
  void storeOpenedThroughAProvider_isClosedWithTheStore_inEveryMode() throws Exception {
    Path db = temp.resolve("db").resolve(Store.DATABASE_FILE);
    Path bucket = temp.resolve("bucket");
    try (Store store =
        Store.builder().sqliteFile(db).artifactStore(TestSchemeProvider.at(bucket)).build()) {
      store.migrate("tracking", 4);
    }
    for (OpenMode mode : OpenMode.values()) {
      Store store = Store.builder().sqliteFile(db).openMode(mode).build();
      assertThat(TestSchemeProvider.openAt(bucket)).as("open, mode %s", mode).isEqualTo(1);
      store.close();
      assertThat(TestSchemeProvider.openAt(bucket)).as("closed, mode %s", mode).isZero();
    }
  }

  @Test
  void artifactSettingsBesideAWorkspaceOrASharedStore_areRefusedNamingBoth() throws Exception {
    Path ws = temp.resolve("ws");
    Path elsewhere = temp.resolve("elsewhere");
    ArtifactStore bucket = TestSchemeProvider.at(temp.resolve("bucket"));
    assertThatThrownBy(
            () ->
                Tracker.builder()
                    .workspace(ws)
                    .artifactRoot(elsewhere)
                    .captureEnvironment(false)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("artifactRoot(...)")
        .hasMessageContaining("workspace(...)")
        .hasMessageContaining("Tracker.Builder");
    assertThatThrownBy(() -> FeatureStore.builder().workspace(ws).artifactStore(bucket).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("artifactStore(...)")
        .hasMessageContaining("workspace(...)");
    assertThat(ws).doesNotExist();
    assertThat(elsewhere).doesNotExist();

    try (Store shared = Store.open(ws)) {
      assertThatThrownBy(
              () ->
                  Tracker.builder()
                      .store(shared)
                      .artifactRoot(elsewhere)
                      .captureEnvironment(false)
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("artifactRoot(...)")
          .hasMessageContaining("store(...)");
      assertThatThrownBy(() -> FeatureStore.builder().store(shared).artifactStore(bucket).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("artifactStore(...)")
          .hasMessageContaining("store(...)");
      assertThat(shared.isClosed()).isFalse();
    }
    assertThat(elsewhere).doesNotExist();
  }
}
