package io.github.mlops4j.tracking;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every {@link RunSnapshotsProperties} case on a real PostgreSQL: searches (whose statement reads
 * the page's runs with their ids) and {@code findRun} return what the tables hold.
 */
class RunSnapshotsPostgresIT extends RunSnapshotsProperties {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("snapshots");

  private @Nullable DataSource current;

  /** Fewer than on SQLite: each run's writes are round trips to the server. */
  @Override
  int examples() {
    return 15;
  }

  @Override
  Tracker.Builder store(Path dir) throws Exception {
    DataSource db = postgres.fresh();
    current = db;
    return Tracker.builder().dataSource(db).artifactRoot(dir.resolve("artifacts"));
  }

  @Override
  Connection plain(Path dir) throws SQLException {
    DataSource db = current;
    if (db == null) {
      throw new IllegalStateException("store(...) was not called");
    }
    return db.getConnection();
  }
}
