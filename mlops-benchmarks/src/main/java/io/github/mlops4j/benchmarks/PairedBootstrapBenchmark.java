package io.github.mlops4j.benchmarks;

import io.github.mlops4j.registry.validation.Evaluation;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.ModelEvaluator;
import io.github.mlops4j.registry.validation.Rule;
import io.github.mlops4j.registry.validation.ValidationGate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * A validation gate whose one rule needs the paired bootstrap: {@code require(metric,
 * notWorseThanChampionBy(0.01))} with {@value #RESAMPLES} resamples on {@code rows} rows, beside
 * the resampling alone in the same run.
 *
 * <p>Setup: two logistic regressions ({@value LogisticFixture#FEATURES} features) trained on
 * different 5,000-row samples (candidate and champion); a holdout of {@code rows} (default 100,000)
 * other rows; both evaluated once in setup, so each operation is {@code
 * gate.evaluate(candidateEvaluation, championEvaluation)}: {@value #RESAMPLES} resamples, each
 * drawing {@code rows} row indices with replacement and computing the metric of both models on
 * them. {@code metric} is {@code macro_f1} (a weighted confusion matrix per model and resample) or
 * {@code auc:yes} (a weighted pass over the rows sorted by score per model and resample).
 *
 * <ul>
 *   <li>{@code gateTwoThreads}: the gate with {@code executor(pool of 2 threads, 2)}.
 *   <li>{@code gateDefaultExecutor}: the gate with its defaults (the common fork-join pool,
 *       parallelism = available processors).
 *   <li>{@code gateOneThread}: {@code executor(Runnable::run, 1)}, on the calling thread.
 *   <li>{@code baselineDrawsTwoThreads}: only the draws of the same resamples (for each resample, a
 *       {@code SplittableRandom} and {@code rows} increments of a count array), on the same 2
 *       threads: the least a bootstrap of this size must do.
 * </ul>
 *
 * <p>Target: &lt;= 2 s on 2 cores.
 *
 * <p>Run (from the repository root): {@code java -jar mlops-benchmarks/target/benchmarks.jar
 * PairedBootstrapBenchmark -f 1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class PairedBootstrapBenchmark {
  static final int RESAMPLES = 1000;

  @Param("100000")
  int rows;

  @Param({"macro_f1", "auc:yes"})
  String metric;

  ExecutorService pool;
  Evaluation candidate;
  Evaluation champion;
  ValidationGate twoThreads;
  ValidationGate defaults;
  ValidationGate oneThread;

  @Setup(Level.Trial)
  public void setUp() {
    Model<Label> cand = LogisticFixture.train(5_000, 8);
    Model<Label> champ = LogisticFixture.train(5_000, 7);
    MutableDataset<Label> data = LogisticFixture.dataset(rows, 31);
    Holdout<Label> holdout = Holdout.builder(data).build();
    candidate = ModelEvaluator.evaluate(cand, holdout);
    champion = ModelEvaluator.evaluate(champ, holdout);
    pool = Executors.newFixedThreadPool(2);
    twoThreads = gate().executor(pool, 2).build();
    defaults = gate().build();
    oneThread = gate().executor(Runnable::run, 1).build();
  }

  private ValidationGate.Builder gate() {
    return ValidationGate.builder()
        .require(metric, Rule.notWorseThanChampionBy(0.01))
        .bootstrapResamples(RESAMPLES)
        .seed(1);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdownNow();
  }

  @Benchmark
  public GateResult gateTwoThreads() {
    return twoThreads.evaluate(candidate, champion);
  }

  @Benchmark
  public GateResult gateDefaultExecutor() {
    return defaults.evaluate(candidate, champion);
  }

  @Benchmark
  public GateResult gateOneThread() {
    return oneThread.evaluate(candidate, champion);
  }

  @Benchmark
  public long baselineDrawsTwoThreads() throws Exception {
    long[] seeds = new long[RESAMPLES];
    SplittableRandom master = new SplittableRandom(1);
    for (int r = 0; r < RESAMPLES; r++) {
      seeds[r] = master.nextLong();
    }
    int n = rows;
    List<Future<Long>> parts = new ArrayList<>(2);
    for (int ch = 0; ch < 2; ch++) {
      int from = RESAMPLES * ch / 2;
      int to = RESAMPLES * (ch + 1) / 2;
      parts.add(
          pool.submit(
              () -> {
                int[] w = new int[n];
                long check = 0;
                for (int r = from; r < to; r++) {
                  Arrays.fill(w, 0);
                  SplittableRandom random = new SplittableRandom(seeds[r]);
                  for (int j = 0; j < n; j++) {
                    w[random.nextInt(n)]++;
                  }
                  check += w[r % n];
                }
                return check;
              }));
    }
    long sum = 0;
    for (Future<Long> f : parts) {
      sum += f.get();
    }
    return sum;
  }
}
