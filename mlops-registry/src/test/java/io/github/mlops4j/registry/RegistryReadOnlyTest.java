package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.store.OpenMode;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;

/**
 * A registry opened read-only serves reads and loads, and never changes a byte of the workspace.
 */
class RegistryReadOnlyTest {
  @TempDir Path temp;

  private Path workspaceWithAModel() {
    Path ws = temp.resolve("ws");
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(ws).pollInterval(Duration.ZERO).build()) {
      registry.register("churn", Models.churn(1), null);
      registry.setAlias("churn", "champion", 1);
    }
    return ws;
  }

  @Test
  void readOnlyRegistry_resolvesAndLoads_refusesChanges_andLeavesTheDatabaseUnchanged() {
    Path ws = workspaceWithAModel();
    Map<String, byte[]> before = snapshot(ws);

    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(ws)
            .openMode(OpenMode.READ_ONLY)
            .pollInterval(Duration.ZERO)
            .build()) {
      ModelVersion champion = registry.resolve("churn", "champion").orElseThrow();
      assertThat(champion.version()).isEqualTo(1);
      assertThat(registry.loadTribuo(champion, Label.class)).isNotNull();
      assertThatThrownBy(() -> registry.setAlias("churn", "champion", 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
      assertThatThrownBy(() -> registry.register("churn", Models.churn(2), null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
    }

    Map<String, byte[]> after = snapshot(ws);
    after.remove("mlops.db-wal"); // SQLite's (empty) WAL and index, created by any reader
    after.remove("mlops.db-shm");
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
    before.forEach(
        (name, bytes) -> assertThat(Arrays.equals(after.get(name), bytes)).as(name).isTrue());
  }

  @Test
  void registryRefusesAWorkspaceWhoseTrackingSchemaIsNewer_andChangesNothing() throws Exception {
    Path ws = workspaceWithAModel();
    Path db = ws.resolve(Store.DATABASE_FILE);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=DELETE");
      s.executeUpdate("UPDATE mlops_schema SET version = 7 WHERE component = 'tracking'");
    }
    Map<String, byte[]> before = snapshot(ws);

    assertThatThrownBy(() -> ModelRegistry.open(ws))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'tracking' schema is version 7");

    Map<String, byte[]> after = snapshot(ws);
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
    before.forEach(
        (name, bytes) -> assertThat(Arrays.equals(after.get(name), bytes)).as(name).isTrue());
  }

  private static Map<String, byte[]> snapshot(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        files.put(
            dir.relativize(p).toString(),
            Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
