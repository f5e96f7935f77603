package io.github.mlops4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.github.mlops4j.onnx.OnnxArtifact;
import io.github.mlops4j.onnx.OnnxLoader;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
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
 * Batch scoring of a CSV file with {@link BatchJob} over an ONNX model, beside a hand-written loop
 * that parses the same CSV and calls {@code OrtSession.run} on chunks of the same size, in the same
 * run.
 *
 * <p>Setup: the ONNX graph of a scikit-learn 1.2.1 {@code LogisticRegression} on 4 features (the
 * fixture {@code classifier.onnx} of mlops-onnx's tests, made by its {@code make_fixtures.py},
 * copied here as {@code onnx/batch_classifier.onnx}; one input {@code float_input} [N, 4], outputs
 * {@code label} and {@code probabilities}); a CSV file of {@code rows} rows (default 200,000) with
 * a header and the columns {@code tenure, age, spend, visits} (standard normal, 4 decimals); the
 * model registered in an embedded workspace with mlops-onnx's default {@link OnnxLoader} (one
 * intra-op thread, all graph optimizations) and a service pinned to version 1. One operation scores
 * all rows; scores are seconds per operation, rows/s = rows / score.
 *
 * <ul>
 *   <li>{@code batchJobOneWorker}: {@code BatchJob} with {@code parallelism(1)} and {@code
 *       chunkSize(chunk)} (default 1,000, the job's default): one {@code OrtSession.run} per chunk;
 *       writes {@code prediction_id, model_version, output, score_no, score_yes} per row.
 *   <li>{@code batchJob}: the same with the default parallelism (one worker per core).
 *   <li>{@code baselineHandLoop}: one thread reads the file with Jackson's {@code CsvMapper} (the
 *       library the job uses), parses the 4 values of each row into a float array of {@code chunk}
 *       rows, calls {@code OrtSession.run} once per {@code chunk} rows on a session with the same
 *       options, and writes the model's whole output, {@code label,score_no,score_yes}, per row
 *       through a buffered writer (the job writes the same three columns, plus the prediction id
 *       and model version it adds to every row). This is the rate the target multiplies.
 *   <li>{@code baselineHandLoopRowByRow}: the same loop with one {@code OrtSession.run} per row:
 *       what a job that predicts row by row pays in native calls alone.
 * </ul>
 *
 * <p>Target: {@code batchJobOneWorker} rows/s &gt;= 0.7 x {@code baselineHandLoop} rows/s.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * OnnxBatchScoringBenchmark -f 1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class OnnxBatchScoringBenchmark {
  static final String[] COLUMNS = {"tenure", "age", "spend", "visits"};

  @Param("200000")
  int rows;

  @Param("1000")
  int chunk;

  Path dir;
  Path model;
  Path input;
  Path output;
  Path handOutput;
  ModelRegistry registry;
  InferenceService service;
  OrtEnvironment env;
  OrtSession session;

  @Setup(Level.Trial)
  public void setUp() throws IOException, OrtException {
    dir = BenchmarkSupport.tempDir("onnx-batch");
    model = dir.resolve("classifier.onnx");
    try (InputStream in =
        OnnxBatchScoringBenchmark.class.getResourceAsStream("onnx/batch_classifier.onnx")) {
      if (in == null) {
        throw new IllegalStateException("missing resource onnx/batch_classifier.onnx");
      }
      Files.copy(in, model);
    }
    input = dir.resolve("rows.csv");
    output = dir.resolve("scores.csv");
    handOutput = dir.resolve("hand.csv");
    SplittableRandom random = new SplittableRandom(11);
    try (Writer w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      w.write(String.join(",", COLUMNS));
      w.write('\n');
      StringBuilder line = new StringBuilder(64);
      for (int r = 0; r < rows; r++) {
        line.setLength(0);
        for (int f = 0; f < COLUMNS.length; f++) {
          if (f > 0) {
            line.append(',');
          }
          line.append(Math.round(gaussian(random) * 10_000) / 10_000.0);
        }
        line.append('\n');
        w.append(line);
      }
    }
    registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(new OnnxLoader())
            .build();
    registry.register(
        "churn",
        OnnxArtifact.of(model).columns(COLUMNS).classification("no", "yes").toArtifact(),
        null);
    service = InferenceService.builder().registry(registry).model("churn").version(1).build();
    env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    session = env.createSession(model.toString(), options);
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Setup(Level.Invocation)
  public void clean() throws IOException {
    for (Path p : new Path[] {output, handOutput, dir.resolve("scores.rejects.csv")}) {
      Files.deleteIfExists(p);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    session.close();
    service.close();
    registry.close();
    BenchmarkSupport.deleteRecursively(dir);
  }

  private BatchResult runJob(int parallelism) {
    BatchResult r =
        BatchJob.builder()
            .service(service)
            .input(input)
            .output(output)
            .parallelism(parallelism)
            .chunkSize(chunk)
            .build()
            .run();
    if (r.rowsScored() != rows || r.rowsRejected() != 0) {
      throw new IllegalStateException("Expected " + rows + " scored rows, got " + r);
    }
    return r;
  }

  @Benchmark
  public BatchResult batchJobOneWorker() {
    return runJob(1);
  }

  @Benchmark
  public BatchResult batchJob() {
    return runJob(Runtime.getRuntime().availableProcessors());
  }

  @Benchmark
  public long baselineHandLoop() throws IOException, OrtException {
    return handLoop(chunk);
  }

  @Benchmark
  public long baselineHandLoopRowByRow() throws IOException, OrtException {
    return handLoop(1);
  }

  /** Parses the CSV, runs the session on {@code batch} rows at a time, writes label and scores. */
  private long handLoop(int batch) throws IOException, OrtException {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    int width = COLUMNS.length;
    float[] data = new float[batch * width];
    long n = 0;
    try (MappingIterator<String[]> it =
            mapper.readerFor(String[].class).readValues(input.toFile());
        BufferedWriter out = Files.newBufferedWriter(handOutput, StandardCharsets.UTF_8)) {
      it.next(); // header
      out.write("output,score_no,score_yes\n");
      int filled = 0;
      while (it.hasNext()) {
        String[] cells = it.next();
        for (int f = 0; f < width; f++) {
          data[filled * width + f] = (float) Double.parseDouble(cells[f]);
        }
        if (++filled == batch) {
          n += run(data, filled, out);
          filled = 0;
        }
      }
      if (filled > 0) {
        n += run(data, filled, out);
      }
    }
    if (n != rows) {
      throw new IllegalStateException("Scored " + n + " rows, expected " + rows);
    }
    return n;
  }

  private int run(float[] data, int count, Writer out) throws OrtException, IOException {
    int width = COLUMNS.length;
    try (OnnxTensor t =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(data, 0, count * width), new long[] {count, width});
        OrtSession.Result result =
            session.run(Map.of("float_input", t), Set.of("label", "probabilities"))) {
      java.nio.LongBuffer labels = ((OnnxTensor) result.get("label").orElseThrow()).getLongBuffer();
      FloatBuffer p = ((OnnxTensor) result.get("probabilities").orElseThrow()).getFloatBuffer();
      for (int i = 0; i < count; i++) {
        out.write(labels.get(i) == 1 ? "yes" : "no");
        out.write(',');
        out.write(Float.toString(p.get(i * 2)));
        out.write(',');
        out.write(Float.toString(p.get(i * 2 + 1)));
        out.write('\n');
      }
    }
    return count;
  }
}
