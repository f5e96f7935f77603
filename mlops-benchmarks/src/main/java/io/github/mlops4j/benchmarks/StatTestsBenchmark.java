package io.github.mlops4j.benchmarks;

import io.github.mlops4j.monitoring.stats.StatTests;
import io.github.mlops4j.monitoring.stats.TestResult;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Two-sample Kolmogorov-Smirnov test with the exact statistic D on 1,000,000 against 1,000,000
 * doubles ({@link StatTests#ks(double[], double[])}: copies and sorts both samples, one linear
 * merge for D, asymptotic p-value since n &gt; 10,000), on one thread.
 *
 * <p>Baselines in the same run, on the same arrays:
 *
 * <ul>
 *   <li>{@code baselineSortBothTwice}: copy and {@code Arrays.sort} both arrays, twice: the target
 *       is that the test costs no more than this.
 *   <li>{@code baselineSortBothOnce}: copy and sort both arrays once, the least any exact
 *       two-sample statistic on unsorted input has to do.
 * </ul>
 *
 * <p>And one breakdown: {@code partPValueOnly} is the asymptotic p-value step alone, done the way
 * {@code StatTests} does it (Commons Statistics' one-sample KS test on the grid 0 … N−1 with the
 * CDF t ↦ min(1, t/N + D), N = round(n·m/(n+m)) = 500,000, which returns {@code kstwo.sf(D, N)}).
 *
 * <p>Data: reference N(0, 1), current N(0.01, 1), seeded, generated once per trial (the sorts work
 * on copies, so every invocation sees unsorted input).
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar StatTestsBenchmark -f 1
 * </pre>
 *
 * Defaults: average time in ms, 3 x 2 s warm-up, 5 x 2 s measurement, 1 GiB heap.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class StatTestsBenchmark {
  static final int N = 1_000_000;
  static final long SEED = 20_240_601L;

  double[] reference;
  double[] current;
  double statistic;
  double[] grid;

  @Setup
  public void generate() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    reference = gaussians(rnd, N, 0);
    current = gaussians(rnd, N, 0.01);
    statistic = StatTests.ks(reference, current).statistic();
    int effectiveN = N / 2; // n·m/(n+m) for n = m = N
    grid = new double[effectiveN];
    for (int i = 0; i < effectiveN; i++) {
      grid[i] = i;
    }
  }

  static double[] gaussians(SplittableRandom rnd, int n, double mean) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] =
          mean
              + Math.sqrt(-2 * Math.log(1 - rnd.nextDouble()))
                  * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
    return v;
  }

  @Benchmark
  public TestResult ks() {
    return StatTests.ks(reference, current);
  }

  @Benchmark
  public double partPValueOnly() {
    final double n = grid.length;
    final double d = statistic;
    return KolmogorovSmirnovTest.withDefaults()
        .test(grid, t -> Math.min(1.0, t / n + d))
        .getPValue();
  }

  @Benchmark
  public void baselineSortBothTwice(Blackhole bh) {
    for (int round = 0; round < 2; round++) {
      double[] a = reference.clone();
      double[] b = current.clone();
      Arrays.sort(a);
      Arrays.sort(b);
      bh.consume(a);
      bh.consume(b);
    }
  }

  @Benchmark
  public void baselineSortBothOnce(Blackhole bh) {
    double[] a = reference.clone();
    double[] b = current.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    bh.consume(a);
    bh.consume(b);
  }
}
