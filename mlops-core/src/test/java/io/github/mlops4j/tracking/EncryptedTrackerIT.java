package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.artifacts.EncryptedArtifactStore;
import io.github.mlops4j.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/**
 * The tracking contract on a SQLite workspace whose artifacts are encrypted at rest ({@link
 * EncryptedArtifactStore} with a real PKCS12 keystore).
 */
class EncryptedTrackerIT extends TrackerContract {
  private EncryptedArtifactStore artifacts;

  @Override
  Tracker.Builder freshStore(Path dir) throws Exception {
    TestKeys keys = TestKeys.openOrCreate(dir.resolve("keys.p12"), "k1");
    artifacts =
        EncryptedArtifactStore.builder()
            .root(dir.resolve("artifacts"))
            .keyProvider(keys.provider("k1"))
            .build();
    SQLiteDataSource db = new SQLiteDataSource();
    db.setUrl("jdbc:sqlite:" + dir.resolve("mlops.db"));
    return Tracker.builder().dataSource(db).artifactStore(artifacts);
  }

  @Override
  Path storedBytes(String digest) throws IOException {
    return TestKeys.dataFile(artifacts, digest);
  }

  @Test
  void workspace_recordsTheEncryptedLocation_andStoresNoPlaintext() throws IOException {
    Path model = Files.writeString(temp.resolve("model.txt"), "secret weights");
    try (Run run = tracker.startRun("e")) {
      run.logArtifact(model);
    }
    assertThat(tracker.store().artifacts().location()).startsWith("encrypted+file:");
    try (var files = Files.walk(temp.resolve("artifacts"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1))
            .doesNotContain("secret weights");
      }
    }
  }
}
