package io.github.mlops4j.benchmarks;

import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable metric ingest into the embedded SQLite store from one producer thread: each invocation
 * logs {@value #POINTS} points ({@value #SERIES} series of one run, interleaved step by step as a
 * training loop does) and then waits for {@link Tracker#flush(Duration)}. The score is points per
 * second. Every invocation gets a fresh workspace (created and deleted outside the measured time).
 *
 * <p>Baselines in the same run, each on a fresh database with the library's SQLite settings (WAL,
 * synchronous=NORMAL, IMMEDIATE transactions):
 *
 * <ul>
 *   <li>{@code jdbcChunks}: plain single-threaded JDBC batch insert of the same rows the library
 *       writes into {@code metric_chunks} of a workspace created by the library: the same
 *       24-byte-per-point big-endian blobs, at most 4,096 points per chunk per series, one
 *       transaction per 50,000 points (the library's default batch); points are generated and
 *       packed inside the measured time, as the library does.
 *   <li>{@code jdbcRowPerPoint}: the naive design for reference: one row per point with string keys
 *       in {@code points(run_id, key, step, ts, value)} with an index on {@code (run_id, key,
 *       step)}, 50,000 rows per transaction.
 * </ul>
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar MetricIngestBenchmark -f 1
 * </pre>
 *
 * Defaults: Throughput mode, 6 x 2 s warm-up and 10 x 2 s measurement iterations; every invocation
 * logs 1,000,000 points (the library takes well under a second, so an iteration holds several
 * invocations; the row-per-point baseline takes about 5 s, so its iterations hold one). Only the
 * invocations are timed, not the per-invocation set-up and tear-down. The library's two-thread
 * pipeline needs the longer warm-up: its first dozen invocations ramp up from about 1 M to 5 M
 * points/s as the JIT compiles the writer; the fork pre-touches its heap for the same reason
 * (first-touch page faults in this VM otherwise slow the allocation-heavy producer).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(MetricIngestBenchmark.POINTS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class MetricIngestBenchmark {
  static final int POINTS = 1_000_000;
  static final int SERIES = 4;
  static final int STEPS = POINTS / SERIES;
  static final String[] KEYS = {"loss", "accuracy", "learning_rate", "grad_norm"};

  /** Points per transaction, the library's default {@code maxBatchPoints}. */
  static final int POINTS_PER_TRANSACTION = 50_000;

  /** Points per chunk row at most, as in the library's writer. */
  static final int CHUNK_POINTS = 4096;

  static final int POINT_BYTES = 24;

  static double value(long step, int series) {
    return 1.0 / (1.0 + step) + series;
  }

  // ------------------------------------------------------------------ library

  @State(Scope.Benchmark)
  public static class LibraryState {
    Path workspace;
    Tracker tracker;
    Run run;
    long storedBefore;

    @Setup(Level.Invocation)
    public void open() {
      workspace = BenchmarkSupport.tempDir("ingest-lib");
      tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
      run = tracker.startRun("ingest");
      storedBefore = tracker.storedMetricPoints();
    }

    @TearDown(Level.Invocation)
    public void close() throws SQLException {
      try {
        long stored = tracker.storedMetricPoints() - storedBefore;
        if (stored != POINTS) {
          throw new IllegalStateException("stored " + stored + " points, expected " + POINTS);
        }
        run.close();
        tracker.close();
        try (Connection c = BenchmarkSupport.sqlite(workspace.resolve("mlops.db"));
            Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT count(*), sum(point_count), min(point_count), max(point_count)"
                        + " FROM metric_chunks")) {
          rs.next();
          System.out.printf(
              "%n[library] %,d chunk rows for %,d points (min %d, max %d points" + " per chunk)%n",
              rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
      } finally {
        BenchmarkSupport.deleteRecursively(workspace);
      }
    }
  }

  @Benchmark
  public long library(LibraryState s) {
    Run run = s.run;
    for (int step = 0; step < STEPS; step++) {
      for (int k = 0; k < SERIES; k++) {
        run.logMetric(KEYS[k], value(step, k), step);
      }
    }
    if (!s.tracker.flush(Duration.ofMinutes(5))) {
      throw new IllegalStateException("flush timed out");
    }
    return s.tracker.storedMetricPoints();
  }

  // ------------------------------------------------------------------ baseline (a)

  /** A workspace created by the library, written with plain JDBC. */
  @State(Scope.Benchmark)
  public static class ChunkState {
    Path workspace;
    Connection connection;
    long[] seriesIds = new long[SERIES];

    @Setup(Level.Invocation)
    public void open() throws SQLException {
      workspace = BenchmarkSupport.tempDir("ingest-jdbc");
      String runId;
      try (Tracker tracker =
          Tracker.builder().workspace(workspace).captureEnvironment(false).build()) {
        runId = tracker.startRun("ingest").id();
      }
      connection = BenchmarkSupport.sqlite(workspace.resolve("mlops.db"));
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO metric_series (run_id, key) VALUES (?, ?)",
              Statement.RETURN_GENERATED_KEYS)) {
        for (int k = 0; k < SERIES; k++) {
          insert.setString(1, runId);
          insert.setString(2, KEYS[k]);
          insert.executeUpdate();
          try (ResultSet keys = insert.getGeneratedKeys()) {
            keys.next();
            seriesIds[k] = keys.getLong(1);
          }
        }
      }
    }

    @TearDown(Level.Invocation)
    public void close() throws SQLException {
      try {
        try (Statement st = connection.createStatement();
            ResultSet rs =
                st.executeQuery("SELECT count(*), sum(point_count) FROM metric_chunks")) {
          rs.next();
          if (rs.getLong(2) != POINTS) {
            throw new IllegalStateException("stored " + rs.getLong(2) + " points");
          }
          System.out.printf(
              "%n[jdbcChunks] %,d chunk rows for %,d points%n", rs.getLong(1), rs.getLong(2));
        }
        connection.close();
      } finally {
        BenchmarkSupport.deleteRecursively(workspace);
      }
    }
  }

  @Benchmark
  public long jdbcChunks(ChunkState s) throws SQLException {
    Connection c = s.connection;
    int stepsPerTransaction = POINTS_PER_TRANSACTION / SERIES;
    long rows = 0;
    c.setAutoCommit(false);
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO metric_chunks (series_id, point_count, points) VALUES (?, ?, ?)")) {
      for (int start = 0; start < STEPS; start += stepsPerTransaction) {
        int end = Math.min(STEPS, start + stepsPerTransaction);
        for (int k = 0; k < SERIES; k++) {
          for (int from = start; from < end; from += CHUNK_POINTS) {
            int n = Math.min(CHUNK_POINTS, end - from);
            ByteBuffer buf = ByteBuffer.allocate(n * POINT_BYTES);
            for (int step = from; step < from + n; step++) {
              buf.putLong(step)
                  .putLong(System.currentTimeMillis())
                  .putLong(Double.doubleToRawLongBits(value(step, k)));
            }
            insert.setLong(1, s.seriesIds[k]);
            insert.setInt(2, n);
            insert.setBytes(3, buf.array());
            insert.addBatch();
            rows++;
          }
        }
        insert.executeBatch();
        c.commit();
      }
    } finally {
      c.setAutoCommit(true);
    }
    return rows;
  }

  // ------------------------------------------------------------------ baseline (b)

  /** The naive layout: one row per point, string keys, an index. */
  @State(Scope.Benchmark)
  public static class RowState {
    Path dir;
    Connection connection;
    final String runId = "0123456789abcdef0123456789abcdef";

    @Setup(Level.Invocation)
    public void open() throws SQLException {
      dir = BenchmarkSupport.tempDir("ingest-rows");
      connection = BenchmarkSupport.sqlite(dir.resolve("points.db"));
      try (Statement st = connection.createStatement()) {
        st.executeUpdate(
            "CREATE TABLE points (run_id TEXT NOT NULL, key TEXT NOT NULL,"
                + " step BIGINT NOT NULL, ts BIGINT NOT NULL, value DOUBLE)");
        st.executeUpdate("CREATE INDEX points_run_key_step ON points (run_id, key, step)");
      }
    }

    @TearDown(Level.Invocation)
    public void close() throws SQLException {
      try {
        try (Statement st = connection.createStatement();
            ResultSet rs = st.executeQuery("SELECT count(*) FROM points")) {
          rs.next();
          if (rs.getLong(1) != POINTS) {
            throw new IllegalStateException("stored " + rs.getLong(1) + " rows");
          }
        }
        connection.close();
      } finally {
        BenchmarkSupport.deleteRecursively(dir);
      }
    }
  }

  @Benchmark
  public long jdbcRowPerPoint(RowState s) throws SQLException {
    Connection c = s.connection;
    long rows = 0;
    c.setAutoCommit(false);
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO points (run_id, key, step, ts, value) VALUES (?, ?, ?, ?, ?)")) {
      for (int step = 0; step < STEPS; step++) {
        for (int k = 0; k < SERIES; k++) {
          insert.setString(1, s.runId);
          insert.setString(2, KEYS[k]);
          insert.setLong(3, step);
          insert.setLong(4, System.currentTimeMillis());
          insert.setDouble(5, value(step, k));
          insert.addBatch();
          if (++rows % POINTS_PER_TRANSACTION == 0) {
            insert.executeBatch();
            c.commit();
          }
        }
      }
      insert.executeBatch();
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
    return rows;
  }
}
