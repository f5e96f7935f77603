package io.github.mlops4j.registry;

import io.github.mlops4j.artifacts.EncryptedArtifactStore;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.TestKeys;
import java.nio.file.Path;

/**
 * The registry contract on a SQLite workspace whose artifacts are encrypted at rest ({@link
 * EncryptedArtifactStore} with a real PKCS12 keystore).
 */
class EncryptedRegistryIT extends ModelRegistryContract {
  private static EncryptedArtifactStore encrypted(Path dir) throws Exception {
    TestKeys keys = TestKeys.openOrCreate(dir.resolve("keys.p12"), "k1");
    return EncryptedArtifactStore.builder()
        .root(dir.resolve("artifacts"))
        .keyProvider(keys.provider("k1"))
        .build();
  }

  @Override
  ModelRegistry.Builder fresh(Path dir) throws Exception {
    org.sqlite.SQLiteDataSource db = new org.sqlite.SQLiteDataSource();
    db.setUrl("jdbc:sqlite:" + dir.resolve("mlops.db"));
    return ModelRegistry.builder().dataSource(db).artifactStore(encrypted(dir));
  }

  @Override
  Store openStore(Path dir) throws Exception {
    return Store.builder()
        .sqliteFile(dir.resolve("mlops.db"))
        .artifactStore(encrypted(dir))
        .build();
  }

  @Override
  Path storedBytes(String digest) throws Exception {
    return TestKeys.dataFile((EncryptedArtifactStore) registry.store().artifacts(), digest);
  }
}
