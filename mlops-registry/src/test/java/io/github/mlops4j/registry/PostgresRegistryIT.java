package io.github.mlops4j.registry;

import io.github.mlops4j.store.PostgresDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The registry contract on a real PostgreSQL server; each test gets its own database. */
class PostgresRegistryIT extends ModelRegistryContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresDatabases.start("registry");
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Override
  ModelRegistry.Builder fresh(Path dir) throws Exception {
    return ModelRegistry.builder().dataSource(postgres.fresh())
        .artifactRoot(dir.resolve("artifacts"));
  }
}
