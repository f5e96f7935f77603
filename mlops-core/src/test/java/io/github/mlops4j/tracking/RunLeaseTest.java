package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs left running: which a later open ends, and which it must never touch. */
class RunLeaseTest {
  @TempDir Path ws;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  /** Beats only when a test ticks it: no background beat writes the fake clock's time. */
  private final ManualHeartbeat beats = new ManualHeartbeat();

  private Tracker open() {
    return Tracker.builder()
        .workspace(ws)
        .clock(clock)
        .captureEnvironment(false)
        .shutdownFlushTimeout(Duration.ZERO)
        .heartbeatScheduler(beats)
        .build();
  }

  /** Makes the run look held by a process on another host (not visible to this one). */
  private static void moveToAnotherHost(Tracker tracker, String runId) {
    StoreAccess.write(
        tracker.store(),
        c ->
            Sql.update(
                c,
                "UPDATE runs SET owner_host = 'another-host', owner_pid = 1 WHERE run_id = ?",
                runId));
  }

  @Test
  void aLiveTrackersRun_isNotTouchedByAnotherOpen_evenLongPastTheLease() {
    try (Tracker live = open()) {
      Run run = live.startRun("e");
      clock.advance(Duration.ofDays(1));
      try (Tracker other = open()) {
        assertThat(other.findRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      }
      run.logMetric("m", 1, 0);
      run.close();
      assertThat(live.findRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  @Test
  void aRunOfAnotherHost_isEndedOnlyOnceItsHeartbeatIsOlderThanTheLease() {
    try (Tracker holder = open()) {
      Run run = holder.startRun("e");
      moveToAnotherHost(holder, run.id());

      clock.advance(Duration.ofSeconds(59));
      try (Tracker other = open()) {
        assertThat(other.findRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      }
      holder.heartbeat(); // renewed at 59 s: good for another lease
      clock.advance(Duration.ofSeconds(59));
      try (Tracker other = open()) {
        assertThat(other.findRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      }
      clock.advance(Duration.ofSeconds(2));
      try (Tracker other = open()) {
        RunInfo info = other.findRun(run.id()).orElseThrow();
        assertThat(info.status()).isEqualTo(RunStatus.KILLED);
        assertThat(info.endTime()).hasValue(Instant.parse("2025-01-01T00:00:59Z"));
        assertThat(info.tags().get(Tracker.END_REASON_TAG))
            .contains("pid 1 on another-host")
            .contains("2025-01-01T00:00:59Z");
      }
    }
  }

  @Test
  void theLeaseIsConfigurable() {
    try (Tracker holder = open()) {
      Run run = holder.startRun("e");
      moveToAnotherHost(holder, run.id());
      clock.advance(Duration.ofSeconds(11));
      try (Tracker other =
          Tracker.builder()
              .workspace(ws)
              .clock(clock)
              .captureEnvironment(false)
              .shutdownFlushTimeout(Duration.ZERO)
              .runLease(Duration.ofSeconds(10))
              .heartbeatScheduler(beats)
              .build()) {
        assertThat(other.findRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.KILLED);
      }
    }
  }

  @Test
  void runsLeftRunningByAClosedTracker_areLetGo_andNeverEnded() {
    String runId;
    try (Tracker tracker = open()) {
      runId = tracker.startRun("e").id();
      moveToAnotherHost(tracker, runId);
    }
    clock.advance(Duration.ofDays(1));
    try (Tracker tracker = open()) {
      assertThat(tracker.findRun(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      tracker.resumeRun(runId).close();
      assertThat(tracker.findRun(runId).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  /** Makes the run look held by a process that crashed (another host, so not seen alive). */
  private static void crashHolder(Tracker tracker, String runId) {
    StoreAccess.write(
        tracker.store(),
        c ->
            Sql.update(
                c,
                "UPDATE runs SET owner = 'dead-process-token',"
                    + " owner_host = 'another-host', owner_pid = 1 WHERE run_id = ?",
                runId));
  }

  @Test
  void aRunResumedAfterItsProcessCrashed_isHeldByTheResumer_andNotEndedWhileInUse() {
    String runId;
    try (Tracker crashed = open()) {
      runId = crashed.startRun("e").id();
      crashHolder(crashed, runId);
    }
    clock.advance(Duration.ofSeconds(59));
    try (Tracker resumer = open()) {
      Run run = resumer.resumeRun(runId);
      clock.advance(Duration.ofSeconds(2)); // past the crashed holder's lease
      try (Tracker other = open()) {
        assertThat(other.findRun(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      }
      clock.advance(Duration.ofSeconds(58));
      assertThat(beats.tick()).isTrue(); // the resumer's heartbeat renews the run
      clock.advance(Duration.ofSeconds(58));
      try (Tracker other = open()) {
        assertThat(other.findRun(runId).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      }
      run.logMetric("m", 1, 0);
      run.close();
      assertThat(resumer.findRun(runId).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  @Test
  void aRunResumedFromALiveTracker_isTakenOver_andLetGoByTheResumersClose() {
    try (Tracker first = open()) {
      Run run = first.startRun("e");
      moveToAnotherHost(first, run.id());
      try (Tracker resumer = open()) {
        resumer.resumeRun(run.id());
      }
      // The resumer let it go at close: nobody ends it, whatever its heartbeat says.
      clock.advance(Duration.ofDays(1));
      try (Tracker other = open()) {
        assertThat(other.findRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
      }
      run.close();
      assertThat(first.findRun(run.id()).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  @Test
  void aStoreClosedUnderTheTracker_stopsTheHeartbeatInsteadOfRetryingForever() {
    Store store = Store.open(ws);
    Tracker tracker =
        Tracker.builder()
            .store(store)
            .clock(clock)
            .captureEnvironment(false)
            .shutdownFlushTimeout(Duration.ZERO)
            .heartbeatScheduler(beats)
            .build();
    tracker.startRun("e");
    assertThat(beats.scheduled()).isTrue();

    store.close();
    assertThat(store.isClosed()).isTrue();
    assertThat(beats.tick()).isTrue(); // fails on the closed store

    assertThat(beats.scheduled()).as("no beat is scheduled again").isFalse();
    assertThat(beats.stops).hasValue(1);
  }
}
