package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.store.EmbeddedPostgresExtension;
import io.github.mlops4j.store.OpenMode;
import io.github.mlops4j.store.StoreException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tracking contract on a real PostgreSQL server; each test gets its own database. */
class PostgresTrackerIT extends TrackerContract {
  @RegisterExtension
  static final EmbeddedPostgresExtension postgres = new EmbeddedPostgresExtension("tracking");

  private DataSource current;

  @Override
  Tracker.Builder freshStore(Path dir) throws Exception {
    current = postgres.fresh();
    return Tracker.builder().dataSource(current).artifactRoot(dir.resolve("artifacts"));
  }

  @Test
  void readOnlyTracker_readsTheDatabase_andRefusesWrites() {
    String id;
    try (Run run = tracker.startRun("e")) {
      id = run.id();
      run.logParam("lr", "0.1");
    }
    try (Tracker readOnly =
        Tracker.builder()
            .dataSource(current)
            .artifactRoot(temp.resolve("artifacts"))
            .openMode(OpenMode.READ_ONLY)
            .captureEnvironment(false)
            .build()) {
      assertThat(readOnly.findRun(id).orElseThrow().params()).containsEntry("lr", "0.1");
      assertThatThrownBy(() -> readOnly.startRun("e"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
    }
    assertThat(tracker.searchRuns("e", "")).hasSize(1);
  }

  @Test
  void existingMode_refusesADatabaseWithoutAWorkspace() throws Exception {
    DataSource empty = postgres.fresh();
    assertThatThrownBy(
            () ->
                Tracker.builder()
                    .dataSource(empty)
                    .artifactRoot(temp.resolve("artifacts"))
                    .openMode(OpenMode.EXISTING)
                    .build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no mlops4j workspace in this database");
  }
}
