package io.github.mlops4j.benchmarks;

import io.github.mlops4j.monitoring.stats.Distances;
import io.github.mlops4j.monitoring.stats.StatTests;
import io.github.mlops4j.monitoring.stats.TestResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The sample statistics of {@code stats} on the very data files that scipy is timed on, so that the
 * two can be compared in one run: {@code mlops-benchmarks/scripts/stats-vs-scipy.sh} writes the
 * files (numpy, seeded), times scipy 1.17 on them, runs this class, and prints the ratios.
 *
 * <p>Data ({@code dataDir}, raw little-endian float64): {@code ks_ref.f64} N(0, 1) and {@code
 * ks_cur.f64} N(0.01, 1), 1,000,000 values each, for {@link StatTests#ks(double[], double[])}
 * (exact statistic, asymptotic p-value as scipy's {@code ks_2samp} chooses for n &gt; 10,000),
 * {@link Distances#wasserstein} and {@link Distances#energy}; {@code cvm_ref.f64} and {@code
 * cvm_cur.f64}, 100,000 values each, for {@link StatTests#cramerVonMises(double[], double[])}.
 *
 * <p>Breakdown and baselines in the same run: {@code ksPValueOnly} is the p-value step alone
 * ({@link StatTests#ksAsymptoticPValue} on the D of this data, N = 500,000); {@code
 * baselineSortBoth} and {@code baselineSortBothCvm} copy and {@code Arrays.sort} both samples, the
 * work the previous implementation spent most of its time on.
 *
 * <p>Run (from the repository root, after building the jar):
 *
 * <pre>
 * mlops-benchmarks/scripts/stats-vs-scipy.sh            # three runs, scipy and JMH, ratios
 * java -jar mlops-benchmarks/target/benchmarks.jar StatsVsScipyBenchmark -p dataDir=/tmp/mlops4j-stats -f 1 -wi 3 -i 5
 * </pre>
 *
 * One thread, average time in ms, 1 GiB heap.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class StatsVsScipyBenchmark {

  @Param("/tmp/mlops4j-stats")
  public String dataDir;

  double[] ksRef;
  double[] ksCur;
  double[] cvmRef;
  double[] cvmCur;
  double ksStatistic;

  @Setup
  public void load() throws IOException {
    Path dir = Path.of(dataDir);
    ksRef = read(dir.resolve("ks_ref.f64"));
    ksCur = read(dir.resolve("ks_cur.f64"));
    cvmRef = read(dir.resolve("cvm_ref.f64"));
    cvmCur = read(dir.resolve("cvm_cur.f64"));
    ksStatistic = StatTests.ks(ksRef, ksCur).statistic();
  }

  static double[] read(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    double[] values = new double[bytes.remaining() / Double.BYTES];
    bytes.asDoubleBuffer().get(values);
    return values;
  }

  @Benchmark
  public TestResult ks() {
    return StatTests.ks(ksRef, ksCur);
  }

  @Benchmark
  public double ksPValueOnly() {
    return StatTests.ksAsymptoticPValue(ksStatistic, ksRef.length, ksCur.length);
  }

  @Benchmark
  public double wasserstein() {
    return Distances.wasserstein(ksRef, ksCur);
  }

  @Benchmark
  public double energy() {
    return Distances.energy(ksRef, ksCur);
  }

  @Benchmark
  public TestResult cramerVonMises() {
    return StatTests.cramerVonMises(cvmRef, cvmCur);
  }

  @Benchmark
  public void baselineSortBoth(Blackhole bh) {
    sortBoth(ksRef, ksCur, bh);
  }

  @Benchmark
  public void baselineSortBothCvm(Blackhole bh) {
    sortBoth(cvmRef, cvmCur, bh);
  }

  private static void sortBoth(double[] a, double[] b, Blackhole bh) {
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    bh.consume(x);
    bh.consume(y);
  }
}
