package io.github.mlops4j.benchmarks;

import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
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

/**
 * Opening and closing a workspace that holds {@value #RUNS} runs (built once per trial with the
 * library, like {@link SearchRunsBenchmark}'s but smaller).
 *
 * <ul>
 *   <li>{@code openCloseNoEnvironment}: {@code Tracker.builder().workspace(ws)
 *       .captureEnvironment(false).build()} then {@code close()}.
 *   <li>{@code openCloseDefault}: {@code Tracker.open(ws)} then {@code close()}; this captures the
 *       environment when the first run starts (reading HEAD and running {@code git status} in a git
 *       checkout), so open and close alone do not pay for it.
 *   <li>{@code openLogMetricClose}: open without environment, {@code resumeRun} of a running run,
 *       log one metric point, close (which now has a writer thread to stop and a point to store).
 *   <li>Baseline {@code jdbcCountRuns}: {@code DriverManager.getConnection("jdbc:sqlite:...")},
 *       {@code SELECT count(*) FROM runs}, close.
 * </ul>
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar OpenWorkspaceBenchmark -f 1
 * </pre>
 *
 * Defaults: 2 x 2 s warm-up, 5 x 2 s measurement, SampleTime in ms.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class OpenWorkspaceBenchmark {
  /** Runs in the workspace besides the one that {@code openLogMetricClose} logs to. */
  static final int RUNS = 10_000;

  Path workspace;
  String url;
  String runningRunId;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    workspace = BenchmarkSupport.tempDir("open");
    try (Tracker tracker =
        Tracker.builder().workspace(workspace).captureEnvironment(false).build()) {
      SearchRunsBenchmark.populate(tracker, RUNS, "open");
      runningRunId = tracker.startRun("open").id();
    }
    url = "jdbc:sqlite:" + workspace.resolve("mlops.db").toAbsolutePath();
    if (jdbcCountRuns() != RUNS + 1) {
      throw new IllegalStateException("expected " + RUNS + " runs");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    BenchmarkSupport.deleteRecursively(workspace);
  }

  @Benchmark
  public Tracker openCloseNoEnvironment() {
    Tracker tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    tracker.close();
    return tracker;
  }

  @Benchmark
  public Tracker openCloseDefault() {
    Tracker tracker = Tracker.open(workspace);
    tracker.close();
    return tracker;
  }

  /**
   * Open, log one metric point to a running run, close: the tracker's writer thread has started, so
   * {@code close()} has to stop it. Each call adds one point to the workspace.
   */
  @Benchmark
  public Tracker openLogMetricClose() {
    Tracker tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    tracker.resumeRun(runningRunId).logMetric("loss", 0.5, 1);
    tracker.close();
    return tracker;
  }

  @Benchmark
  public long jdbcCountRuns() throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM runs")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
