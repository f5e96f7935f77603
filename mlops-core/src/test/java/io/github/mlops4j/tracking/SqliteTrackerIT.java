package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The tracking contract on the embedded SQLite workspace, plus what is specific to it. */
class SqliteTrackerIT extends TrackerContract {
  @Override
  Tracker.Builder freshStore(Path dir) {
    return Tracker.builder().workspace(dir.resolve("ws"));
  }

  @Test
  void workspace_layoutIsDatabaseFileAndArtifactDirectory() {
    Path ws = temp.resolve("ws");
    assertThat(ws.resolve(Store.DATABASE_FILE)).isRegularFile();
    assertThat(ws.resolve(Store.ARTIFACT_DIRECTORY)).isDirectory();
  }

  @Test
  void newerSchema_isRefusedAndLeftUnchanged() throws Exception {
    tracker.close();
    Path db = temp.resolve("ws").resolve(Store.DATABASE_FILE);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE mlops_schema SET version = 99 WHERE component = 'tracking'");
    }
    long sizeBefore = Files.size(db);
    assertThatThrownBy(() -> Tracker.open(temp.resolve("ws")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("newer version of mlops4j")
        .hasMessageContaining("version 99")
        .hasMessageContaining("left unchanged");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT version FROM mlops_schema WHERE component = 'tracking'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(99);
    }
    assertThat(Files.size(db)).isEqualTo(sizeBefore);
    tracker = Tracker.builder().workspace(temp.resolve("other")).build(); // for @AfterEach
  }

  @Test
  void flushAndClose_keepTheirBound_whenTheDatabaseIsLockedByAnotherProcess() throws Exception {
    Path db = temp.resolve("ws").resolve(Store.DATABASE_FILE);
    Run run = tracker.startRun("e");
    try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = locker.createStatement()) {
      s.execute("BEGIN EXCLUSIVE"); // another process holding the write lock
      for (int i = 0; i < 1000; i++) {
        run.logMetric("x", i, i);
      }
      long start = System.nanoTime();
      assertThat(tracker.flush(Duration.ofMillis(300))).isFalse();
      assertThat(elapsedMillis(start)).isBetween(250L, 2_000L);
      start = System.nanoTime();
      assertThatThrownBy(() -> tracker.close(Duration.ofMillis(500)))
          .isInstanceOf(TrackingException.class)
          .hasMessageContaining("1000 metric points could not be stored");
      assertThat(elapsedMillis(start)).isBetween(450L, 3_000L);
      s.execute("ROLLBACK");
    }
    tracker = Tracker.open(temp.resolve("ws")); // for @AfterEach; the workspace still opens
    assertThat(tracker.findRun(run.id())).isPresent();
  }

  private static long elapsedMillis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Test
  void twoTrackersOpenedOnOneWorkspace_staleHandleIsRefused() {
    Run run = tracker.startRun("e");
    try (Tracker second =
        Tracker.builder().workspace(temp.resolve("ws")).captureEnvironment(false).build()) {
      Run stale = second.resumeRun(run.id());
      run.close();

      stale.logMetric("m", 1.0); // handled by the second tracker's writer: dropped and counted
      assertThat(second.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(second.rejectedMetricPoints()).isEqualTo(1);
      assertThatThrownBy(() -> stale.logParam("p", "1"))
          .isInstanceOf(RunEndedException.class)
          .hasMessageContaining("FINISHED");
      assertThatThrownBy(() -> stale.logMetric("m", 2.0)).isInstanceOf(RunEndedException.class);
      stale.fail(new IllegalStateException("late"));
    }
    RunInfo info = tracker.findRun(run.id()).orElseThrow();
    assertThat(info.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(info.params()).isEmpty();
    assertThat(info.metrics()).isEmpty();
    assertThat(info.tags()).doesNotContainKey(Run.ERROR_TAG);
  }

  @Test
  void reopening_keepsEverything() {
    String id;
    try (Run run = tracker.startRun("e")) {
      id = run.id();
      for (int i = 0; i < 10_000; i++) {
        run.logMetric("loss", 1.0 / (i + 1), i);
      }
    }
    tracker.close();
    tracker = Tracker.open(temp.resolve("ws"));
    assertThat(tracker.metricHistory(id, "loss")).hasSize(10_000);
    assertThat(tracker.findRun(id).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
  }
}
