package io.github.mlops4j.registry.training;

import io.github.mlops4j.registry.ModelRegistry;

/**
 * The retraining lease on one SQLite workspace opened by two registries (two connection pools), as
 * two processes on one host would share it.
 */
class SqliteRetrainingLeaseTest extends RetrainingLeaseContract {
  @Override
  ModelRegistry.Builder replica(int index) {
    return ModelRegistry.builder().workspace(dir);
  }
}
