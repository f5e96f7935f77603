package io.github.mlops4j.benchmarks;

import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunPage;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Tracker#searchRuns(RunQuery)} over a workspace of {@value #RUNS} runs in one experiment,
 * with the filter {@code metrics.auc > 0.84995 and params.lr = '0.05'} that matches exactly {@value
 * #MATCHES} runs (each predicate alone matches 10,000 and 2,500 runs respectively).
 *
 * <p>The workspace is built once per trial with the library: each run gets one param {@code lr} (10
 * values, round robin) and one metric {@code auc} (0.7 + j * 0.0001 for the j-th run of its {@code
 * lr} group); metrics are flushed at the end. Setup checks that the query returns exactly {@value
 * #MATCHES} runs and that the baseline finds the same ids.
 *
 * <p>Baseline {@code jdbcJoin}: a hand-written JDBC query on the same database file that selects
 * the same runs (with their columns) through joins on {@code params} and {@code latest_metrics}, in
 * the same order ({@code start_time DESC, run_id}), then loads their params, latest metrics and
 * tags with one {@code IN (...)} query each, into plain maps. It reuses one connection (the library
 * uses its pool).
 *
 * <p>Both run with and without {@code ANALYZE} on the filled database ({@code analyze} parameter):
 * the library never runs it, so {@code analyze=false} is what users get.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar SearchRunsBenchmark -f 1
 * </pre>
 *
 * Defaults: 3 x 2 s warm-up, 5 x 3 s measurement, SampleTime in ms (JMH prints p50/p90/p95/p99).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class SearchRunsBenchmark {
  static final int RUNS = 25_000;
  static final int MATCHES = 1_000;
  static final String EXPERIMENT = "search";
  static final String[] LRS = {
    "0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1.0"
  };
  static final String LR = "0.05";
  static final double AUC_THRESHOLD = 0.84995;
  static final String FILTER = "metrics.auc > " + AUC_THRESHOLD + " and params.lr = '" + LR + "'";

  /**
   * Whether {@code ANALYZE} ran on the database after it was filled (the library never runs it),
   * which gives SQLite's planner statistics to choose the join order.
   */
  @Param({"false", "true"})
  public boolean analyze;

  Path workspace;
  Tracker tracker;
  RunQuery query;
  Connection connection;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    workspace = BenchmarkSupport.tempDir("search");
    long start = System.nanoTime();
    try (Tracker filling =
        Tracker.builder().workspace(workspace).captureEnvironment(false).build()) {
      populate(filling, RUNS, EXPERIMENT);
    }
    System.out.printf(
        "%n[setup] created %,d runs in %.1f s%n", RUNS, (System.nanoTime() - start) / 1e9);
    if (analyze) {
      try (Connection c = BenchmarkSupport.sqlite(workspace.resolve("mlops.db"));
          java.sql.Statement st = c.createStatement()) {
        st.execute("ANALYZE");
      }
    }
    tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    query = RunQuery.builder().experiments(EXPERIMENT).filter(FILTER).maxResults(MATCHES).build();
    RunPage page = tracker.searchRuns(query);
    if (page.runs().size() != MATCHES || page.nextPageToken() != null) {
      throw new IllegalStateException(
          "expected exactly "
              + MATCHES
              + " runs, got "
              + page.runs().size()
              + " (next page "
              + page.nextPageToken()
              + ")");
    }
    connection = BenchmarkSupport.sqlite(workspace.resolve("mlops.db"));
    List<BaselineRun> baseline = jdbcJoin();
    if (baseline.size() != MATCHES) {
      throw new IllegalStateException("baseline found " + baseline.size() + " runs");
    }
    for (int i = 0; i < MATCHES; i++) {
      RunInfo r = page.runs().get(i);
      BaselineRun b = baseline.get(i);
      if (!r.runId().equals(b.runId)
          || !r.params().equals(b.params)
          || r.metrics().get("auc").value() != b.metrics.get("auc").value()) {
        throw new IllegalStateException("baseline and library disagree at " + i);
      }
    }
  }

  /**
   * Creates {@code runs} runs in {@code experiment}, each with param {@code lr} and metric {@code
   * auc}; the runs stay RUNNING (ending them would add a transaction each and does not change the
   * search).
   */
  static void populate(Tracker tracker, int runs, String experiment) {
    for (int i = 0; i < runs; i++) {
      Run run = tracker.startRun(experiment);
      run.logParam("lr", LRS[i % LRS.length]);
      int j = i / LRS.length;
      run.logMetric("auc", 0.7 + j * 0.0001, 0);
    }
    if (!tracker.flush(Duration.ofMinutes(5))) {
      throw new IllegalStateException("flush timed out");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    try {
      connection.close();
      tracker.close();
    } finally {
      BenchmarkSupport.deleteRecursively(workspace);
    }
  }

  @Benchmark
  public RunPage searchRuns() {
    return tracker.searchRuns(query);
  }

  /** What the baseline loads per run. */
  record BaselineRun(
      String runId,
      long experimentId,
      String runName,
      String parentRunId,
      String userId,
      String status,
      long startTime,
      Long endTime,
      String lifecycleStage,
      Map<String, String> params,
      Map<String, MetricPoint> metrics,
      Map<String, String> tags) {}

  @Benchmark
  public List<BaselineRun> jdbcJoin() throws SQLException {
    return jdbcJoin(connection);
  }

  /**
   * The baseline's query and loads on {@code c} (plain SQL that SQLite and PostgreSQL both run):
   * the first {@value #MATCHES} runs that match {@link #FILTER}, in the library's order.
   */
  static List<BaselineRun> jdbcJoin(Connection c) throws SQLException {
    List<String> ids = new ArrayList<>(MATCHES);
    List<Object[]> rows = new ArrayList<>(MATCHES);
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT r.run_id, r.experiment_id, r.run_name, r.parent_run_id, r.user_id, r.status,"
                + " r.start_time, r.end_time, r.lifecycle_stage FROM runs r"
                + " JOIN params p ON p.run_id = r.run_id AND p.key = ? AND p.value = ?"
                + " JOIN latest_metrics m ON m.run_id = r.run_id AND m.key = ? AND m.value > ?"
                + " WHERE r.experiment_id = (SELECT experiment_id FROM experiments WHERE name = ?)"
                + " AND r.lifecycle_stage = 'active'"
                + " ORDER BY r.start_time DESC, r.run_id LIMIT ?")) {
      p.setString(1, "lr");
      p.setString(2, LR);
      p.setString(3, "auc");
      p.setDouble(4, AUC_THRESHOLD);
      p.setString(5, EXPERIMENT);
      p.setInt(6, MATCHES + 1); // one more, to tell whether there is a next page

      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          long end = rs.getLong(8);
          Long endTime = rs.wasNull() ? null : end;
          ids.add(rs.getString(1));
          rows.add(
              new Object[] {
                rs.getString(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getLong(7),
                endTime,
                rs.getString(9)
              });
        }
      }
    }
    if (ids.size() > MATCHES) {
      ids = ids.subList(0, MATCHES);
      rows = rows.subList(0, MATCHES);
    }
    String in = inList(ids.size());
    Map<String, Map<String, String>> params = new HashMap<>();
    Map<String, Map<String, String>> tags = new HashMap<>();
    Map<String, Map<String, MetricPoint>> metrics = new HashMap<>();
    try (PreparedStatement p =
        c.prepareStatement("SELECT run_id, key, value FROM params WHERE run_id IN " + in)) {
      bind(p, ids);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          params
              .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getString(2), rs.getString(3));
        }
      }
    }
    try (PreparedStatement p =
        c.prepareStatement("SELECT run_id, key, value FROM tags WHERE run_id IN " + in)) {
      bind(p, ids);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          tags.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getString(2), rs.getString(3));
        }
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT run_id, key, value_bits, step, ts FROM latest_metrics WHERE run_id IN " + in)) {
      bind(p, ids);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          metrics
              .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(
                  rs.getString(2),
                  new MetricPoint(
                      rs.getString(2),
                      Double.longBitsToDouble(rs.getLong(3)),
                      rs.getLong(4),
                      Instant.ofEpochMilli(rs.getLong(5))));
        }
      }
    }
    List<BaselineRun> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      String id = (String) r[0];
      out.add(
          new BaselineRun(
              id,
              (Long) r[1],
              (String) r[2],
              (String) r[3],
              (String) r[4],
              (String) r[5],
              (Long) r[6],
              (Long) r[7],
              (String) r[8],
              params.getOrDefault(id, Map.of()),
              metrics.getOrDefault(id, Map.of()),
              tags.getOrDefault(id, Map.of())));
    }
    return out;
  }

  private static String inList(int n) {
    StringBuilder b = new StringBuilder(n * 3 + 2).append('(');
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.append(')').toString();
  }

  private static void bind(PreparedStatement p, List<String> ids) throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      p.setString(i + 1, ids.get(i));
    }
  }
}
