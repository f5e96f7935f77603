package io.github.mlops4j.benchmarks;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Profile update throughput on one thread: rows of {@value #FEATURES} numeric features (standard
 * normal, 1 % NaN) added to a {@link ProfileAccumulator} at the default KLL k = 200. The score is
 * rows per second; each invocation adds the same {@value #ROWS} pre-generated rows.
 *
 * <p>Baselines in the same run, on the same values:
 *
 * <ul>
 *   <li>{@code rawKll}: one {@code KllDoublesSketch} (k = 200) per feature and nothing else: the
 *       floor for a profile that keeps a quantile sketch (KLL skips NaN itself);
 *   <li>{@code plainSum}: a loop summing the finite values, the floor for touching the data at all.
 * </ul>
 *
 * {@code profileBatched} adds the same rows through {@link ProfileAccumulator#updateRows}, the path
 * the monitor uses for its row buffers; {@code profileColumns} through {@link
 * ProfileAccumulator#updateColumns}, held column by column as a columnar reader gives them (the
 * path of {@code SparkProfiles} on Parquet).
 *
 * <p>Sketches start empty at every iteration, as a monitor's window profiles do, so an iteration
 * profiles a few hundred thousand rows per feature. {@code main} prints the serialized size of a
 * 50-feature profile of 10<sup>6</sup> rows.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar ProfileUpdateBenchmark -f 1
 * java -cp mlops-benchmarks/target/benchmarks.jar io.github.mlops4j.benchmarks.ProfileUpdateBenchmark
 * </pre>
 *
 * Defaults: Throughput, 3 x 2 s warm-up, 5 x 2 s measurement.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ProfileUpdateBenchmark.ROWS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ProfileUpdateBenchmark {
  static final int FEATURES = 50;
  static final int ROWS = 1024;

  private final double[][] rows = rows(42, ROWS);
  private final double[] flat = flatten(rows);
  private final double[][] columns = transpose(rows);
  private final String[] noCategories = new String[0];
  private ProfileAccumulator accumulator;
  private KllDoublesSketch[] sketches;

  static ProfileSchema schema() {
    ProfileSchema.Builder b = ProfileSchema.builder();
    for (int i = 0; i < FEATURES; i++) {
      b.numeric("f" + i);
    }
    return b.build();
  }

  static double[][] rows(long seed, int n) {
    return rows(seed, n, FEATURES);
  }

  /** Seeded rows of standard normal values, 1 % NaN (missing). */
  static double[][] rows(long seed, int n, int features) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] out = new double[n][features];
    for (double[] row : out) {
      for (int j = 0; j < features; j++) {
        double u = 1 - r.nextDouble();
        double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
        row[j] = r.nextInt(100) == 0 ? Double.NaN : g;
      }
    }
    return out;
  }

  @Setup(Level.Iteration)
  public void setUp() {
    accumulator = ProfileAccumulator.create(schema());
    sketches = new KllDoublesSketch[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      sketches[j] = KllDoublesSketch.newHeapInstance(200);
    }
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    if (accumulator.rows() == 0 && sketches[0].getN() == 0 && rows.length < 0) {
      throw new IllegalStateException("unreachable; keeps the state observable");
    }
  }

  @Benchmark
  public long profile() {
    ProfileAccumulator acc = accumulator;
    for (double[] row : rows) {
      acc.update(row);
    }
    return acc.rows();
  }

  /** The same rows through {@code updateRows}, as the monitor hands over its row buffers. */
  @Benchmark
  public long profileBatched() {
    accumulator.updateRows(flat, noCategories, ROWS);
    return accumulator.rows();
  }

  /** The same rows column by column, as a columnar reader hands them over. */
  @Benchmark
  public long profileColumns() {
    accumulator.updateColumns(columns, null, ROWS);
    return accumulator.rows();
  }

  private static double[][] transpose(double[][] rows) {
    double[][] out = new double[FEATURES][rows.length];
    for (int r = 0; r < rows.length; r++) {
      for (int j = 0; j < FEATURES; j++) {
        out[j][r] = rows[r][j];
      }
    }
    return out;
  }

  private static double[] flatten(double[][] rows) {
    double[] out = new double[rows.length * FEATURES];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * FEATURES, FEATURES);
    }
    return out;
  }

  @Benchmark
  public long rawKll() {
    KllDoublesSketch[] s = sketches;
    for (double[] row : rows) {
      for (int j = 0; j < FEATURES; j++) {
        s[j].update(row[j]);
      }
    }
    return s[0].getN();
  }

  @Benchmark
  public double plainSum() {
    double sum = 0;
    for (double[] row : rows) {
      for (int j = 0; j < FEATURES; j++) {
        double v = row[j];
        if (Double.isFinite(v)) {
          sum += v;
        }
      }
    }
    return sum;
  }

  /** Prints the serialized size of a profile of 10^6 rows x 50 numeric features. */
  public static void main(String[] args) {
    ProfileAccumulator acc = ProfileAccumulator.create(schema());
    double[][] data = rows(7, 4096);
    SplittableRandom r = new SplittableRandom(8);
    double[] row = new double[FEATURES];
    for (int i = 0; i < 1_000_000; i++) {
      double[] base = data[i & 4095];
      for (int j = 0; j < FEATURES; j++) {
        row[j] = base[j] + 1e-3 * r.nextDouble(); // keep values distinct
      }
      acc.update(row);
    }
    Profile p = acc.take();
    int bytes = p.toBytes().length;
    System.out.printf(
        "profile of 10^6 rows x %d numeric features, k=%d: %d bytes JSON,"
            + " %.0f bytes per column (retained values per column: %d)%n",
        FEATURES,
        p.schema().kllK(),
        bytes,
        (double) bytes / FEATURES,
        p.column("f0").retainedValues());
  }
}
