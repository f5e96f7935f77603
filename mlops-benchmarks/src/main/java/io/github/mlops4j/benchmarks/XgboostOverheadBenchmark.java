package io.github.mlops4j.benchmarks;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.xgboost.XgboostArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Online overhead of {@link InferenceService#predict(Map)} on an XGBoost model over xgboost4j's own
 * {@code Booster.predict} of the same model and row, and the throughput of two concurrent callers
 * through the service (a pool of boosters) against two callers sharing one booster.
 *
 * <p>Setup: xgboost4j trains a {@code binary:logistic} model (100 trees of depth 4, {@value
 * LogisticFixture#FEATURES} named features) on 5,000 rows of {@link LogisticFixture}; the model is
 * saved as UBJ, registered with {@link XgboostArtifact} in an embedded workspace and served by a
 * service with the default loader (a pool of as many boosters as available processors, one thread
 * per call) and the default validation ({@code REJECT}). Every benchmark cycles through the same
 * 1,024 rows, given as request maps ({@code HashMap<String, Object>} of 20 boxed doubles) or as the
 * same values in column order (doubles, and prebuilt float arrays); each thread keeps its own
 * cursor. The raw booster is loaded from the same file as the service's, with the loader's settings
 * ({@code nthread} 1).
 *
 * <ul>
 *   <li>{@code rawInplacePredict} (baseline, the service's native call): inside the measured
 *       operation, a new {@code float[20]} filled from the row's 20 doubles, then {@code
 *       booster.inplace_predict(row, 1, 20, NaN)}: exactly the call the service's booster pool
 *       makes for a gbtree model (no {@code DMatrix}), with the same array building.
 *   <li>{@code rawBoosterPredict} (reference): {@code new DMatrix(row, 1, 20, NaN)}, {@code
 *       booster.predict(matrix)}, {@code matrix.dispose()} on one shared booster: xgboost4j's
 *       documented way to predict a row (a different native path, so not the overhead baseline).
 *   <li>{@code servicePredict}: {@code service.predict(map)}: validation against the signature,
 *       encoding, lease on the version, a booster from the pool, the native call, output and score
 *       map, prediction id, latency.
 *   <li>{@code sharedBooster2Threads} (baseline, throughput): two threads calling {@code
 *       rawBoosterPredict}'s code on the one shared booster (synchronized up to xgboost4j 3.0, no
 *       longer in 3.4.0).
 *   <li>{@code service2Threads} (throughput): two threads calling {@code service.predict(map)}.
 * </ul>
 *
 * <p>Target: service p50 - {@code rawInplacePredict} p50 &lt;= 2 us and p99 - p99 &lt;= 10 us; two
 * callers through the service at least as many predictions per second as two callers sharing a
 * booster.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * XgboostOverheadBenchmark -f 1 -wi 3 -i 5}. SampleTime gives the percentiles; the two {@code
 * 2Threads} benchmarks report operations per millisecond.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class XgboostOverheadBenchmark {
  static final int ROWS = 1024;

  Path dir;
  ModelRegistry registry;
  InferenceService service;
  Booster booster;
  List<Map<String, Object>> requests;
  float[][] rows;
  double[][] values;

  /** Each thread's position in the rows. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int nextRow() {
      int i = next;
      next = (i + 1) & (ROWS - 1);
      return i;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws XGBoostError {
    dir = BenchmarkSupport.tempDir("xgboost");
    SplittableRandom random = new SplittableRandom(7);
    int n = 5_000;
    float[] data = new float[n * LogisticFixture.FEATURES];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      double[] x = LogisticFixture.row(random);
      for (int j = 0; j < x.length; j++) {
        data[i * x.length + j] = (float) x[j];
      }
      labels[i] = LogisticFixture.label(x, random).equals("yes") ? 1f : 0f;
    }
    DMatrix train = new DMatrix(data, n, LogisticFixture.FEATURES, Float.NaN);
    train.setLabel(labels);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("max_depth", 4);
    params.put("eta", 0.1);
    params.put("nthread", 1);
    params.put("seed", 3);
    Booster trained = XGBoost.train(train, params, 100, Map.of(), null, null);
    trained.setFeatureNames(LogisticFixture.NAMES.clone());
    Path file = dir.resolve("churn.ubj");
    try {
      Files.write(file, trained.toByteArray("ubj"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    train.dispose();
    trained.dispose();

    registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
    registry.register(
        "churn", XgboostArtifact.of(file).classification("no", "yes").toArtifact(), null);
    registry.setAlias("churn", "champion", 1);
    service =
        InferenceService.builder().registry(registry).model("churn").alias("champion").build();
    try {
      booster = XGBoost.loadModel(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    booster.setParam("nthread", 1);

    requests = new ArrayList<>(ROWS);
    rows = new float[ROWS][];
    values = new double[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      double[] x = LogisticFixture.row(random);
      requests.add(LogisticFixture.request(x));
      values[i] = x;
      rows[i] = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        rows[i][j] = (float) x[j];
      }
    }
    // the service and the raw booster must agree, or the comparison is meaningless
    for (int i = 0; i < ROWS; i++) {
      double served = service.predict(requests.get(i)).score("yes");
      float raw = rawPredict(i)[0][0];
      float inplace = inplace(i)[0][0];
      if (Math.abs(served - raw) > 1e-6 || Math.abs(served - inplace) > 1e-6) {
        throw new IllegalStateException(
            "Row " + i + ": service says " + served + ", raw " + raw + ", inplace " + inplace);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    service.close();
    registry.close();
    booster.dispose();
    BenchmarkSupport.deleteRecursively(dir);
  }

  private float[][] rawPredict(int row) throws XGBoostError {
    DMatrix m = new DMatrix(rows[row], 1, LogisticFixture.FEATURES, Float.NaN);
    try {
      return booster.predict(m);
    } finally {
      m.dispose();
    }
  }

  @Benchmark
  public float[][] rawBoosterPredict(Cursor c) throws XGBoostError {
    return rawPredict(c.nextRow());
  }

  /** What the service's model does for one row: a float array from the values, one native call. */
  private float[][] inplace(int row) throws XGBoostError {
    double[] x = values[row];
    float[] data = new float[x.length];
    for (int j = 0; j < x.length; j++) {
      data[j] = (float) x[j];
    }
    return booster.inplace_predict(data, 1, LogisticFixture.FEATURES, Float.NaN);
  }

  @Benchmark
  public float[][] rawInplacePredict(Cursor c) throws XGBoostError {
    return inplace(c.nextRow());
  }

  @Benchmark
  public Prediction servicePredict(Cursor c) {
    return service.predict(requests.get(c.nextRow()));
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public float[][] sharedBooster2Threads(Cursor c) throws XGBoostError {
    return rawPredict(c.nextRow());
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Prediction service2Threads(Cursor c) {
    return service.predict(requests.get(c.nextRow()));
  }
}
