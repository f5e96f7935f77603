package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MonitorTest {
  static final ProfileSchema SCHEMA =
      ProfileSchema.builder().numeric("x", "y").categorical("c").build();
  static final Instant T0 = Instant.parse("2025-11-25T10:00:00Z");

  /** A reference of 5 000 rows: x ~ N(0, 1), y ~ U(0, 10), c in {a, b}. */
  static Profile reference() {
    ProfileAccumulator acc = ProfileAccumulator.create(SCHEMA);
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 5_000; i++) {
      acc.update(row(r, 0));
    }
    return acc.take();
  }

  static Map<String, Object> row(SplittableRandom r, double shift) {
    Map<String, Object> m = new HashMap<>();
    m.put("x", gaussian(r) + shift);
    m.put("y", 10 * r.nextDouble() + 10 * shift);
    m.put("c", r.nextInt(3) < 2 - (int) Math.min(2, shift) ? "a" : "b");
    return m;
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  record Call(WindowInfo window, DriftReport report) {}

  @Test
  void countWindowsHoldExactlyTheirRowsAndEachIsComparedWithTheReference() {
    MutableClock clock = new MutableClock(T0);
    List<Call> calls = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("churn")
            .reference(reference())
            .window(WindowSpec.rows(1_000))
            .clock(clock)
            .listener((w, r) -> calls.add(new Call(w, r)))
            .build()) {
      SplittableRandom r = new SplittableRandom(2);
      for (int i = 0; i < 2_500; i++) {
        if (i == 1_000) {
          clock.advance(Duration.ofMinutes(5));
        }
        m.observe(row(r, i < 1_000 ? 0 : 2));
      }
      assertThat(calls).hasSize(2);
      assertThat(calls.get(0).window()).isEqualTo(new WindowInfo(0, T0, T0, 1_000));
      assertThat(calls.get(1).window().index()).isEqualTo(1);
      assertThat(calls.get(1).window().start()).isEqualTo(T0);
      assertThat(calls.get(1).window().end()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
      assertThat(calls.get(0).report().datasetDrift()).isFalse();
      assertThat(calls.get(1).report().datasetDrift()).isTrue();
      assertThat(calls.get(1).report().currentRows()).isEqualTo(1_000);
      assertThat(calls.get(1).report().referenceRows()).isEqualTo(5_000);

      WindowSummary last = m.flush().orElseThrow();
      assertThat(last.window().rows()).isEqualTo(500);
      assertThat(last.profile().rows()).isEqualTo(500);
      assertThat(calls).hasSize(3);
      assertThat(m.stats().rowsObserved()).isEqualTo(2_500);
      assertThat(m.stats().windowsClosed()).isEqualTo(3);
      assertThat(m.recentWindows()).extracting(w -> w.window().index()).containsExactly(0L, 1L, 2L);
    }
  }

  @Test
  void timeWindowsRollOverOnTheInjectedClock() {
    MutableClock clock = new MutableClock(T0.plus(Duration.ofMinutes(10))); // 10:10
    List<Call> calls = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.time(Duration.ofHours(1)))
            .clock(clock)
            .listener((w, r) -> calls.add(new Call(w, r)))
            .build()) {
      SplittableRandom r = new SplittableRandom(3);
      for (int i = 0; i < 10; i++) {
        m.observe(row(r, 0));
      }
      clock.advance(Duration.ofMinutes(45)); // 10:55, same window
      m.observe(row(r, 0));
      assertThat(calls).isEmpty();
      assertThat(m.tick()).isFalse();

      clock.advance(Duration.ofMinutes(6)); // 11:01: the next row closes [10:00, 11:00)
      m.observe(row(r, 0));
      assertThat(calls).hasSize(1);
      WindowInfo first = calls.get(0).window();
      assertThat(first.start()).isEqualTo(T0);
      assertThat(first.end()).isEqualTo(T0.plus(Duration.ofHours(1)));
      assertThat(first.rows()).isEqualTo(11);

      clock.advance(Duration.ofHours(3)); // 14:01, no rows: tick closes [11:00, 12:00)
      assertThat(m.tick()).isTrue();
      assertThat(calls).hasSize(2);
      assertThat(calls.get(1).window().start()).isEqualTo(T0.plus(Duration.ofHours(1)));
      assertThat(calls.get(1).window().rows()).isEqualTo(1);
      assertThat(m.tick()).isFalse(); // now in [14:00, 15:00)

      clock.advance(Duration.ofHours(1)); // 15:01: [14:00, 15:00) had no rows
      assertThat(m.tick()).isTrue();
      assertThat(calls).hasSize(2);
      assertThat(m.stats().emptyWindows()).isEqualTo(1);
      assertThat(m.stats().windowsClosed()).isEqualTo(2);

      m.observe(row(r, 0));
      WindowSummary flushed = m.flush().orElseThrow();
      assertThat(flushed.window().start()).isEqualTo(T0.plus(Duration.ofHours(5)));
      assertThat(flushed.window().end()).isEqualTo(clock.instant()); // closed early
      clock.advance(Duration.ofMinutes(1));
      m.observe(row(r, 0)); // the rest of the period [15:01, 16:00)
      clock.advance(Duration.ofHours(1));
      assertThat(m.tick()).isTrue();
      WindowInfo rest = m.lastWindow().orElseThrow().window();
      assertThat(rest.start()).isEqualTo(flushed.window().end());
      assertThat(rest.end()).isEqualTo(T0.plus(Duration.ofHours(6)));
    }
  }

  @Test
  void rollingReferenceComparesWithThePreviousWindow() {
    List<Call> calls = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .schema(SCHEMA)
            .rollingReference()
            .window(WindowSpec.rows(2_000))
            .clock(new MutableClock(T0))
            .listener((w, r) -> calls.add(new Call(w, r)))
            .build()) {
      SplittableRandom r = new SplittableRandom(4);
      for (int i = 0; i < 6_000; i++) {
        m.observe(row(r, i < 4_000 ? 0 : 1));
      }
      // window 0 has no reference; 1 vs 0 is stable; 2 (shifted) vs 1 drifts
      assertThat(calls).extracting(c -> c.window().index()).containsExactly(1L, 2L);
      assertThat(calls.get(0).report().datasetDrift()).isFalse();
      assertThat(calls.get(1).report().datasetDrift()).isTrue();
      assertThat(m.recentWindows().get(0).report()).isEmpty();
      assertThat(m.reference()).isEmpty();
    }
  }

  @Test
  void badRowsAreRejectedAndMissingValuesCounted() {
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(100))
            .clock(new MutableClock(T0))
            .build()) {
      assertThatThrownBy(() -> m.observe(Map.of("x", 1.0, "zip", "12345")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'zip'");
      assertThatThrownBy(() -> m.observe(Map.of("x", "one")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'x'");
      assertThatThrownBy(() -> m.observe(new double[] {1}))
          .isInstanceOf(IllegalArgumentException.class);
      for (int i = 0; i < 100; i++) {
        double x = i % 4 == 0 ? Double.NaN : i % 4 == 1 ? Double.POSITIVE_INFINITY : i;
        m.observe(new double[] {x, i % 10}, new String[] {i % 2 == 0 ? null : "a"});
      }
      MonitorStats stats = m.stats();
      assertThat(stats.rowsRejected()).isEqualTo(3);
      assertThat(stats.rowsObserved()).isEqualTo(100);
      WindowSummary w = m.lastWindow().orElseThrow();
      assertThat(w.window().rows()).isEqualTo(100);
      assertThat(w.profile().column("x").missing()).isEqualTo(50);
      ColumnDrift x = w.report().orElseThrow().column("x").orElseThrow();
      assertThat(x.quality().currentMissingShare()).isEqualTo(0.5);
      assertThat(x.quality().referenceMissingShare()).isZero();
      assertThat(w.report().orElseThrow().column("c").orElseThrow().quality().currentMissingShare())
          .isEqualTo(0.5);
    }
  }

  /** Runs queued tasks, and the tasks they queue, in order. */
  private static void drain(List<Runnable> queue) {
    while (!queue.isEmpty()) {
      queue.remove(0).run();
    }
  }

  @Test
  void withAnExecutorTheObservingThreadOnlyCopiesRows() {
    List<Runnable> queued = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(10))
            .clock(new MutableClock(T0))
            .executor(queued::add)
            .stripes(8)
            .batchRows(4)
            .closeTimeout(Duration.ZERO)
            .listener((w, r) -> calls.add(new Call(w, r)))
            .build();
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 30; i++) {
      m.observe(row(r, 0));
    }
    // per window: batches of 4, 4 and the last 2 rows (16 may be in flight with 8 stripes);
    // no profiling and no evaluation on this thread
    assertThat(queued).hasSize(9);
    assertThat(calls).isEmpty();
    assertThat(m.lastWindow()).isEmpty();
    drain(queued); // profiling batches schedule the evaluations, which run in window order
    assertThat(calls).extracting(c -> c.window().index()).containsExactly(0L, 1L, 2L);
    assertThat(calls).allSatisfy(c -> assertThat(c.window().rows()).isEqualTo(10));
    for (int i = 0; i < 15; i++) {
      m.observe(row(r, 0));
    }
    m.close(); // window 3 is still queued for profiling: close does not wait past closeTimeout
    assertThat(calls).hasSize(3);
    drain(queued); // the executor catches up later
    assertThat(calls).extracting(c -> c.window().index()).containsExactly(0L, 1L, 2L, 3L);
    assertThat(m.isClosed()).isTrue();
    assertThatThrownBy(() -> m.observe(row(r, 0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    m.close(); // idempotent
  }

  @Test
  void whenTheExecutorFallsBehindTheCallerProfiles() {
    List<Runnable> queued = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(10))
            .clock(new MutableClock(T0))
            .executor(queued::add)
            .stripes(1)
            .batchRows(4)
            .closeTimeout(Duration.ZERO)
            .listener((w, r) -> calls.add(new Call(w, r)))
            .build()) {
      SplittableRandom r = new SplittableRandom(8);
      for (int i = 0; i < 30; i++) {
        m.observe(row(r, 0));
      }
      // one stripe: at most 2 batches in the executor's hands, the other 7 were profiled here;
      // windows 1 and 2 are profiled but wait for window 0, evaluations stay in window order
      // queued: 2 batches of window 0, and the evaluations scheduled when windows 1 and 2 were
      // profiled (they find window 0 not ready and do nothing)
      assertThat(queued).hasSize(4);
      assertThat(calls).isEmpty();
      drain(queued);
      assertThat(calls).extracting(c -> c.window().index()).containsExactly(0L, 1L, 2L);
      assertThat(calls).allSatisfy(c -> assertThat(c.window().rows()).isEqualTo(10));
    }
  }

  @Test
  void closeWaitsForTheExecutorAndDiscardsTheOpenWindow() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    List<Long> windows = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      Monitor m =
          Monitor.builder()
              .model("m")
              .reference(reference())
              .window(WindowSpec.rows(1_000))
              .clock(new MutableClock(T0))
              .executor(executor)
              .listener((w, r) -> windows.add(w.rows()))
              .build();
      SplittableRandom r = new SplittableRandom(5);
      for (int i = 0; i < 3_500; i++) {
        m.observe(row(r, 0));
      }
      m.close();
      assertThat(windows).containsExactly(1_000L, 1_000L, 1_000L);
      assertThat(m.stats().rowsObserved()).isEqualTo(3_500);
    } finally {
      executor.shutdown();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void everyBatchSizeGivesTheSameProfile() {
    Profile expected = null;
    for (int batch : new int[] {1, 7, 256}) {
      try (Monitor m =
          Monitor.builder()
              .model("m")
              .reference(reference())
              .batchRows(batch)
              .window(WindowSpec.rows(100))
              .clock(new MutableClock(T0))
              .build()) {
        for (int i = 0; i < 100; i++) {
          m.observe(new double[] {i, i % 7}, new String[] {i % 3 == 0 ? null : "k" + i % 5});
        }
        Profile p = m.lastWindow().orElseThrow().profile();
        if (expected == null) {
          expected = p;
        }
        assertThat(p.rows()).isEqualTo(100);
        assertThat(p.column("x").mean()).isEqualTo(expected.column("x").mean());
        assertThat(p.column("y").variance()).isEqualTo(expected.column("y").variance());
        assertThat(p.column("c").categoryCounts()).isEqualTo(expected.column("c").categoryCounts());
        assertThat(p.column("c").missing()).isEqualTo(34);
      }
    }
  }

  @Test
  void aFailingListenerIsCountedAndTheOthersStillRun() {
    List<Long> seen = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(10))
            .clock(new MutableClock(T0))
            .listener(
                (w, r) -> {
                  throw new IllegalStateException("boom");
                })
            .listener((w, r) -> seen.add(w.index()))
            .build()) {
      SplittableRandom r = new SplittableRandom(6);
      for (int i = 0; i < 20; i++) {
        m.observe(row(r, 0));
      }
      assertThat(seen).containsExactly(0L, 1L);
      assertThat(m.stats().listenerFailures()).isEqualTo(2);
      assertThat(m.stats().evaluationFailures()).isZero();
      assertThat(m.stats().windowsClosed()).isEqualTo(2);
      DriftListener later = (w, rep) -> seen.add(-w.index());
      m.addListener(later);
      for (int i = 0; i < 10; i++) {
        m.observe(row(r, 0));
      }
      assertThat(seen).containsExactly(0L, 1L, 2L, -2L);
      assertThat(m.removeListener(later)).isTrue();
    }
  }

  /** A clock that stops working: a real failure inside a window's evaluation. */
  static final class FailingClock extends java.time.Clock {
    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      throw new IllegalStateException("clock unavailable");
    }
  }

  @Test
  void aFailingEvaluationIsCountedAsSuchNotAsAListenerFailure() {
    List<Long> seen = new ArrayList<>();
    ProfileDrift broken = ProfileDrift.builder().clock(new FailingClock()).build();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .drift(broken)
            .window(WindowSpec.rows(10))
            .clock(new MutableClock(T0))
            .listener((w, r) -> seen.add(w.index()))
            .build()) {
      SplittableRandom r = new SplittableRandom(6);
      for (int i = 0; i < 20; i++) {
        m.observe(row(r, 0));
      }
      assertThat(seen).isEmpty();
      MonitorStats stats = m.stats();
      assertThat(stats.evaluationFailures()).isEqualTo(2);
      assertThat(stats.listenerFailures()).isZero();
      assertThat(stats.profilingFailures()).isZero();
      assertThat(stats.windowsClosed()).isZero();
      assertThat(stats.rowsObserved()).isEqualTo(20);
    }
  }

  @Test
  void buildLeavesTheBuilderAsItWas() {
    ProfileSchema other = ProfileSchema.builder().numeric("z").build();
    ProfileAccumulator acc = ProfileAccumulator.create(other);
    for (int i = 0; i < 100; i++) {
      acc.update(new double[] {i});
    }
    Profile otherReference = acc.take();
    Monitor.Builder b =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(10))
            .clock(new MutableClock(T0));
    try (Monitor first = b.build()) {
      assertThat(first.schema()).isEqualTo(SCHEMA);
    }
    try (Monitor second = b.reference(otherReference).build()) {
      assertThat(second.schema()).isEqualTo(other);
      second.observe(new double[] {5});
    }
    try (Monitor third = b.build()) {
      assertThat(third.schema()).isEqualTo(other);
    }
  }

  @Test
  void onDatasetDriftForwardsOnlyDriftedReports() {
    List<Long> drifted = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(1_000))
            .clock(new MutableClock(T0))
            .listener(DriftListener.onDatasetDrift((w, r) -> drifted.add(w.index())))
            .build()) {
      SplittableRandom r = new SplittableRandom(7);
      for (int i = 0; i < 3_000; i++) {
        m.observe(row(r, i >= 1_000 && i < 2_000 ? 2 : 0));
      }
      assertThat(drifted).containsExactly(1L);
    }
  }

  @Test
  void emptyWindowsGiveNoReport() {
    List<Call> calls = new ArrayList<>();
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(10))
            .clock(new MutableClock(T0))
            .listener((w, r) -> calls.add(new Call(w, r)))
            .build()) {
      assertThat(m.flush()).isEmpty();
      assertThat(calls).isEmpty();
      assertThat(m.lastWindow()).isEmpty();
      assertThat(m.stats().emptyWindows()).isEqualTo(1);
    }
  }

  @Test
  void builderValidatesEagerly() {
    Profile ref = reference();
    assertThatThrownBy(() -> Monitor.builder().reference(ref).build())
        .hasMessageContaining("model");
    assertThatThrownBy(() -> Monitor.builder().model("m").build())
        .hasMessageContaining("reference(profile) or rollingReference()");
    assertThatThrownBy(() -> Monitor.builder().model("m").rollingReference().build())
        .hasMessageContaining("schema");
    assertThatThrownBy(
            () ->
                Monitor.builder()
                    .model("m")
                    .reference(ref)
                    .schema(ProfileSchema.builder().numeric("x").build())
                    .build())
        .hasMessageContaining("columns");
    assertThatThrownBy(() -> Monitor.builder().model(" ")).hasMessageContaining("model");
    assertThatThrownBy(() -> Monitor.builder().stripes(3)).hasMessageContaining("power of two");
    assertThatThrownBy(() -> WindowSpec.rows(0)).hasMessageContaining("at least 1 row");
    assertThatThrownBy(() -> WindowSpec.time(Duration.ZERO)).hasMessageContaining("1 ms");
  }

  @Test
  void windowProfilesMergeIntoLongerWindows() {
    try (Monitor m =
        Monitor.builder()
            .model("m")
            .reference(reference())
            .window(WindowSpec.rows(100))
            .historySize(10)
            .clock(new MutableClock(T0))
            .build()) {
      for (int i = 0; i < 500; i++) {
        m.observe(new double[] {i, 1}, new String[] {"a"});
      }
      List<Profile> parts = m.recentWindows().stream().map(WindowSummary::profile).toList();
      Profile all = Profile.merge(parts);
      assertThat(all.rows()).isEqualTo(500);
      assertThat(all.column("x").mean()).isCloseTo(249.5, within(1e-9));
      assertThat(all.column("x").max()).isEqualTo(499);
    }
  }
}
