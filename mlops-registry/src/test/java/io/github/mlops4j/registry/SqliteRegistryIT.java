package io.github.mlops4j.registry;

import java.nio.file.Path;

/** The registry contract on the embedded SQLite workspace. */
class SqliteRegistryIT extends ModelRegistryContract {
  @Override
  ModelRegistry.Builder fresh(Path dir) {
    return ModelRegistry.builder().workspace(dir.resolve("ws"));
  }

  @Override
  io.github.mlops4j.store.Store openStore(Path dir) {
    return io.github.mlops4j.store.Store.open(dir);
  }
}
