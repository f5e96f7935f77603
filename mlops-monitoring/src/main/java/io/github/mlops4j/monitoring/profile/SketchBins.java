package io.github.mlops4j.monitoring.profile;

import java.util.Arrays;
import java.util.Locale;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Binned measures from sketches and their error intervals.
 *
 * <p><b>Interval of a binned measure.</b> PSI and the Jensen-Shannon divergence are sums over bins
 * of a term f(p, q) that is jointly convex, zero on p = q, increasing in p and decreasing in q
 * where p &gt; q (and the reverse where p &lt; q). If each true proportion lies within ±δ of its
 * sketch estimate, the true term lies between its minimum over that box (0 if the box meets the
 * diagonal, else the corner nearest to it) and its maximum (at a corner, by convexity). Summing per
 * bin ignores the constraint that proportions sum to 1, which only widens the interval.
 */
final class SketchBins {
  static final double ZERO_FILL = 1e-4; // Distances.ZERO_FILL
  private static final double LN2 = Math.log(2);

  private SketchBins() {}

  /** Distinct reference quantiles at ranks i/bins, i = 1..bins−1: the inner bin edges. */
  static double[] referenceEdges(NumericSketch reference, int bins) {
    double[] ranks = new double[bins - 1];
    for (int i = 1; i < bins; i++) {
      ranks[i - 1] = (double) i / bins;
    }
    double[] q;
    synchronized (reference) {
      q = reference.kll.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
    }
    double[] out = new double[q.length];
    int d = 0;
    for (double v : q) {
      if (d == 0 || v > out[d - 1]) {
        out[d++] = v;
      }
    }
    return Arrays.copyOf(out, d);
  }

  /**
   * Proportions of values in the bins (−∞, e<sub>0</sub>], (e<sub>0</sub>, e<sub>1</sub>], …,
   * (e<sub>last</sub>, +∞).
   */
  static double[] proportions(SketchCdf cdf, double[] edges) {
    double[] p = new double[edges.length + 1];
    double prev = 0;
    for (int i = 0; i < edges.length; i++) {
      double f = cdf.at(edges[i]);
      p[i] = Math.max(0.0, f - prev);
      prev = f;
    }
    p[edges.length] = Math.max(0.0, 1.0 - prev);
    return p;
  }

  /** Labels for the bins of {@link #proportions}, with just enough digits to tell edges apart. */
  static String[] labels(double[] edges) {
    String[] e = formatDistinct(edges);
    String[] out = new String[edges.length + 1];
    if (edges.length == 0) {
      out[0] = "(-inf, +inf)";
      return out;
    }
    out[0] = "(-inf, " + e[0] + "]";
    for (int i = 1; i < edges.length; i++) {
      out[i] = "(" + e[i - 1] + ", " + e[i] + "]";
    }
    out[edges.length] = "(" + e[edges.length - 1] + ", +inf)";
    return out;
  }

  private static String[] formatDistinct(double[] v) {
    for (int digits = 4; digits < 17; digits++) {
      String[] s = new String[v.length];
      boolean distinct = true;
      for (int i = 0; i < v.length; i++) {
        s[i] = format(v[i], digits);
        if (i > 0 && s[i].equals(s[i - 1])) {
          distinct = false;
        }
      }
      if (distinct) {
        return s;
      }
    }
    String[] s = new String[v.length];
    for (int i = 0; i < v.length; i++) {
      s[i] = Double.toString(v[i]);
    }
    return s;
  }

  static String format(double v, int digits) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%." + digits + "g", v);
    if (s.contains("e")) {
      return s;
    }
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "");
      if (s.endsWith(".")) {
        s = s.substring(0, s.length() - 1);
      }
    }
    return s;
  }

  /** A separable per-bin term of a binned measure. */
  interface Term {
    double at(double p, double q);
  }

  /** PSI term (p − q)·ln(p / q); both arguments positive. */
  static final Term PSI = (p, q) -> (p - q) * Math.log(p / q);

  /** Jensen-Shannon divergence term in the given log base; 0·log 0 = 0. */
  static Term jensenShannon(double logBase) {
    double ln = Math.log(logBase);
    return (p, q) -> {
      double m = (p + q) / 2;
      if (m == 0) {
        return 0.0;
      }
      double a = p > 0 ? p * Math.log(p / m) : 0.0;
      double b = q > 0 ? q * Math.log(q / m) : 0.0;
      return Math.max(0.0, (a + b) / 2 / ln);
    };
  }

  /** Evidently's fill for the zeros of one vector (see {@code Distances}). */
  static double fillValue(double[] p) {
    double minNonZero = Double.POSITIVE_INFINITY;
    for (double v : p) {
      if (v > 0 && v < minNonZero) {
        minNonZero = v;
      }
    }
    return minNonZero <= ZERO_FILL ? minNonZero / 1e6 : ZERO_FILL;
  }

  static double[] filled(double[] p, double fill) {
    double[] out = p.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        out[i] = fill;
      }
    }
    return out;
  }

  /**
   * The interval [lo, hi] of Σ term(p<sub>i</sub>, q<sub>i</sub>) when each true p<sub>i</sub> lies
   * in [p<sub>i</sub> − dp<sub>i</sub>, p<sub>i</sub> + dp<sub>i</sub>] ∩ [floorP, 1] (same for q).
   */
  static double[] interval(
      double[] p, double[] q, double[] dp, double[] dq, double floorP, double floorQ, Term term) {
    double lo = 0;
    double hi = 0;
    for (int i = 0; i < p.length; i++) {
      double pl = Math.max(floorP, p[i] - dp[i]);
      double ph = Math.max(pl, Math.min(1.0, p[i] + dp[i]));
      double ql = Math.max(floorQ, q[i] - dq[i]);
      double qh = Math.max(ql, Math.min(1.0, q[i] + dq[i]));
      hi +=
          Math.max(
              Math.max(term.at(ph, ql), term.at(pl, qh)),
              Math.max(term.at(pl, ql), term.at(ph, qh)));
      if (pl > qh) {
        lo += term.at(pl, qh);
      } else if (ph < ql) {
        lo += term.at(ph, ql);
      }
    }
    return new double[] {lo, hi};
  }

  /** Σ term(p<sub>i</sub>, q<sub>i</sub>). */
  static double sum(double[] p, double[] q, Term term) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += term.at(p[i], q[i]);
    }
    return s;
  }

  /** The largest Jensen-Shannon divergence in the given base: ln 2 / ln base. */
  static double maxJsDivergence(double logBase) {
    return LN2 / Math.log(logBase);
  }

  static double[] constant(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }
}
