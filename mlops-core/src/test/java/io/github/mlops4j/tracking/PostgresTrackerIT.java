package io.github.mlops4j.tracking;

import io.github.mlops4j.store.PostgresDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tracking contract on a real PostgreSQL server; each test gets its own database. */
class PostgresTrackerIT extends TrackerContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresDatabases.start("tracking");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  Tracker.Builder freshStore(Path dir) throws Exception {
    return Tracker.builder().dataSource(postgres.fresh()).artifactRoot(dir.resolve("artifacts"));
  }
}
