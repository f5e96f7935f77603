package io.github.mlops4j.benchmarks;

import io.github.mlops4j.console.ConsoleHandler;
import io.github.mlops4j.console.ConsoleResponse;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.RegisteredModel;
import io.github.mlops4j.store.OpenMode;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Experiment;
import io.github.mlops4j.tracking.MetricAxis;
import io.github.mlops4j.tracking.MetricBucket;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunPage;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Server time of the console's pages ({@link ConsoleHandler#respond}, the whole answer written to a
 * null stream) on a workspace of {@value SearchRunsBenchmark#RUNS} runs, each beside its baseline:
 * the same public API calls the page makes, without rendering, in the same run. Target: every page
 * at most 200 ms (p99) with 25,000 runs.
 *
 * <p>Setup (once per trial): an embedded SQLite workspace filled as {@link SearchRunsBenchmark}
 * does (25,000 runs in experiment {@code search}, param {@code lr}, metric {@code auc}), plus two
 * runs with {@value #POINTS} points each of metrics {@code loss} and {@code accuracy} (the run and
 * compare pages chart them, downsampled to 200 buckets), and a model with {@value #VERSIONS}
 * versions and an alias moved once per version. The console reads it read-only, as {@code
 * ConsoleServer} does.
 *
 * <ul>
 *   <li>{@code runsPage} / {@code runsPageApis}: the run table (50 runs of {@code search}, ordered
 *       by {@code metrics.auc DESC}) / {@code experiments()} and the same {@code searchRuns}.
 *   <li>{@code runPage} / {@code runPageApis}: one long-series run / {@code findRun}, {@code
 *       experiments()}, {@code childRuns} and {@code downsampleMetric} per metric.
 *   <li>{@code comparePage} / {@code comparePageApis}: the two long-series runs / {@code findRun}
 *       of each and {@code downsampleMetric} per metric and run.
 *   <li>{@code modelsPage} / {@code modelsPageApis}: the registry's model list / {@code
 *       listModels()}.
 * </ul>
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar ConsolePageBenchmark -f 1
 * </pre>
 *
 * Defaults: 3 x 2 s warm-up, 5 x 3 s measurement, SampleTime in ms (JMH prints p50/p90/p99).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class ConsolePageBenchmark {
  static final int POINTS = 20_000;
  static final int VERSIONS = 20;
  static final String RUNS_QUERY = "experiment=search&order=metrics.%60auc%60+DESC";

  Path workspace;
  Store store;
  Tracker tracker;
  ModelRegistry registry;
  ConsoleHandler console;
  String runA;
  String runB;
  String compareQuery;
  RunQuery runsQuery;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    workspace = BenchmarkSupport.tempDir("console");
    long start = System.nanoTime();
    try (Tracker filling =
        Tracker.builder().workspace(workspace).captureEnvironment(false).build()) {
      SearchRunsBenchmark.populate(
          filling, SearchRunsBenchmark.RUNS, SearchRunsBenchmark.EXPERIMENT);
      runA = longRun(filling, "long-a");
      runB = longRun(filling, "long-b");
      if (!filling.flush(Duration.ofMinutes(5))) {
        throw new IllegalStateException("flush timed out");
      }
      Path file = workspace.resolve("model.bin");
      try (ModelRegistry writing = ModelRegistry.builder().workspace(workspace).build()) {
        writing.createModel("churn", "benchmark model");
        for (int v = 1; v <= VERSIONS; v++) {
          Files.writeString(file, "model " + v, StandardCharsets.UTF_8);
          int version = writing.register("churn", ModelArtifact.file(file, "bin"), runA).version();
          writing.withActor("bench").withComment("v" + v).setAlias("churn", "champion", version);
        }
      }
      Files.delete(file);
    }
    System.out.printf(
        "%n[setup] created %,d runs in %.1f s%n",
        SearchRunsBenchmark.RUNS + 2, (System.nanoTime() - start) / 1e9);
    store = Store.open(workspace, OpenMode.READ_ONLY);
    tracker = Tracker.builder().store(store).captureEnvironment(false).build();
    registry = ModelRegistry.builder().store(store).build();
    console = ConsoleHandler.builder().tracker(tracker).registry(registry).build();
    compareQuery = "run=" + runA + "&run=" + runB;
    runsQuery =
        RunQuery.builder()
            .experiments(SearchRunsBenchmark.EXPERIMENT)
            .orderBy("metrics.`auc` DESC")
            .maxResults(50)
            .build();
    for (String[] page :
        new String[][] {
          {"/runs", RUNS_QUERY},
          {"/run", "id=" + runA},
          {"/compare", compareQuery},
          {"/models", null}
        }) {
      ConsoleResponse r = console.respond("GET", page[0], page[1]);
      if (r.status() != 200) {
        throw new IllegalStateException(page[0] + " answered " + r.status());
      }
    }
    if (runsPageApis().runs().size() != 50) {
      throw new IllegalStateException("the run table's search found fewer than 50 runs");
    }
  }

  private static String longRun(Tracker tracker, String name) {
    try (Run run = tracker.newRun(SearchRunsBenchmark.EXPERIMENT).name(name).start()) {
      run.logParam("lr", name);
      for (int i = 0; i < POINTS; i++) {
        run.logMetric("loss", 1.0 / (i + 1), i);
        run.logMetric("accuracy", 1 - 1.0 / (i + 2), i);
      }
      return run.id();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      registry.close();
      tracker.close();
      store.close();
    } finally {
      BenchmarkSupport.deleteRecursively(workspace);
    }
  }

  private long page(String path, String query) {
    ConsoleResponse r = console.respond("GET", path, query);
    r.writeTo(OutputStream.nullOutputStream());
    return r.length();
  }

  @Benchmark
  public long runsPage() {
    return page("/runs", RUNS_QUERY);
  }

  @Benchmark
  public RunPage runsPageApis() {
    List<Experiment> experiments = tracker.experiments();
    if (experiments.isEmpty()) {
      throw new IllegalStateException();
    }
    return tracker.searchRuns(runsQuery);
  }

  @Benchmark
  public long runPage() {
    return page("/run", "id=" + runA);
  }

  @Benchmark
  public List<List<MetricBucket>> runPageApis() {
    RunInfo run = tracker.findRun(runA).orElseThrow();
    tracker.experiments();
    tracker.childRuns(runA);
    List<List<MetricBucket>> out = new ArrayList<>();
    for (String key : run.metrics().keySet()) {
      out.add(tracker.downsampleMetric(runA, key, 200, MetricAxis.STEP));
    }
    return out;
  }

  @Benchmark
  public long comparePage() {
    return page("/compare", compareQuery);
  }

  @Benchmark
  public List<List<MetricBucket>> comparePageApis() {
    List<List<MetricBucket>> out = new ArrayList<>();
    for (String id : new String[] {runA, runB}) {
      RunInfo run = tracker.findRun(id).orElseThrow();
      for (String key : run.metrics().keySet()) {
        out.add(tracker.downsampleMetric(id, key, 200, MetricAxis.STEP));
      }
    }
    return out;
  }

  @Benchmark
  public long modelsPage() {
    return page("/models", null);
  }

  @Benchmark
  public List<RegisteredModel> modelsPageApis() {
    return registry.listModels();
  }
}
