package io.github.mlops4j.governance;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.artifacts.EncryptedArtifactStore;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The purge contract on an embedded SQLite workspace whose objects are encrypted at rest. */
class EncryptedPurgerTest extends PurgeContract {
  @Override
  ArtifactStore openArtifacts(Path root) throws IOException {
    try {
      TestKeys keys = TestKeys.create(dir.resolve("keys.p12"), "k1");
      return EncryptedArtifactStore.builder().root(root).keyProvider(keys.provider("k1")).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  Path objectFile(String digest) {
    return TestKeys.headerFile((EncryptedArtifactStore) objects, digest);
  }

  @Override
  Store openStore(ArtifactStore artifacts) {
    return Store.builder().sqliteFile(dir.resolve("crypt.db")).artifactStore(artifacts).build();
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("crypt.db"));
  }
}
