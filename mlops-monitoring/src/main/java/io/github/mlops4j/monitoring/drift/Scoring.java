package io.github.mlops4j.monitoring.drift;

import io.github.mlops4j.monitoring.stats.Distances;
import io.github.mlops4j.monitoring.stats.StatTests;
import io.github.mlops4j.monitoring.stats.TestResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Computes one column's drift score with a {@link DriftMethod}, delegating every statistic to
 * {@link StatTests} and {@link Distances}. Inputs are non-empty and hold no missing values.
 */
final class Scoring {
  /** Evidently uses Sturges bins only when the reference has more distinct values than this. */
  static final int EVIDENTLY_PER_VALUE_MAX = 20;

  /** Evidently's floor for the reference standard deviation of the normed Wasserstein distance. */
  static final double STD_FLOOR = 0.001;

  private Scoring() {}

  /** The score of a method and how it was obtained. */
  static final class Outcome {
    final double score;
    final double statistic;
    final @Nullable Double pValue;
    final String details;
    final List<String> notes = new ArrayList<>();
    boolean computed = true;

    Outcome(double score, double statistic, @Nullable Double pValue, String details) {
      this.score = score;
      this.statistic = statistic;
      this.pValue = pValue;
      this.details = details;
    }

    static Outcome test(TestResult r, String details) {
      return new Outcome(r.pValue(), r.statistic(), r.pValue(), details);
    }

    static Outcome distance(double d, String details) {
      return new Outcome(d, d, null, details);
    }

