package io.github.mlops4j.benchmarks;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
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
 * The delayed-label store on the prediction path: the latency of one {@link
 * Monitor#recordPrediction(String, double)} (SampleTime: read the p0.99 line), beside two baselines
 * that keep the same predictions in the same run.
 *
 * <p>Setup: a monitor of a binary classifier with the default pending store (at most {@value
 * #PENDING} predictions, a day's time to live, oldest dropped first). Calls cycle through {@value
 * #IDS} distinct pre-built ids ({@code request-0}, {@code request-1}, ...), so every call records a
 * new id and, once the store is full, evicts the oldest: the store's steady state under sustained
 * traffic whose labels never come.
 *
 * <ul>
 *   <li>{@code recordPrediction}: the monitor's call;
 *   <li>{@code recordPredictionAndLabel}: the call, plus the label of the prediction recorded
 *       {@value #LABEL_LAG} calls before (a pending hit, joined into the open window's
 *       performance);
 *   <li>baseline {@code concurrentHashMap}: a bounded store written by hand: {@code
 *       ConcurrentHashMap.put(id, score)} and {@code remove} of the id put {@value #PENDING} calls
 *       before;
 *   <li>baseline {@code ringArrays}: the id and score written into two pre-allocated arrays of
 *       {@value #PENDING} slots (no lookup at all), the least that keeping them can cost.
 * </ul>
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * RecordPredictionBenchmark -f 1 -prof gc}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class RecordPredictionBenchmark {
  static final int PENDING = 100_000;
  static final int IDS = 1 << 20;
  static final int LABEL_LAG = 50_000;

  private final String[] ids = new String[IDS];
  private final double[] scores = new double[4096];
  private Monitor monitor;
  private ConcurrentHashMap<String, Double> map;
  private String[] ringIds;
  private double[] ringScores;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    monitor =
        Monitor.builder()
            .model("bench")
            .schema(ProfileSchema.builder().numeric("f0").build())
            .rollingReference()
            .window(WindowSpec.rows(10_000))
            .predictions(PredictionTask.BINARY_CLASSIFICATION)
            .build();
    map = new ConcurrentHashMap<>(2 * PENDING);
    ringIds = new String[PENDING];
    ringScores = new double[PENDING];
    for (int i = 0; i < IDS; i++) {
      ids[i] = "request-" + i;
    }
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < scores.length; i++) {
      scores[i] = r.nextDouble();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println();
    System.out.println("monitor stats: " + monitor.stats());
    monitor.close();
  }

  private int nextCall() {
    int i = next;
    next = i + 1;
    return i;
  }

  @Benchmark
  public void recordPrediction() {
    int i = nextCall();
    monitor.recordPrediction(ids[i & (IDS - 1)], scores[i & 4095]);
  }

  @Benchmark
  public boolean recordPredictionAndLabel() {
    int i = nextCall();
    monitor.recordPrediction(ids[i & (IDS - 1)], scores[i & 4095]);
    return monitor.recordLabel(ids[(i - LABEL_LAG) & (IDS - 1)], (i & 1) == 0);
  }

  @Benchmark
  public Double concurrentHashMap() {
    int i = nextCall();
    map.put(ids[i & (IDS - 1)], scores[i & 4095]);
    return map.remove(ids[(i - PENDING) & (IDS - 1)]);
  }

  @Benchmark
  public String[] ringArrays() {
    int i = nextCall();
    int slot = Integer.remainderUnsigned(i, PENDING);
    ringIds[slot] = ids[i & (IDS - 1)];
    ringScores[slot] = scores[i & 4095];
    return ringIds;
  }
}
