package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileColumn;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.datasketches.kll.KllSketch;

/**
 * Rows for the shared-window tests and the independent values to check merged profiles against:
 * counts, missing values, min, max, mean, population variance and category counts computed here
 * with plain loops over the raw values, and quantiles checked by their true rank in the sorted
 * union.
 */
final class ReplicaData {
  static final ProfileSchema SCHEMA =
      ProfileSchema.builder().numeric("x", "y").categorical("c").build();

  final double[] x;
  final double[] y;
  final String[] c;

  private ReplicaData(int n, long seed, double shift) {
    SplittableRandom r = new SplittableRandom(seed);
    x = new double[n];
    y = new double[n];
    c = new String[n];
    for (int i = 0; i < n; i++) {
      x[i] = MonitorTest.gaussian(r) + shift;
      y[i] = r.nextInt(20) == 0 ? Double.NaN : 10 * r.nextDouble(); // 5 % missing
      int k = r.nextInt(100);
      c[i] = k < 3 ? null : k < 50 + (int) (20 * shift) ? "a" : k < 85 ? "b" : "c";
    }
  }

  /** {@code n} rows, seeded; {@code shift} moves x and the share of category a. */
  static ReplicaData of(int n, long seed, double shift) {
    return new ReplicaData(n, seed, shift);
  }

  int size() {
    return x.length;
  }

  Map<String, Object> row(int i) {
    Map<String, Object> m = new HashMap<>();
    m.put("x", x[i]);
    m.put("y", y[i]);
    m.put("c", c[i]);
    return m;
  }

  /** The reference of every test: 4 000 rows without shift, another seed. */
  static Profile reference() {
    ReplicaData d = of(4_000, 99, 0);
    List<Map<String, ?>> rows = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      rows.add(d.row(i));
    }
    return Profile.of(SCHEMA, rows);
  }

  /**
   * Checks {@code p} against values computed here from rows {@code [0, rows)}: exact parts equal
   * (moments to 1e-12 relative: merging is exact up to rounding), quantiles within KLL's normalized
   * rank error for the schema's k ({@code KllSketch.getNormalizedRankError(k, false)}, 99 %
   * confidence for single queries; k = 200, about 1.33 %).
   */
  void assertProfileOfFirst(int rows, Profile p) {
    assertThat(p.rows()).isEqualTo(rows);
    assertNumeric(p.column("x"), Arrays.copyOf(x, rows), p.schema().kllK());
    assertNumeric(p.column("y"), Arrays.copyOf(y, rows), p.schema().kllK());
    ProfileColumn pc = p.column("c");
    Map<String, Long> counts = new HashMap<>();
    long missing = 0;
    for (int i = 0; i < rows; i++) {
      if (c[i] == null) {
        missing++;
      } else {
        counts.merge(c[i], 1L, Long::sum);
      }
    }
    assertThat(pc.count()).isEqualTo(rows);
    assertThat(pc.missing()).isEqualTo(missing);
    assertThat(pc.isExact()).isTrue();
    assertThat(pc.categoryCounts()).isEqualTo(counts);
  }

  private static void assertNumeric(ProfileColumn col, double[] values, int k) {
    double[] present = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    assertThat(col.count()).isEqualTo(values.length);
    assertThat(col.missing()).isEqualTo(values.length - present.length);
    assertThat(col.min()).isEqualTo(present[0]);
    assertThat(col.max()).isEqualTo(present[present.length - 1]);
    double sum = 0;
    for (double v : present) {
      sum += v;
    }
    double mean = sum / present.length;
    double ss = 0;
    for (double v : present) {
      ss += (v - mean) * (v - mean);
    }
    double variance = ss / present.length;
    assertThat(col.mean()).isCloseTo(mean, within(1e-12 * Math.max(1, Math.abs(mean))));
    assertThat(col.variance()).isCloseTo(variance, within(1e-12 * Math.max(1, variance)));
    double eps = KllSketch.getNormalizedRankError(k, false);
    for (int i = 1; i < 20; i++) {
      double q = i / 20.0;
      double v = col.quantile(q);
      // the true rank of v in the union: between the fraction below it and the fraction at or below
      int below = lowerBound(present, v);
      int atOrBelow = upperBound(present, v);
      assertThat(q)
          .as("quantile %s = %s of %s", q, v, col.name())
          .isBetween(
              (double) below / present.length - eps, (double) atOrBelow / present.length + eps);
    }
  }

  private static int lowerBound(double[] sorted, double v) {
    int i = Arrays.binarySearch(sorted, v);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && sorted[i - 1] == v) {
      i--;
    }
    return i;
  }

  private static int upperBound(double[] sorted, double v) {
    int i = Arrays.binarySearch(sorted, v);
    if (i < 0) {
      return -i - 1;
    }
    while (i < sorted.length && sorted[i] == v) {
      i++;
    }
    return i;
  }
}