    Outcome note(String note) {
      notes.add(note);
      return this;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Numeric columns
  // ---------------------------------------------------------------------------------------

  /**
   * @param cur finite current values, ascending
   * @param prepared quantile bins of the reference for {@code method.bins()}, or null when the
   *     method does not use them
   */
  static Outcome numeric(
      NumericReference ref,
      double[] cur,
      DriftMethod method,
      NumericReference.@Nullable QuantileBins prepared) {
    String sizes = "n = " + ref.values() + ", m = " + cur.length;
    switch (method.kind()) {
      case KS:
        {
          TestResult r = StatTests.ks(ref.sorted, cur);
          return Outcome.test(r, "D = " + fmt(r.statistic()) + ", " + pMethod(r) + "; " + sizes);
        }
      case CRAMER_VON_MISES:
        {
          if (ref.values() < 2 || cur.length < 2) {
            return notComputed(
                method,
                "cramer_von_mises needs at least 2 values on each side ("
                    + sizes
                    + "): drift not computed");
          }
          TestResult r = StatTests.cramerVonMises(ref.sorted, cur);
          return Outcome.test(r, "T = " + fmt(r.statistic()) + ", " + pMethod(r) + "; " + sizes);
        }
      case WASSERSTEIN_NORMED:
        {
          double w = Distances.wasserstein(ref.sorted, cur);
          double norm = Math.max(ref.std, STD_FLOOR);
          double score = w / norm;
          if (w == Double.POSITIVE_INFINITY && ref.std >= STD_FLOOR) {
            // W1 beyond Double.MAX_VALUE (values of both signs near the extremes); the ratio is
            // finite: take both in halves (exact scaling)
            score = Distances.wasserstein(halves(ref.sorted), halves(cur)) / (ref.std / 2);
          }
          Outcome o =
              Outcome.distance(
                  score,
                  "W1 = "
                      + fmt(w)
                      + " (data units) / "
                      + (ref.std < STD_FLOOR
                          ? "floor " + fmt(STD_FLOOR)
                          : "reference std " + fmt(ref.std))
                      + " (ddof 0, floor 0.001); "
                      + sizes);
          if (ref.std < STD_FLOOR) {
            o.note(
                "reference standard deviation "
                    + fmt(ref.std)
                    + " is below 0.001: divided by 0.001 instead");
          }
          return o;
        }
      case ENERGY:
        {
          double e = Distances.energy(ref.sorted, cur);
          return Outcome.distance(e, "energy distance in data units (not normalised); " + sizes);
        }
      case CHI_SQUARE:
      case CHI_SQUARE_HOMOGENEITY:
      case Z:
        {
          PerValue pv = PerValue.of(ref.sorted, cur);
          return categoricalTest(method, pv.reference, pv.current, pv.labels(), 0, sizes);
        }
      default:
        return numericBinned(ref, cur, method, prepared, sizes);
    }
  }

  private static Outcome numericBinned(
      NumericReference ref,
      double[] cur,
      DriftMethod method,
      NumericReference.@Nullable QuantileBins prepared,
      String sizes) {
    long[] r;
    long[] c;
    String binning;
    boolean dropEmpty = true;
    if (!method.bins().isEvidently()) {
      if (prepared == null) {
        throw new IllegalStateException("quantile bins were not prepared for " + method);
      }
      r = prepared.referenceCounts;
      c = prepared.count(cur);
      binning =
          prepared.upper.length
              + " bins at reference quantiles (of "
              + prepared.quantiles
              + " requested) + 2 outer bins";
    } else if (ref.distinct > EVIDENTLY_PER_VALUE_MAX) {
      double lo = Math.min(ref.min, cur[0]);
      double hi = Math.max(ref.max, cur[cur.length - 1]);
      double[] edges = sturgesEdges(lo, hi, (long) ref.values() + cur.length);
      r = histogram(ref.sorted, edges);
      c = histogram(cur, edges);
      binning =
          (edges.length - 1) + " equal-width Sturges bins over reference and current (Evidently)";
      dropEmpty = false; // Evidently fills both sides of a bin empty on both
    } else {
      PerValue pv = PerValue.of(ref.sorted, cur);
      r = pv.reference;
      c = pv.current;
      binning =
          r.length
              + " bins, one per value (Evidently: reference has at most "
              + EVIDENTLY_PER_VALUE_MAX
              + " distinct values)";
    }
    return binnedDistance(method, r, c, dropEmpty, binning + "; " + sizes);
  }

  // ---------------------------------------------------------------------------------------
  // Categorical and binary columns
  // ---------------------------------------------------------------------------------------

  static Outcome categorical(
      CategoricalReference ref, CategoricalReference.Current cur, DriftMethod method) {
    int k = ref.categories.length;
    int u = cur.newCategories.size();
    long[] r = Arrays.copyOf(ref.counts, k + u);
    long[] c = Arrays.copyOf(cur.counts, k + u);
    System.arraycopy(cur.newCounts, 0, c, k, u);
    List<String> labels = new ArrayList<>(k + u);
    labels.addAll(Arrays.asList(ref.categories));
    labels.addAll(cur.newCategories);
    String sizes = "n = " + ref.values() + ", m = " + cur.values();
    switch (method.kind()) {
      case CHI_SQUARE:
      case CHI_SQUARE_HOMOGENEITY:
      case Z:
        {
          int first = 0; // reference categories are sorted; new ones are sorted after them
          if (u > 0 && (k == 0 || cur.newCategories.get(0).compareTo(ref.categories[0]) < 0)) {
            first = k;
          }
          return categoricalTest(method, r, c, labels, first, sizes);
        }
      default:
        return binnedDistance(method, r, c, true, (k + u) + " bins, one per category; " + sizes);
    }
  }

  /** chisquare, chisquare_homogeneity or z on counts aligned over the union of categories. */
  private static Outcome categoricalTest(
      DriftMethod method, long[] r, long[] c, List<String> labels, int first, String sizes) {
    switch (method.kind()) {
      case CHI_SQUARE:
        {
          TestResult t = StatTests.chiSquare(r, c);
          return Outcome.test(
              t,
              "goodness of fit against the reference, chi2 = "
                  + fmt(t.statistic())
                  + " over "
                  + nonEmpty(r, c)
                  + " categories; "
                  + sizes);
        }
      case CHI_SQUARE_HOMOGENEITY:
        {
          TestResult t = StatTests.chiSquareHomogeneity(r, c);
          return Outcome.test(
              t,
              "2 x k homogeneity, chi2 = "
                  + fmt(t.statistic())
                  + " over "
                  + nonEmpty(r, c)
                  + " categories; "
                  + sizes);
        }
      default:
        {
          // Evidently: the first value in sorted order is 0, every other value is 1.
          long n = sum(r);
          long m = sum(c);
          TestResult t = StatTests.zTestProportions(n - r[first], n, m - c[first], m);
          String other =
              labels.size() == 2
                  ? "'" + labels.get(1 - first) + "'"
                  : "values other than '" + labels.get(first) + "'";
          Outcome o =
              Outcome.test(
                  t,
                  "z = "
                      + fmt(t.statistic())
                      + ", share of "
                      + other
                      + ": reference "
                      + fmt((double) (n - r[first]) / n)
                      + ", current "
                      + fmt((double) (m - c[first]) / m)
                      + "; "
                      + sizes);
          if (labels.size() > 2) {
            o.note(
                "z-test on "
                    + labels.size()
                    + " values: '"
                    + labels.get(first)
                    + "' against all others (Evidently's encoding)");
          }
          return o;
        }
    }
  }

  private static Outcome binnedDistance(
      DriftMethod method, long[] r, long[] c, boolean dropEmpty, String binning) {
    long[] rr = r;
    long[] cc = c;
    if (dropEmpty) {
      int k = 0;
      for (int i = 0; i < r.length; i++) {
        if ((r[i] | c[i]) != 0) {
          k++;
        }
      }
      if (k != r.length) {
        rr = new long[k];
        cc = new long[k];
        int j = 0;
        for (int i = 0; i < r.length; i++) {
          if ((r[i] | c[i]) != 0) {
            rr[j] = r[i];
            cc[j] = c[i];
            j++;
          }
        }
      }
    }
    double[] p = Distances.proportions(rr);
    double[] q = Distances.proportions(cc);
    switch (method.kind()) {
      case JENSEN_SHANNON:
        {
          double base = method.logBase();
          String log = base == Math.E ? "natural log" : "log base " + fmt(base);
          return Outcome.distance(
              Distances.jensenShannon(p, q, base), "JS distance, " + log + "; " + binning);
        }
      case PSI:
        {
          Outcome o = Outcome.distance(Distances.psi(p, q), binning);
          double floor = (rr.length - 1) * (1.0 / sum(rr) + 1.0 / sum(cc));
          if (floor >= method.threshold() / 2) {
            o.note(
                "small samples: PSI between two samples of one distribution is about "
                    + fmt(floor)
                    + " here ((bins - 1)(1/n + 1/m)), at least half the threshold");
          }
          return o;
        }
      case KL:
        return Outcome.distance(
            Distances.kl(p, q), "KL(reference || current), natural log; " + binning);
      case HELLINGER:
        return Outcome.distance(Distances.hellinger(p, q), binning);
      default:
        throw new IllegalStateException("not a binned method: " + method);
    }
  }

  private static double[] halves(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] / 2;
    }
    return out;
  }

