package io.github.mlops4j.monitoring.profile;

import java.util.Arrays;

/**
 * A quantile sketch's estimate of a CDF: a right-continuous step function over the sketch's
 * distinct retained values (DataSketches' sorted view, which includes the exact minimum and
 * maximum). While the sketch holds every value this is exactly the empirical CDF.
 */
final class SketchCdf {
  /** Distinct values, increasing. */
  final double[] x;

  /** Cumulative weight of the values ≤ x[i]. */
  final long[] cumulative;

  /** Total weight (number of values summarized). */
  final long n;

  private SketchCdf(double[] x, long[] cumulative, long n) {
    this.x = x;
    this.cumulative = cumulative;
    this.n = n;
  }

  /** Builds the step function from a sorted view, merging runs of equal values. */
  static SketchCdf of(double[] items, long[] cumulativeWeights, long n) {
    int len = items.length;
    double[] x = new double[len];
    long[] c = new long[len];
    int d = -1;
    for (int i = 0; i < len; i++) {
      if (d >= 0 && items[i] == x[d]) {
        c[d] = cumulativeWeights[i];
      } else {
        d++;
        x[d] = items[i];
        c[d] = cumulativeWeights[i];
      }
    }
    return new SketchCdf(Arrays.copyOf(x, d + 1), Arrays.copyOf(c, d + 1), n);
  }

  boolean isEmpty() {
    return n == 0;
  }

  /** Fraction of values ≤ z. */
  double at(double z) {
    int i = Arrays.binarySearch(x, z);
    int last = i >= 0 ? i : -i - 2; // index of the last value <= z
    return last < 0 ? 0.0 : (double) cumulative[last] / n;
  }

  /** Fraction of values < z. */
  double below(double z) {
    int i = Arrays.binarySearch(x, z);
    int last = i >= 0 ? i - 1 : -i - 2; // index of the last value < z
    return last < 0 ? 0.0 : (double) cumulative[last] / n;
  }

  /**
   * The summarized values with their multiplicities; meaningful only while the sketch is exact
   * (every weight 1).
   */
  double[] values() {
    double[] out = new double[Math.toIntExact(n)];
    int p = 0;
    long prev = 0;
    for (int i = 0; i < x.length; i++) {
      for (long w = prev; w < cumulative[i]; w++) {
        out[p++] = x[i];
      }
      prev = cumulative[i];
    }
    return out;
  }

  /**
   * The power of two by which {@link #wasserstein(SketchCdf, SketchCdf, int)} should scale the
   * values of two CDFs so that no difference of two of them overflows: 0 within ±2<sup>1021</sup>,
   * else 2.
   */
  static int scaleExponent(SketchCdf a, SketchCdf b) {
    double max = 0;
    for (SketchCdf c : new SketchCdf[] {a, b}) {
      if (c.x.length > 0) {
        max = Math.max(max, Math.max(-c.x[0], c.x[c.x.length - 1]));
      }
    }
    return max > 0x1p1021 ? 2 : 0;
  }

  /**
   * ∫ |F<sub>a</sub>(z) − F<sub>b</sub>(z)| dz over the merged breakpoints (1-Wasserstein), with
   * Neumaier summation. Equal to {@code Distances.wasserstein} when both sketches are exact.
   */
  static double wasserstein(SketchCdf a, SketchCdf b) {
    int e = scaleExponent(a, b);
    return Math.scalb(wasserstein(a, b, e), e);
  }

  /**
   * ∫ |F<sub>a</sub>(z) − F<sub>b</sub>(z)| d(z · 2<sup>−e</sup>): the 1-Wasserstein distance in
   * units of 2<sup>e</sup>, finite for e = {@link #scaleExponent}.
   */
  static double wasserstein(SketchCdf a, SketchCdf b, int e) {
    double sum = 0;
    double comp = 0;
    int i = 0;
    int j = 0;
    double fa = 0;
    double fb = 0;
    double prev = Double.NaN;
    while (i < a.x.length || j < b.x.length) {
      double z;
      if (j >= b.x.length || (i < a.x.length && a.x[i] <= b.x[j])) {
        z = a.x[i];
      } else {
        z = b.x[j];
      }
      if (!Double.isNaN(prev)) {
        double term = Math.abs(fa - fb) * (Math.scalb(z, -e) - Math.scalb(prev, -e));
        double t = sum + term;
        comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
        sum = t;
      }
      if (i < a.x.length && a.x[i] == z) {
        fa = (double) a.cumulative[i] / a.n;
        i++;
      }
      if (j < b.x.length && b.x[j] == z) {
        fb = (double) b.cumulative[j] / b.n;
        j++;
      }
      prev = z;
    }
    return sum + comp;
  }

  /**
   * sup<sub>z</sub> |F<sub>a</sub>(z) − F<sub>b</sub>(z)| (the KS statistic of the two step
   * functions).
   */
  static double ks(SketchCdf a, SketchCdf b) {
    int i = 0;
    int j = 0;
    double fa = 0;
    double fb = 0;
    double d = 0;
    while (i < a.x.length || j < b.x.length) {
      double z;
      if (j >= b.x.length || (i < a.x.length && a.x[i] <= b.x[j])) {
        z = a.x[i];
      } else {
        z = b.x[j];
      }
      if (i < a.x.length && a.x[i] == z) {
        fa = (double) a.cumulative[i] / a.n;
        i++;
      }
      if (j < b.x.length && b.x[j] == z) {
        fb = (double) b.cumulative[j] / b.n;
        j++;
      }
      d = Math.max(d, Math.abs(fa - fb));
    }
    return d;
  }
}
