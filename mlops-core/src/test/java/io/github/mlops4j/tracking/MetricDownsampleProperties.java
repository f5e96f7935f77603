package io.github.mlops4j.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * {@link Tracker#downsampleMetric} equals a naive computation over the whole history ({@link
 * Tracker#metricHistory(String, String)}) written here with BigInteger bucket arithmetic, on random
 * series: steps in a small range (many per bucket) or over all of {@code long} (overflowing spans),
 * NaN values, ties on x, both axes, 1 to 40 buckets.
 */
class MetricDownsampleProperties {
  @TempDir static Path ws;
  static Tracker tracker;

  @BeforeAll
  static void open() {
    tracker = Tracker.builder().workspace(ws).captureEnvironment(false).maxBatchPoints(16).build();
  }

  @AfterAll
  static void close() {
    tracker.close();
  }

  record Point(long step, long millis, double value) {}

  @Test
  void downsample_equalsTheNaiveBuckets() {
    Gen<Long> steps = longs().between(-30, 30).mix(longs().all(), 30);
    Gen<Double> values =
        doubles().between(-1e6, 1e6).mix(integers().all().map(i -> Double.NaN), 15);
    Gen<Point> points = steps.zip(longs().between(0, 4_000_000_000_000L), values, Point::new);
    qt().withFixedSeed(20261206L)
        .withExamples(60)
        .forAll(
            lists().of(points).ofSizeBetween(1, 300),
            integers().between(1, 40),
            integers().between(0, 1))
        .checkAssert(
            (series, buckets, axisIndex) -> {
              MetricAxis axis = MetricAxis.values()[axisIndex];
              Run run = tracker.startRun("downsample");
              for (Point p : series) {
                run.logMetric("m", p.value(), p.step(), Instant.ofEpochMilli(p.millis()));
              }
              assertThat(tracker.flush(Duration.ofSeconds(30))).isTrue();
              List<MetricPoint> history = tracker.metricHistory(run.id(), "m");
              assertThat(tracker.downsampleMetric(run.id(), "m", buckets, axis))
                  .isEqualTo(naive(history, buckets, axis));
              run.close();
            });
  }

  private static long x(MetricPoint p, MetricAxis axis) {
    return axis == MetricAxis.STEP ? p.step() : p.timestamp().toEpochMilli();
  }

  static List<MetricBucket> naive(List<MetricPoint> history, int buckets, MetricAxis axis) {
    long min = history.stream().mapToLong(p -> x(p, axis)).min().orElseThrow();
    long max = history.stream().mapToLong(p -> x(p, axis)).max().orElseThrow();
    BigInteger lo = BigInteger.valueOf(min);
    BigInteger width =
        BigInteger.valueOf(max)
            .subtract(lo)
            .divide(BigInteger.valueOf(buckets))
            .add(BigInteger.ONE);
    TreeMap<Integer, List<MetricPoint>> byBucket = new TreeMap<>();
    for (MetricPoint p : history) {
      int b = BigInteger.valueOf(x(p, axis)).subtract(lo).divide(width).intValueExact();
      assertThat(b).isBetween(0, buckets - 1);
      byBucket.computeIfAbsent(b, k -> new ArrayList<>()).add(p);
    }
    List<MetricBucket> out = new ArrayList<>();
    byBucket.forEach(
        (b, points) -> {
          BigInteger start = lo.add(width.multiply(BigInteger.valueOf(b)));
          BigInteger end = start.add(width).subtract(BigInteger.ONE).min(BigInteger.valueOf(max));
          double[] finite =
              points.stream()
                  .mapToDouble(MetricPoint::value)
                  .filter(v -> !Double.isNaN(v))
                  .toArray();
          MetricPoint last = points.get(0);
          for (MetricPoint p : points) {
            if (x(p, axis) >= x(last, axis)) {
              last = p;
            }
          }
          out.add(
              new MetricBucket(
                  start.longValueExact(),
                  end.longValueExact(),
                  points.size(),
                  finite.length == 0
                      ? Double.NaN
                      : java.util.Arrays.stream(finite).min().orElseThrow(),
                  finite.length == 0
                      ? Double.NaN
                      : java.util.Arrays.stream(finite).max().orElseThrow(),
                  last));
        });
    return out;
  }

  @Test
  void aSeriesNeverLogged_hasNoBuckets_andBucketCountsAreChecked() {
    Run run = tracker.startRun("downsample");
    assertThat(tracker.downsampleMetric(run.id(), "none", 10, MetricAxis.STEP)).isEmpty();
    assertThatThrownBy(() -> tracker.downsampleMetric(run.id(), "none", 0, MetricAxis.STEP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("buckets");
    assertThatThrownBy(() -> tracker.downsampleMetric("nope", "m", 10, MetricAxis.TIME))
        .isInstanceOf(RunNotFoundException.class);
    run.close();
  }
}
