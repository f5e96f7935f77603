package io.github.mlops4j.benchmarks;

import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.DriftPreset;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.drift.Frame;
import io.github.mlops4j.monitoring.stats.Distances;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * One drift comparison of a 50-column window of 10,000 rows against a prepared {@link
 * DriftDetector} ({@code compare}): 40 numeric columns (normal, 1 % NaN, every fourth one shifted
 * by 0.3 sd) and 10 categorical columns (20 categories, skewed shares, 1 % null, every fifth one
 * with a new category), against a reference of 100,000 rows. The detector is built once per trial,
 * outside the measurement. Both presets: {@code EVIDENTLY} (reference &gt; 1000 rows, so normed
 * Wasserstein and Jensen-Shannon) and {@code PRODUCTION} (PSI on reference deciles). The report
 * includes the data checks and the 20-bin histograms.
 *
 * <p>Baselines in the same run, on the same data:
 *
 * <ul>
 *   <li>{@code baselineRawStats}: the same Evidently statistics written by hand against the
 *       statistics package, as a caller without the detector would: per numeric column drop the
 *       NaN, {@link Distances#wasserstein} against the reference column (already sorted) divided by
 *       a precomputed standard deviation; per categorical column count the window's categories in a
 *       {@code HashMap} next to precomputed reference counts and call {@link
 *       Distances#jensenShannon}. No data checks, no histograms, no report.
 *   <li>{@code baselineSortWindow}: copy and sort the 40 numeric columns of the window, the least
 *       an exact (non-sketch) comparison of numeric columns has to do.
 * </ul>
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * java -jar mlops-benchmarks/target/benchmarks.jar DriftBenchmark -f 1
 * </pre>
 *
 * Defaults: average time in ms per window, 3 x 2 s warm-up, 5 x 2 s measurement.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class DriftBenchmark {
  static final int REFERENCE_ROWS = 100_000;
  static final int WINDOW_ROWS = 10_000;
  static final int NUMERIC = 40;
  static final int CATEGORICAL = 10;
  static final int CATEGORIES = 20;
  static final long SEED = 20_240_601L;

  /** The data: reference and one window, as frames and as raw arrays for the baselines. */
  @State(Scope.Benchmark)
  public static class Data {
    Frame reference;
    Frame window;
    double[][] refNumeric = new double[NUMERIC][];
    double[][] refSortedFinite = new double[NUMERIC][];
    double[] refStd = new double[NUMERIC];
    double[][] curNumeric = new double[NUMERIC][];
    List<Map<String, Long>> refCounts = new ArrayList<>();
    String[][] curLabels = new String[CATEGORICAL][];

    @Setup
    public void generate() {
      SplittableRandom rnd = new SplittableRandom(SEED);
      Frame.Builder ref = Frame.builder();
      Frame.Builder cur = Frame.builder();
      for (int c = 0; c < NUMERIC; c++) {
        double shift = c % 4 == 0 ? 0.3 : 0;
        refNumeric[c] = numbers(rnd, REFERENCE_ROWS, 0);
        curNumeric[c] = numbers(rnd, WINDOW_ROWS, shift);
        ref.numeric("n" + c, refNumeric[c]);
        cur.numeric("n" + c, curNumeric[c]);
        double[] finite = Arrays.stream(refNumeric[c]).filter(Double::isFinite).sorted().toArray();
        refSortedFinite[c] = finite;
        double mean = Arrays.stream(finite).average().orElseThrow();
        refStd[c] =
            Math.sqrt(
                Arrays.stream(finite).map(v -> (v - mean) * (v - mean)).sum() / finite.length);
      }
      for (int c = 0; c < CATEGORICAL; c++) {
        String[] refLabels = labels(rnd, REFERENCE_ROWS, false);
        curLabels[c] = labels(rnd, WINDOW_ROWS, c % 5 == 0);
        refCounts.add(
            Arrays.stream(refLabels)
                .filter(Objects::nonNull)
                .collect(Collectors.groupingBy(s -> s, HashMap::new, Collectors.counting())));
        ref.categorical("c" + c, refLabels);
        cur.categorical("c" + c, curLabels[c]);
      }
      reference = ref.build();
      window = cur.build();
    }

    static double[] numbers(SplittableRandom rnd, int n, double mean) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] =
            rnd.nextInt(100) == 0
                ? Double.NaN
                : mean
                    + Math.sqrt(-2 * Math.log(1 - rnd.nextDouble()))
                        * Math.cos(2 * Math.PI * rnd.nextDouble());
      }
      return v;
    }

    /** Category k with weight 1/(k+1); 1 % null; optionally 5 % of a new category. */
    static String[] labels(SplittableRandom rnd, int n, boolean withNew) {
      double[] cdf = new double[CATEGORIES];
      double sum = 0;
      for (int k = 0; k < CATEGORIES; k++) {
        sum += 1.0 / (k + 1);
        cdf[k] = sum;
      }
      String[] names = new String[CATEGORIES];
      for (int k = 0; k < CATEGORIES; k++) {
        names[k] = "category-" + k;
      }
      String[] v = new String[n];
      for (int i = 0; i < n; i++) {
        if (rnd.nextInt(100) == 0) {
          v[i] = null;
        } else if (withNew && rnd.nextInt(20) == 0) {
          v[i] = "category-new";
        } else {
          double u = rnd.nextDouble() * sum;
          int k = 0;
          while (cdf[k] < u) {
            k++;
          }
          v[i] = names[k];
        }
      }
      return v;
    }
  }

  /** A detector prepared from the reference with one preset. */
  @State(Scope.Benchmark)
  public static class Detector {
    @Param({"EVIDENTLY", "PRODUCTION"})
    public String preset;

    DriftDetector detector;

    @Setup
    public void build(Data data) {
      detector = DriftDetector.builder(data.reference).preset(DriftPreset.valueOf(preset)).build();
      DriftReport r = detector.compare(data.window);
      System.out.printf(
          "%n[setup] %s: %d of %d columns drifted%n",
          preset, r.driftedColumns(), r.columns().size());
    }
  }

  @Benchmark
  public DriftReport compare(Data data, Detector detector) {
    return detector.detector.compare(data.window);
  }

  @Benchmark
  public void baselineRawStats(Data data, Blackhole bh) {
    for (int c = 0; c < NUMERIC; c++) {
      double[] cur = Arrays.stream(data.curNumeric[c]).filter(Double::isFinite).toArray();
      bh.consume(
          Distances.wasserstein(data.refSortedFinite[c], cur) / Math.max(data.refStd[c], 0.001));
    }
    for (int c = 0; c < CATEGORICAL; c++) {
      Map<String, long[]> counts = new HashMap<>();
      for (Map.Entry<String, Long> e : data.refCounts.get(c).entrySet()) {
        counts.put(e.getKey(), new long[] {e.getValue(), 0});
      }
      for (String s : data.curLabels[c]) {
        if (s != null) {
          counts.computeIfAbsent(s, k -> new long[2])[1]++;
        }
      }
      long[] r = new long[counts.size()];
      long[] q = new long[counts.size()];
      int i = 0;
      for (long[] v : counts.values()) {
        r[i] = v[0];
        q[i] = v[1];
        i++;
      }
      bh.consume(
          Distances.jensenShannon(Distances.proportions(r), Distances.proportions(q), Math.E));
    }
  }

  @Benchmark
  public void baselineSortWindow(Data data, Blackhole bh) {
    for (int c = 0; c < NUMERIC; c++) {
      double[] a = data.curNumeric[c].clone();
      Arrays.sort(a);
      bh.consume(a);
    }
  }
}