  /**
   * Says so when a computed score is not a finite number, so that a column never reads as "no
   * drift" for a score that could not be computed: NaN is not decided (drifted false, with a note);
   * ±∞ keeps its verdict (an infinite distance is drift) with a note.
   */
  static Outcome checkFinite(Outcome o) {
    if (o.computed && Double.isNaN(o.score)) {
      o.computed = false;
      o.note(
          "the score is not a number (a statistic overflowed the range of a double): drift"
              + " not decided");
    } else if (o.computed && Double.isInfinite(o.score)) {
      o.note("the score is infinite: it exceeds the range of a double");
    }
    return o;
  }

  /** The neutral outcome of a method that could not be computed: p = 1 or distance 0. */
  static Outcome notComputed(DriftMethod method, String why) {
    Outcome o = new Outcome(method.isTest() ? 1.0 : 0.0, 0.0, null, "not computed");
    o.computed = false;
    return o.note(why);
  }

  // ---------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------

  /** Counts of each distinct value of two ascending arrays, aligned over their union. */
  static final class PerValue {
    final double[] values;
    final long[] reference;
    final long[] current;

    private PerValue(double[] values, long[] reference, long[] current) {
      this.values = values;
      this.reference = reference;
      this.current = current;
    }

    static PerValue of(double[] x, double[] y) {
      int n = x.length;
      int m = y.length;
      double[] v = new double[n + m];
      long[] a = new long[n + m];
      long[] b = new long[n + m];
      int i = 0;
      int j = 0;
      int k = 0;
      while (i < n || j < m) {
        double z = (j >= m || (i < n && x[i] <= y[j])) ? x[i] : y[j];
        long ci = 0;
        while (i < n && x[i] == z) {
          i++;
          ci++;
        }
        long cj = 0;
        while (j < m && y[j] == z) {
          j++;
          cj++;
        }
        v[k] = z;
        a[k] = ci;
        b[k] = cj;
        k++;
      }
      return new PerValue(Arrays.copyOf(v, k), Arrays.copyOf(a, k), Arrays.copyOf(b, k));
    }

