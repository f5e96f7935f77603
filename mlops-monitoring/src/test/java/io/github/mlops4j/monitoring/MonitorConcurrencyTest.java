package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many writers at once: no row is lost or counted twice, count windows stay exact. */
class MonitorConcurrencyTest {
  private static final ProfileSchema SCHEMA =
      ProfileSchema.builder().numeric("v", "w").categorical("thread").build();
  private static final int THREADS = 8;
  private static final int ROWS_PER_THREAD = 25_000;

  @Test
  void countWindowsUnderContentionHoldExactlyTheirRows() throws Exception {
    List<WindowInfo> windows = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .schema(SCHEMA)
            .rollingReference()
            .window(WindowSpec.rows(1_000))
            .stripes(4)
            .historySize(1000)
            .clock(new MutableClock(MonitorTest.T0))
            .listener((w, r) -> windows.add(w))
            .build()) {
      runWriters(m, null);
      m.flush(); // 200 000 rows: the last window is empty
      List<WindowSummary> all = fullWindowsInOrder(m);
      assertThat(windows).hasSize(all.size() - 1); // the first window has no reference
      checkTotals(m, all);
    }
  }

  @Test
  void profilingOnAnExecutorLosesNoRow() throws Exception {
    ExecutorService profilers = Executors.newFixedThreadPool(2);
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .schema(SCHEMA)
            .rollingReference()
            .window(WindowSpec.rows(1_000))
            .stripes(4)
            .batchRows(64)
            .executor(profilers)
            .historySize(1000)
            .clock(new MutableClock(MonitorTest.T0))
            .build()) {
      runWriters(m, null);
      m.flush();
      List<WindowSummary> all = fullWindowsInOrder(m);
      checkTotals(m, all);
    } finally {
      profilers.shutdown();
      assertThat(profilers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void timeWindowsRollingOverWhileWritersRunLoseNoRow() throws Exception {
    MutableClock clock = new MutableClock(MonitorTest.T0);
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .schema(SCHEMA)
            .rollingReference()
            .window(WindowSpec.time(Duration.ofSeconds(1)))
            .historySize(1000)
            .clock(clock)
            .build()) {
      // writer 0 moves the clock past a window end every 1 000 of its rows, while the other
      // writers keep writing: rollovers race with writes
      runWriters(m, clock);
      m.flush();
      List<WindowSummary> all = m.recentWindows();
      assertThat(all.size()).isBetween(2, 30);
      checkTotals(m, all);
    }
  }

  private static void runWriters(Monitor m, MutableClock clock) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String name = "t" + t;
        boolean ticks = t == 0 && clock != null;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  double[] values = new double[2];
                  String[] cats = {name};
                  for (int i = 0; i < ROWS_PER_THREAD; i++) {
                    values[0] = i;
                    values[1] = i % 3 == 0 ? Double.NaN : 1;
                    m.observe(values, cats);
                    if (ticks && i % 1_000 == 999) {
                      clock.advance(Duration.ofSeconds(1));
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void checkTotals(Monitor m, List<WindowSummary> all) {
    long total = (long) THREADS * ROWS_PER_THREAD;
    assertThat(m.stats().rowsObserved()).isEqualTo(total);
    assertThat(all.stream().mapToLong(s -> s.window().rows()).sum()).isEqualTo(total);
    Profile merged = Profile.merge(all.stream().map(WindowSummary::profile).toList());
    assertThat(merged.rows()).isEqualTo(total);
    // every thread wrote 0..ROWS_PER_THREAD-1: the mean and the count are exact checks
    assertThat(merged.column("v").present()).isEqualTo(total);
    assertThat(merged.column("v").mean()).isCloseTo((ROWS_PER_THREAD - 1) / 2.0, within(1e-6));
    long nanPerThread = (ROWS_PER_THREAD + 2) / 3;
    assertThat(merged.column("w").missing()).isEqualTo(THREADS * nanPerThread);
    assertThat(merged.column("thread").categoryCounts())
        .hasSize(THREADS)
        .allSatisfy((k, v) -> assertThat(v).isEqualTo(ROWS_PER_THREAD));
  }

  /**
   * The monitor's windows, after checking there is one per 1,000 rows written, full and in order.
   */
  private static List<WindowSummary> fullWindowsInOrder(Monitor m) {
    List<WindowSummary> all = m.recentWindows();
    assertThat(all).hasSize(THREADS * ROWS_PER_THREAD / 1_000);
    assertThat(all).allSatisfy(s -> assertThat(s.window().rows()).isEqualTo(1_000));
    assertThat(all)
        .extracting(s -> s.window().index())
        .isEqualTo(java.util.stream.LongStream.range(0, all.size()).boxed().toList());
    return all;
  }
}
