package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * {@link Tracker#metricWriterLag()}: the wait of the oldest point not yet stored, on the tracker's
 * clock. The writer is stopped inside its transaction by a data source whose connections wait, once
 * armed, when the chunk insert is prepared, so every reading below is taken at a known point.
 */
class MetricWriterLagTest {
  @TempDir Path ws;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final Gate gate = new Gate();

  @Test
  void lagIsTheWaitOfTheOldestPointNotYetStored() throws Exception {
    try (Tracker tracker = tracker()) {
      assertThat(tracker.metricWriterLag()).isZero();
      Run run = tracker.startRun("lag");
      try {
        gate.armed.set(true);
        run.logMetric("a", 1, 0); // queued at t0: the writer takes it and stops in the store
        gate.awaitEntered();
        clock.advance(Duration.ofSeconds(3));
        assertThat(tracker.metricWriterLag()).isEqualTo(Duration.ofSeconds(3));

        // queued at t0 + 3 s; its own timestamp, long past, plays no part
        run.logMetric("b", 2, 0, Instant.EPOCH);
        clock.advance(Duration.ofSeconds(2));
        assertThat(tracker.metricWriterLag()).isEqualTo(Duration.ofSeconds(5));

        gate.pass(); // the first batch is stored; the writer takes "b" and stops again
        gate.awaitEntered();
        assertThat(tracker.metricWriterLag()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tracker.storedMetricPoints()).isEqualTo(1);
      } finally {
        gate.open();
      }
      assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(tracker.metricWriterLag()).isZero();
      assertThat(tracker.storedMetricPoints()).isEqualTo(2);
    }
  }

  @Test
  void lagIsZeroWithoutPointsAndAfterAFlush() {
    try (Tracker tracker = tracker()) {
      Run run = tracker.startRun("idle");
      for (int i = 0; i < 100; i++) {
        run.logMetric("x", i, i);
      }
      assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
      clock.advance(Duration.ofHours(1));
      assertThat(tracker.metricWriterLag()).isZero();
    }
  }

  private Tracker tracker() {
    SQLiteDataSource sqlite = new SQLiteDataSource();
    sqlite.setUrl("jdbc:sqlite:" + ws.resolve("mlops.db"));
    return Tracker.builder()
        .dataSource(gate.wrap(sqlite))
        .artifactRoot(ws.resolve("artifacts"))
        .clock(clock)
        .captureEnvironment(false)
        .build();
  }

  /** Stops each transaction that prepares the chunk insert while armed, until passed. */
  private static final class Gate {
    final AtomicBoolean armed = new AtomicBoolean();
    private final Semaphore entered = new Semaphore(0);
    private final Semaphore passes = new Semaphore(0);

    DataSource wrap(DataSource target) {
      return (DataSource)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {DataSource.class},
              (ds, m, args) -> {
                Object out = invoke(m, target, args);
                return out instanceof Connection c ? connection(c) : out;
              });
    }

    private Connection connection(Connection c) {
      return (Connection)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Connection.class},
              (conn, m, args) -> {
                if (m.getName().equals("prepareStatement")
                    && args[0] instanceof String sql
                    && sql.startsWith("INSERT INTO metric_chunks")
                    && armed.get()) {
                  entered.release();
                  if (!passes.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the writer pass");
                  }
                }
                return invoke(m, c, args);
              });
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.tryAcquire(30, TimeUnit.SECONDS)).as("writer reached the store").isTrue();
    }

    void pass() {
      passes.release();
    }

    /** Disarms and lets every waiting writer through. */
    void open() {
      armed.set(false);
      passes.release(1_000);
    }

    private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
