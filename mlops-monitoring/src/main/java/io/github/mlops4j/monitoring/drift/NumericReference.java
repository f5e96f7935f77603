package io.github.mlops4j.monitoring.drift;

import java.util.Arrays;

/**
 * What a detector keeps of a numeric reference column, computed once: the sorted non-missing
 * values, their range, population standard deviation and distinct-value count.
 */
final class NumericReference {
  final String name;
  final int rows;
  final int missing;

  /** Finite values, ascending. */
  final double[] sorted;

  final double min;
  final double max;

  /** Population standard deviation (ddof = 0), as numpy's {@code np.std}. */
  final double std;

  final int distinct;

  NumericReference(String name, double[] values) {
    this.name = name;
    this.rows = values.length;
    double[] finite = new double[values.length];
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        finite[n++] = v;
      }
    }
    this.missing = rows - n;
    this.sorted = Arrays.copyOf(finite, n);
    Arrays.sort(sorted);
    this.min = n == 0 ? Double.NaN : sorted[0];
    this.max = n == 0 ? Double.NaN : sorted[n - 1];
    this.std = n == 0 ? Double.NaN : populationStd(sorted);
    this.distinct = distinct(sorted);
  }

  int values() {
    return sorted.length;
  }

  /**
   * Two-pass population standard deviation, with compensation for the mean's rounding. Finite for
   * any finite values: beyond ±2<sup>495</sup> (where squares of deviations, summed over up to
   * 2<sup>31</sup> values, could overflow) the values are scaled by a power of two first and the
   * result scaled back, both exact.
   */
  static double populationStd(double[] x) {
    double max = 0;
    for (double v : x) {
      max = Math.max(max, Math.abs(v));
    }
    int e = max > 0x1p495 ? Math.getExponent(max) - 494 : 0;
    double sum = 0;
    for (double v : x) {
      sum += Math.scalb(v, -e);
    }
    double mean = sum / x.length;
    double ss = 0;
    double comp = 0;
    for (double v : x) {
      double d = Math.scalb(v, -e) - mean;
      ss += d * d;
      comp += d;
    }
    double var = (ss - comp * comp / x.length) / x.length;
    return Math.scalb(Math.sqrt(Math.max(0, var)), e);
  }

  static int distinct(double[] sorted) {
    int d = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        d++;
      }
    }
    return d;
  }

  /** The number of values strictly below {@code x} in an ascending array. */
  static int countBelow(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The number of values at or below {@code x} in an ascending array. */
  static int countAtMost(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Bins cut at reference quantiles: an outer bin below the reference minimum, inner bins [min,
   * c₁], (c₁, c₂], …, (c_k, max] and an outer bin above the maximum. The cut points are the
   * distinct inverted-CDF quantiles c_j = x₍⌈j·n/q⌉₎ with min ≤ c_j &lt; max, so every inner bin
   * holds at least one reference value.
   */
  static final class QuantileBins {
    final int quantiles;
    final double min;
    final double max;

    /** Inclusive upper bounds of the inner bins, ascending; the last is {@code max}. */
    final double[] upper;

    /** Reference counts per bin: index 0 below min, 1 … upper.length inner, then above max. */
    final long[] referenceCounts;

    QuantileBins(NumericReference ref, int quantiles) {
      this.quantiles = quantiles;
      double[] x = ref.sorted;
      int n = x.length;
      this.min = x[0];
      this.max = x[n - 1];
      double[] cuts = new double[quantiles];
      int k = 0;
      for (int j = 1; j < quantiles; j++) {
        long rank = ((long) j * n + quantiles - 1) / quantiles; // ceil(j·n/q), 1-based
        double c = x[(int) Math.max(0, rank - 1)];
        if (c < max && (k == 0 || c > cuts[k - 1])) {
          cuts[k++] = c;
        }
      }
      cuts[k++] = max;
      this.upper = Arrays.copyOf(cuts, k);
      this.referenceCounts = new long[k + 2];
      int below = 0;
      for (int i = 0; i < k; i++) {
        int atMost = countAtMost(x, upper[i]);
        referenceCounts[i + 1] = (long) atMost - below;
        below = atMost;
      }
    }

    int bins() {
      return referenceCounts.length;
    }

    int binOf(double v) {
      if (v < min) {
        return 0;
      }
      if (v > max) {
        return upper.length + 1;
      }
      return 1 + countBelow(upper, v);
    }

    long[] count(double[] values) {
      long[] c = new long[referenceCounts.length];
      for (double v : values) {
        c[binOf(v)]++;
      }
      return c;
    }
  }
}