    List<String> labels() {
      List<String> l = new ArrayList<>(values.length);
      for (double d : values) {
        l.add(Fmt.number(d));
      }
      return l;
    }
  }

  /**
   * numpy's {@code histogram_bin_edges(a, bins="sturges")} for data in [lo, hi] of size {@code
   * size}: ⌈ptp / (ptp / (log₂ size + 1))⌉ equal-width bins, edges from {@code linspace}.
   */
  static double[] sturgesEdges(double lo, double hi, long size) {
    double ptp = hi - lo;
    double first = lo;
    double last = hi;
    if (first == last) {
      first -= 0.5;
      last += 0.5;
    }
    int bins = 1;
    if (ptp > 0) {
      double log2 =
          Long.bitCount(size) == 1
              ? Long.numberOfTrailingZeros(size)
              : Math.log((double) size) / Math.log(2);
      double width = ptp / (log2 + 1.0);
      bins = (int) Math.ceil((last - first) / width);
    }
    double[] edges = new double[bins + 1];
    double step = (last - first) / bins;
    for (int i = 0; i < bins; i++) {
      edges[i] = i * step + first;
    }
    edges[bins] = last;
    return edges;
  }

  /**
   * numpy's {@code histogram(a, edges)} counts: [e_i, e_{i+1}) with the last bin closed, values
   * outside the edges not counted. {@code a} must be ascending.
   */
  static long[] histogram(double[] sorted, double[] edges) {
    long[] h = new long[edges.length - 1];
    int prev = NumericReference.countBelow(sorted, edges[0]);
    for (int i = 1; i < edges.length; i++) {
      int cum =
          i == edges.length - 1
              ? NumericReference.countAtMost(sorted, edges[i])
              : NumericReference.countBelow(sorted, edges[i]);
      h[i - 1] = (long) cum - prev;
      prev = cum;
    }
    return h;
  }

  private static int nonEmpty(long[] r, long[] c) {
    int k = 0;
    for (int i = 0; i < r.length; i++) {
      if ((r[i] | c[i]) != 0) {
        k++;
      }
    }
    return k;
  }

  static long sum(long[] a) {
    long s = 0;
    for (long v : a) {
      s += v;
    }
    return s;
  }

  private static String pMethod(TestResult r) {
    return r.pValueMethod().name().toLowerCase(Locale.ROOT) + " p-value";
  }

  static String fmt(double v) {
    return Fmt.number(v);
  }
}
