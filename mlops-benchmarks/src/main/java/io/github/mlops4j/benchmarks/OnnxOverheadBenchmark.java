package io.github.mlops4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/**
 * Online overhead of {@link InferenceService#predict(Map)} on an ONNX model over a plain {@code
 * OrtSession.run} of the same graph on the same row, each measured beside its baselines in the same
 * run.
 *
 * <p>Setup: the logistic regression of {@link ServingOverheadBenchmark} ({@value
 * LogisticFixture#FEATURES} features, trained on 5,000 rows of {@link LogisticFixture}, seed 7) is
 * exported to ONNX by Tribuo ({@link OnnxLogistic}: one float input {@code [N, 20]}, one float
 * output {@code [N, 2]} of probabilities) and registered with {@code OnnxArtifact} in an embedded
 * workspace under alias {@code champion}; the service follows that alias with the default
 * validation ({@code REJECT}), no routing, no listener. Its loader is the default {@code
 * OnnxLoader} (found through {@code ServiceLoader}): intra-op and inter-op threads 1, sequential
 * execution, CPU arena on, every graph optimization. The raw session is opened on the same bytes
 * with exactly these options. Every benchmark cycles through the same 1,024 rows.
 *
 * <ul>
 *   <li>{@code rawRun} (baseline): from the row's 20 doubles (already in column order) a new {@code
 *       float[20]}, a tensor {@code [1, 20]} over it ({@code OnnxTensor.createTensor} on a wrapped
 *       heap buffer, which copies it into a direct buffer), {@code session.run(Map.of(input,
 *       tensor))}, the probabilities copied out into a {@code float[2]}, result and tensor closed.
 *       What any caller of onnxruntime pays for one row.
 *   <li>{@code rawRunFromMap} (baseline): the same, with the 20 values taken from the request map
 *       by column name (one {@code get} per column, no checks): what a caller holding a map pays,
 *       so the fair measure of the service's own cost.
 *   <li>{@code modelPredict} (diagnostic): the registry-loaded ONNX model's {@code
 *       predict(Example)} on a prebuilt {@code ArrayExample}: the model layer without the service.
 *   <li>{@code servicePredict}: {@code service.predict(map)}: validation against the signature,
 *       encoding into an example, lease on the version, the tensor, the run, the label and score
 *       map, prediction id, latency.
 * </ul>
 *
 * <p>Target: service p50 - {@code rawRun} p50 &lt;= 2 us and service p99 - {@code rawRun} p99 &lt;=
 * 10 us.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * OnnxOverheadBenchmark -f 1 -i 8}. SampleTime gives the percentiles.
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
public class OnnxOverheadBenchmark {
  static final int ROWS = 1024;
  private static final long[] SHAPE = {1, LogisticFixture.FEATURES};

  Path dir;
  ModelRegistry registry;
  InferenceService service;
  Model<Label> onnxModel;
  OrtEnvironment env;
  OrtSession.SessionOptions options;
  OrtSession session;
  String input;
  String[] columns;
  int classes;
  List<Map<String, Object>> requests;
  double[][] rows;
  ArrayExample<Label>[] examples;
  int next;

  @Setup(Level.Trial)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void setUp() throws Exception {
    dir = BenchmarkSupport.tempDir("onnx-serving");
    OnnxLogistic onnx = OnnxLogistic.train(5_000, 7, dir.resolve("churn.onnx"));
    columns = onnx.columns();
    classes = onnx.labels().length;
    registry = ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build();
    ModelVersion v = registry.register("churn", onnx.artifact(), null);
    registry.setAlias("churn", "champion", v.version());
    service =
        InferenceService.builder().registry(registry).model("churn").alias("champion").build();
    onnxModel = registry.loadTribuo(v, Label.class);

    env = OrtEnvironment.getEnvironment();
    options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setCPUArenaAllocator(true);
    session = env.createSession(Files.readAllBytes(onnx.file()), options);
    input = session.getInputNames().iterator().next();

    SplittableRandom random = new SplittableRandom(11);
    requests = new ArrayList<>(ROWS);
    rows = new double[ROWS][];
    examples = new ArrayExample[ROWS];
    for (int i = 0; i < ROWS; i++) {
      double[] x = LogisticFixture.row(random);
      requests.add(LogisticFixture.request(x));
      rows[i] = onnx.inColumnOrder(x);
      examples[i] = LogisticFixture.unlabelled(x);
    }
    // the service, the model and the raw session must agree, or the comparison is meaningless
    String[] labels = onnx.labels();
    for (int i = 0; i < ROWS; i++) {
      float[] raw = rawRun(i);
      Prediction p = service.predict(requests.get(i));
      org.tribuo.Prediction<Label> m = onnxModel.predict(examples[i]);
      for (int j = 0; j < classes; j++) {
        double viaMap = rawRunFromMap(i)[j];
        double model = m.getOutputScores().get(labels[j]).getScore();
        if (Math.abs(p.score(labels[j]) - raw[j]) > 1e-6
            || viaMap != raw[j]
            || Math.abs(model - raw[j]) > 1e-6
            || p.version() != v.version()) {
          throw new IllegalStateException(
              "Row " + i + ": service says " + p + ", model " + m + ", raw run " + raw[j]);
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    service.close();
    ((AutoCloseable) onnxModel).close();
    session.close();
    options.close();
    registry.close();
    BenchmarkSupport.deleteRecursively(dir);
  }

  private int nextRow() {
    int i = next;
    next = (i + 1) & (ROWS - 1);
    return i;
  }

  private float[] rawRun(int row) throws OrtException {
    double[] x = rows[row];
    float[] data = new float[x.length];
    for (int c = 0; c < x.length; c++) {
      data[c] = (float) x[c];
    }
    return run(data);
  }

  private float[] rawRunFromMap(int row) throws OrtException {
    Map<String, Object> request = requests.get(row);
    float[] data = new float[columns.length];
    for (int c = 0; c < columns.length; c++) {
      data[c] = (float) ((Number) request.get(columns[c])).doubleValue();
    }
    return run(data);
  }

  private float[] run(float[] data) throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), SHAPE);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      float[] probabilities = new float[classes];
      ((OnnxTensor) result.get(0)).getFloatBuffer().get(probabilities);
      return probabilities;
    }
  }

  @Benchmark
  public float[] rawRun() throws OrtException {
    return rawRun(nextRow());
  }

  @Benchmark
  public float[] rawRunFromMap() throws OrtException {
    return rawRunFromMap(nextRow());
  }

  @Benchmark
  public org.tribuo.Prediction<Label> modelPredict() {
    return onnxModel.predict(examples[nextRow()]);
  }

  @Benchmark
  public Prediction servicePredict() {
    return service.predict(requests.get(nextRow()));
  }
}
