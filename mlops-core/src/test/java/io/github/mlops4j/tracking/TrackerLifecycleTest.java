package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an open tracker costs, and how close, the shutdown hook and the heartbeat meet. */
class TrackerLifecycleTest {
  @TempDir Path ws;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final ManualHeartbeat beats = new ManualHeartbeat();

  private Tracker.Builder builder() {
    return Tracker.builder()
        .workspace(ws)
        .clock(clock)
        .captureEnvironment(false)
        .heartbeatScheduler(beats);
  }

  @Test
  void aTrackerThatStartsNoRun_registersNoHook_andSchedulesNoHeartbeat() {
    try (Tracker tracker = builder().build()) {
      tracker.searchRuns(RunQuery.builder().build());
      assertThat(tracker.hasShutdownHook()).isFalse();
      assertThat(tracker.heartbeatScheduled()).isFalse();
      assertThat(beats.starts).hasValue(0);

      Run run = tracker.startRun("e");
      assertThat(tracker.hasShutdownHook()).isTrue();
      assertThat(tracker.heartbeatScheduled()).isTrue();
      run.close();
    }
  }

  @Test
  void theHeartbeatStops_whenTheTrackerHasNoRunningRun_andStartsAgainWithTheNextRun() {
    try (Tracker tracker = builder().build()) {
      Run run = tracker.startRun("e");
      assertThat(beats.tick()).isTrue();
      assertThat(tracker.heartbeatScheduled()).isTrue(); // still has a running run
      run.close();
      assertThat(beats.tick()).isTrue(); // finds no running run: unschedules itself
      assertThat(tracker.heartbeatScheduled()).isFalse();
      assertThat(beats.scheduled()).isFalse();

      Run next = tracker.startRun("e");
      assertThat(tracker.heartbeatScheduled()).isTrue();
      assertThat(beats.starts).hasValue(2);
      next.close();
    }
    assertThat(beats.scheduled()).isFalse();
  }

  @Test
  void closeWaitsForTheHeartbeatThreadToEnd() throws Exception {
    BlockingClock blocking = new BlockingClock(clock);
    java.util.List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    Tracker tracker =
        builder()
            .clock(blocking)
            .runLease(Duration.ofSeconds(1))
            .heartbeatScheduler(
                Tracker.HeartbeatScheduler.thread(
                    r -> {
                      Thread t = new Thread(r, "test-heartbeat");
                      t.setDaemon(true);
                      threads.add(t);
                      return t;
                    }))
            .build();
    tracker.startRun("e");
    blocking.armed.set(true); // the next clock read (the first beat, after 250 ms) blocks
    assertThat(blocking.entered.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(threads).hasSize(1);

    AtomicBoolean beatAliveWhenCloseReturned = new AtomicBoolean(true);
    Thread closer =
        new Thread(
            () -> {
              tracker.close(Duration.ofSeconds(30));
              beatAliveWhenCloseReturned.set(threads.get(0).isAlive());
            },
            "test-closer");
    closer.start();
    // Until close() returned or waits for the heartbeat thread (a bounded safety net).
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closer.getState() != Thread.State.TERMINATED
        && !awaitsTermination(closer)
        && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    blocking.release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(beatAliveWhenCloseReturned).isFalse();
  }

  private static boolean awaitsTermination(Thread t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals("awaitTermination")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void openDoesNotWaitForTheWriteLock_whenNoRunIsStale() throws Exception {
    try (Tracker first = builder().build()) {
      first.startRun("e").close(); // creates the schema and a run
    }
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + ws.resolve("mlops.db"));
        Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE"); // holds SQLite's write lock
      // Short waits for the lock, so that a tracker that asks for it fails fast.
      try (Store store =
              Store.builder()
                  .sqliteFile(ws.resolve("mlops.db"))
                  .artifactRoot(ws.resolve("artifacts"))
                  .busyTimeout(Duration.ofMillis(200))
                  .retryBudget(Duration.ofMillis(500))
                  .build();
          Tracker tracker =
              Tracker.builder()
                  .store(store)
                  .clock(clock)
                  .captureEnvironment(false)
                  .heartbeatScheduler(beats)
                  .build()) {
        assertThat(tracker.experiments()).hasSize(1);
      } finally {
        st.execute("ROLLBACK");
      }
    }
  }

  @Test
  void closeWaitsForTheExitHooksFlushInProgress() throws Exception {
    BlockingClock blocking = new BlockingClock(clock);
    Tracker tracker =
        builder().clock(blocking).shutdownFlushTimeout(Duration.ofSeconds(30)).build();
    Run run = tracker.startRun("e");
    blocking.armed.set(true); // the hook's next clock read (ending the runs) blocks
    Thread hook = new Thread(tracker::runExitFlush, "test-exit-hook");
    hook.start();
    assertThat(blocking.entered.await(30, TimeUnit.SECONDS)).isTrue();

    AtomicReference<RunStatus> statusWhenCloseReturned = new AtomicReference<>();
    Thread closer =
        new Thread(
            () -> {
              tracker.close(Duration.ofSeconds(30));
              // A plain connection: nothing here waits in a way the main thread would take for
              // close().
              try (Connection c =
                      DriverManager.getConnection("jdbc:sqlite:" + ws.resolve("mlops.db"));
                  java.sql.PreparedStatement p =
                      c.prepareStatement("SELECT status FROM runs WHERE run_id = ?")) {
                p.setString(1, run.id());
                try (java.sql.ResultSet rs = p.executeQuery()) {
                  rs.next();
                  statusWhenCloseReturned.set(RunStatus.valueOf(rs.getString(1)));
                }
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
            },
            "test-closer");
    closer.start();
    // Until close() either returned or waits for the hook (a bounded safety net, not a timing).
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closer.getState() != Thread.State.TIMED_WAITING
        && closer.getState() != Thread.State.TERMINATED
        && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    blocking.release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(30));
    hook.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(statusWhenCloseReturned.get()).isEqualTo(RunStatus.KILLED);
  }

  /** A clock whose reads block, once armed, until released. */
  private static final class BlockingClock extends Clock {
    private final Clock delegate;
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    BlockingClock(Clock delegate) {
      this.delegate = delegate;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      if (armed.compareAndSet(true, false)) {
        entered.countDown();
        boolean interrupted = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (release.getCount() > 0 && System.nanoTime() < until) {
          try {
            release.await(30, TimeUnit.SECONDS); // not cut short by an interrupt
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.instant();
    }
  }
}
