package io.github.mlops4j.benchmarks;

import io.github.mlops4j.tracking.MetricAxis;
import io.github.mlops4j.tracking.MetricBucket;
import io.github.mlops4j.tracking.MetricHistoryPage;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Reads one very long metric series back with a heap far smaller than the series: the paged {@link
 * Tracker#metricHistory(String, String, int, String)} and the downsampled {@link
 * Tracker#downsampleMetric}, against a raw JDBC scan of the same stored chunks in the same process.
 * A timed harness rather than JMH: the subject is memory, and one pass over tens of millions of
 * points is the measurement.
 *
 * <p>Steps: log {@code points} points of one series ({@code loss}, steps 0..n-1) through {@link
 * Run#logMetric(String, double, long)} and flush; then, each timed once per round, (1) page through
 * the whole series {@code pageSize} points at a time, checking every step is in order and summing
 * the values, (2) downsample it into {@code buckets} buckets by step, (3) the baseline: one JDBC
 * query over the series' {@code metric_chunks} rows, decoding every point's value from the stored
 * blob and summing. Before each read the heap pools' peak usage is reset; after it the peak of the
 * old generation (what survives young collections) is printed beside the maximum heap, so a run at
 * {@code -Xmx256m} with 28 M points (about 2 GB as {@link MetricPoint} objects, so out of reach of
 * {@link Tracker#metricHistory(String, String)}) shows the bound directly.
 *
 * <p>Run (from the repository root): {@code java -Xms256m -Xmx256m -cp
 * mlops-benchmarks/target/benchmarks.jar io.github.mlops4j.benchmarks.MetricHistoryMemoryBench
 * [points [pageSize [buckets [rounds]]]]} (defaults 28,000,000, 10,000, 1,000, 3).
 */
public final class MetricHistoryMemoryBench {
  private static final String KEY = "loss";

  private MetricHistoryMemoryBench() {}

  public static void main(String[] args) throws SQLException {
    long points = args.length > 0 ? Long.parseLong(args[0]) : 28_000_000L;
    int pageSize = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int buckets = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path workspace = BenchmarkSupport.tempDir("history");
    try (Tracker tracker =
        Tracker.builder().workspace(workspace).captureEnvironment(false).build()) {
      String runId;
      long t0 = System.nanoTime();
      try (Run run = tracker.startRun("history")) {
        runId = run.id();
        for (long step = 0; step < points; step++) {
          run.logMetric(KEY, value(step), step);
        }
        if (!tracker.flush(Duration.ofMinutes(30))) {
          throw new IllegalStateException("flush timed out");
        }
      }
      System.out.printf(
          "logged %,d points in %,d ms; max heap %,d MiB%n",
          points, (System.nanoTime() - t0) / 1_000_000, Runtime.getRuntime().maxMemory() >> 20);
      double expected = 0;
      for (long step = 0; step < points; step++) {
        expected += value(step);
      }
      for (int round = 1; round <= rounds; round++) {
        System.out.printf("round %d%n", round);
        resetPeaks();
        t0 = System.nanoTime();
        double paged = paged(tracker, runId, pageSize, points);
        report("paged history", t0, points, paged, expected);

        resetPeaks();
        t0 = System.nanoTime();
        List<MetricBucket> summary = tracker.downsampleMetric(runId, KEY, buckets, MetricAxis.STEP);
        long counted = summary.stream().mapToLong(MetricBucket::count).sum();
        if (counted != points) {
          throw new IllegalStateException("buckets hold " + counted + " points, not " + points);
        }
        report("downsample to " + summary.size() + " buckets", t0, points, Double.NaN, expected);

        resetPeaks();
        t0 = System.nanoTime();
        double raw = rawScan(workspace.resolve("mlops.db"), runId);
        report("raw JDBC chunk scan", t0, points, raw, expected);
      }
    } finally {
      BenchmarkSupport.deleteRecursively(workspace);
    }
  }

  static double value(long step) {
    return 1.0 / (1.0 + step);
  }

  private static double paged(Tracker tracker, String runId, int pageSize, long points) {
    double sum = 0;
    long next = 0;
    String token = null;
    do {
      MetricHistoryPage page = tracker.metricHistory(runId, KEY, pageSize, token);
      for (MetricPoint p : page.points()) {
        if (p.step() != next) {
          throw new IllegalStateException("step " + p.step() + " where " + next + " was due");
        }
        next++;
        sum += p.value();
      }
      token = page.nextPageToken();
    } while (token != null);
    if (next != points) {
      throw new IllegalStateException("paged " + next + " points, not " + points);
    }
    return sum;
  }

  /** The stored chunks of the series, each point's value (the third 8-byte field) summed. */
  private static double rawScan(Path db, String runId) throws SQLException {
    double sum = 0;
    try (Connection c = BenchmarkSupport.sqlite(db);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT c.point_count, c.points FROM metric_chunks c JOIN metric_series s"
                    + " ON s.series_id = c.series_id WHERE s.run_id = ? AND s.key = ?"
                    + " ORDER BY c.chunk_id")) {
      p.setString(1, runId);
      p.setString(2, KEY);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          int count = rs.getInt(1);
          ByteBuffer buf = ByteBuffer.wrap(rs.getBytes(2));
          for (int i = 0; i < count; i++) {
            sum += Double.longBitsToDouble(buf.getLong(i * 24 + 16));
          }
        }
      }
    }
    return sum;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  private static void report(String what, long t0, long points, double sum, double expected) {
    long nanos = System.nanoTime() - t0;
    long old = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
        old = pool.getPeakUsage().getUsed();
      }
    }
    if (!Double.isNaN(sum) && Math.abs(sum - expected) > 1e-6 * Math.abs(expected)) {
      throw new IllegalStateException(what + ": sum " + sum + ", expected " + expected);
    }
    System.out.printf(
        "  %-28s %,8d ms  %,12.0f points/s  old generation peak %,5d MiB%n",
        what, nanos / 1_000_000, points * 1e9 / nanos, old >> 20);
  }
}
