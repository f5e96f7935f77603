package io.github.mlops4j.benchmarks;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.openjdk.jmh.infra.Blackhole;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * Online overhead of {@link InferenceService#predict(Map)} over Tribuo's own {@code
 * Model.predict(Example)} of the same logistic regression ({@value LogisticFixture#FEATURES}
 * features), each measured beside its baselines in the same run.
 *
 * <p>Setup: a logistic regression trained on 5,000 rows ({@link LogisticFixture}) is registered in
 * an embedded workspace (its signature recorded by the registry) under alias {@code champion}; the
 * services follow that alias with the default validation ({@code REJECT}), no routing, no listener.
 * Every benchmark cycles through the same 1,024 rows, given as request maps ({@code HashMap<String,
 * Object>} of 20 boxed doubles) or as prebuilt examples.
 *
 * <ul>
 *   <li>{@code rawPredict} (baseline): {@code model.predict(example)} on a prebuilt {@code
 *       ArrayExample}.
 *   <li>{@code rawPredictTwice} (control): two {@code model.predict} calls per call, as long as the
 *       service's call: what the machine adds to the tail of a call of that length.
 *   <li>{@code rawPredictFromMap} (baseline): the same map turned into an {@code ArrayExample} by
 *       hand (one pass over the entries, no checks), then {@code model.predict}: what any caller
 *       holding a map must pay, so the fair measure of the service's own cost.
 *   <li>{@code servicePredict}: {@code service.predict(map)}: validation against the signature,
 *       encoding, lease on the version, prediction, output and score map, prediction id, latency.
 *   <li>{@code servicePredictWithMetrics}: the same with a Micrometer {@code SimpleMeterRegistry}
 *       (one timer record per call).
 * </ul>
 *
 * <p>Target: service p50 - raw p50 &lt;= 0.3 us and service p99 - raw p99 &lt;= 1 us, with and
 * without Micrometer, reported as a ratio as well.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * ServingOverheadBenchmark -f 1}. SampleTime gives the percentiles.
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
public class ServingOverheadBenchmark {
  static final int ROWS = 1024;

  Path dir;
  ModelRegistry registry;
  Model<Label> model;
  InferenceService service;
  InferenceService metered;
  List<Map<String, Object>> requests;
  ArrayExample<Label>[] examples;
  int next;

  @Setup(Level.Trial)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void setUp() {
    dir = BenchmarkSupport.tempDir("serving");
    registry = ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build();
    model = LogisticFixture.train(5_000, 7);
    registry.register("churn", model, null);
    registry.setAlias("churn", "champion", 1);
    service =
        InferenceService.builder().registry(registry).model("churn").alias("champion").build();
    metered =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .alias("champion")
            .meters(MicrometerServingMeters.of(new SimpleMeterRegistry()))
            .build();
    SplittableRandom random = new SplittableRandom(11);
    requests = new ArrayList<>(ROWS);
    examples = new ArrayExample[ROWS];
    for (int i = 0; i < ROWS; i++) {
      double[] x = LogisticFixture.row(random);
      requests.add(LogisticFixture.request(x));
      examples[i] = LogisticFixture.unlabelled(x);
    }
    // the service and the raw model must agree, or the comparison is meaningless
    for (int i = 0; i < ROWS; i++) {
      Prediction p = service.predict(requests.get(i));
      String raw = model.predict(examples[i]).getOutput().getLabel();
      if (!p.output().equals(raw) || p.version() != 1) {
        throw new IllegalStateException("Row " + i + ": service says " + p + ", model " + raw);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    service.close();
    metered.close();
    registry.close();
    BenchmarkSupport.deleteRecursively(dir);
  }

  private int nextRow() {
    int i = next;
    next = (i + 1) & (ROWS - 1);
    return i;
  }

  @Benchmark
  public org.tribuo.Prediction<Label> rawPredict() {
    return model.predict(examples[nextRow()]);
  }

  /**
   * Control for the percentiles' tails: two raw predictions per call (of consecutive rows), about
   * as long as the service's call and all of it Tribuo's code. Slow samples caused by the machine
   * (interrupts, a neighbour on the host) fall into a call in proportion to its length, so this
   * call's p99 minus {@code rawPredict}'s shows what the machine alone adds to the tail of a call
   * of the service's length.
   */
  @Benchmark
  public org.tribuo.Prediction<Label> rawPredictTwice(Blackhole blackhole) {
    blackhole.consume(model.predict(examples[nextRow()]));
    return model.predict(examples[nextRow()]);
  }

  @Benchmark
  public org.tribuo.Prediction<Label> rawPredictFromMap() {
    Map<String, Object> request = requests.get(nextRow());
    String[] names = new String[request.size()];
    double[] values = new double[request.size()];
    int j = 0;
    for (Map.Entry<String, Object> e : request.entrySet()) {
      names[j] = e.getKey();
      values[j++] = ((Number) e.getValue()).doubleValue();
    }
    return model.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, values));
  }

  @Benchmark
  public Prediction servicePredict() {
    return service.predict(requests.get(nextRow()));
  }

  @Benchmark
  public Prediction servicePredictWithMetrics() {
    return metered.predict(requests.get(nextRow()));
  }
}
