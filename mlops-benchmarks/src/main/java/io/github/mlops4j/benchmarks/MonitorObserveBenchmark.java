package io.github.mlops4j.benchmarks;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.kll.KllDoublesSketch;
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
 * The monitor's cost on the prediction path: the latency of one {@link Monitor#observe(double[])}
 * call for a row of {@value #FEATURES} numeric features, as a distribution (SampleTime: read the
 * p0.99 line). Each monitor uses count windows of {@value #WINDOW} rows compared with a fixed
 * reference; calls run back to back, as fast as they can.
 *
 * <ul>
 *   <li>{@code observe}: the default monitor (no executor, batches of 256 rows): the call that
 *       fills a batch profiles it, the call that closes a window evaluates it, both inside the
 *       measured calls;
 *   <li>{@code observeUnbatched}: {@code batchRows(1)}, every call profiles its own row;
 *   <li>{@code observeAsync}: an executor (one thread owned by the benchmark) profiles batches and
 *       evaluates windows; when it has 2 x stripes batches in hand the caller profiles the next one
 *       itself (back-pressure), which back-to-back calls provoke;
 *   <li>{@code observeAndRecordPrediction}: {@code observe} plus {@link
 *       Monitor#recordPrediction(String, double)} under a pre-built id (bounded pending store of
 *       100 000, oldest evicted);
 *   <li>baseline {@code rawKll}: {@value #FEATURES} bare {@code KllDoublesSketch.update} calls, the
 *       least a quantile-sketch profile can cost;
 *   <li>baseline {@code copyRow}: copying the row into a buffer, the least any recording costs.
 * </ul>
 *
 * <p>Run (from the repository root), one thread and then two contending threads:
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar MonitorObserveBenchmark -f 1
 * java -jar mlops-benchmarks/target/benchmarks.jar MonitorObserveBenchmark -f 1 -t 2
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class MonitorObserveBenchmark {
  static final int FEATURES = 20;
  static final int WINDOW = 10_000;
  static final int ROWS = 4096;

  private final double[][] rows = ProfileUpdateBenchmark.rows(43, ROWS, FEATURES);
  private final double[] scores = new double[ROWS];
  private final String[] ids = new String[1 << 20];
  private Monitor monitor;
  private Monitor unbatched;
  private Monitor async;
  private ExecutorService executor;
  private KllDoublesSketch[] sketches;

  /** Per-thread position in the pre-generated rows. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;
    final double[] buffer = new double[FEATURES];
  }

  @Setup(Level.Trial)
  public void setUp() {
    ProfileSchema.Builder b = ProfileSchema.builder();
    for (int i = 0; i < FEATURES; i++) {
      b.numeric("f" + i);
    }
    ProfileSchema schema = b.build();
    ProfileAccumulator ref = ProfileAccumulator.create(schema);
    for (double[] row : ProfileUpdateBenchmark.rows(1, 50_000, FEATURES)) {
      ref.update(row);
    }
    Profile reference = ref.take();
    monitor =
        Monitor.builder()
            .model("bench")
            .reference(reference)
            .window(WindowSpec.rows(WINDOW))
            .predictions(PredictionTask.BINARY_CLASSIFICATION)
            .build();
    unbatched =
        Monitor.builder()
            .model("bench")
            .reference(reference)
            .window(WindowSpec.rows(WINDOW))
            .batchRows(1)
            .build();
    executor = Executors.newSingleThreadExecutor();
    async =
        Monitor.builder()
            .model("bench")
            .reference(reference)
            .window(WindowSpec.rows(WINDOW))
            .executor(executor)
            .build();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < ROWS; i++) {
      scores[i] = r.nextDouble();
    }
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "request-" + i;
    }
    sketches = new KllDoublesSketch[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      sketches[j] = KllDoublesSketch.newHeapInstance(200);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    System.out.println();
    System.out.println(
        "monitor stats: default "
            + monitor.stats()
            + ", unbatched "
            + unbatched.stats()
            + ", async "
            + async.stats());
    monitor.close();
    unbatched.close();
    async.close();
    executor.shutdown();
    executor.awaitTermination(30, TimeUnit.SECONDS);
  }

  @Benchmark
  public void observe(Cursor c) {
    monitor.observe(rows[c.i++ & (ROWS - 1)]);
  }

  @Benchmark
  public void observeUnbatched(Cursor c) {
    unbatched.observe(rows[c.i++ & (ROWS - 1)]);
  }

  @Benchmark
  public void observeAsync(Cursor c) {
    async.observe(rows[c.i++ & (ROWS - 1)]);
  }

  @Benchmark
  public void observeAndRecordPrediction(Cursor c) {
    int i = c.i++;
    monitor.observe(rows[i & (ROWS - 1)]);
    monitor.recordPrediction(ids[i & (ids.length - 1)], scores[i & (ROWS - 1)]);
  }

  @Benchmark
  public long rawKll(Cursor c) {
    double[] row = rows[c.i++ & (ROWS - 1)];
    KllDoublesSketch[] s = sketches;
    synchronized (s) { // the bare sketches are not thread-safe; uncontended with -t 1
      for (int j = 0; j < FEATURES; j++) {
        s[j].update(row[j]);
      }
      return s[0].getN();
    }
  }

  @Benchmark
  public double[] copyRow(Cursor c) {
    System.arraycopy(rows[c.i++ & (ROWS - 1)], 0, c.buffer, 0, FEATURES);
    return c.buffer;
  }
}
