package io.github.mlops4j.monitoring.drift;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Report histograms: shares of all rows (missing included) per bin, reference and current over the
 * same bins.
 */
final class Histograms {
  static final String MISSING = "(missing)";
  static final String OTHER = "(other)";

  private Histograms() {}

  /**
   * Equal-width bins over the range of reference and current together, plus a {@value #MISSING} bin
   * when either side has missing values.
   *
   * @param cur finite current values, ascending
   */
  static ColumnHistogram numeric(NumericReference ref, double[] cur, int currentRows, int bins) {
    double lo = cur.length == 0 ? ref.min : Math.min(ref.min, cur[0]);
    double hi = cur.length == 0 ? ref.max : Math.max(ref.max, cur[cur.length - 1]);
    List<String> labels = new ArrayList<>();
    long[] r;
    long[] c;
    if (lo == hi) {
      labels.add(Fmt.number(lo));
      r = new long[] {ref.values()};
      c = new long[] {cur.length};
    } else {
      double[] edges = new double[bins + 1];
      for (int i = 0; i < bins; i++) {
        edges[i] = lo + (hi - lo) * i / bins;
      }
      edges[bins] = hi;
      r = Scoring.histogram(ref.sorted, edges);
      c = Scoring.histogram(cur, edges);
      for (int i = 0; i < bins; i++) {
        labels.add(
            "["
                + Fmt.number(edges[i])
                + ", "
                + Fmt.number(edges[i + 1])
                + (i == bins - 1 ? "]" : ")"));
      }
    }
    return shares(labels, r, c, ref.missing, currentRows - cur.length, ref.rows, currentRows);
  }

  /**
   * One bin per category, most frequent in the reference first, then categories new in the current
   * data; beyond {@code maxBins} the rest are pooled into {@value #OTHER}.
   */
  static ColumnHistogram categorical(
      CategoricalReference ref, CategoricalReference.Current cur, int maxBins) {
    List<Object[]> rows = new ArrayList<>(); // label, ref count, cur count
    for (int i = 0; i < ref.categories.length; i++) {
      rows.add(new Object[] {ref.categories[i], ref.counts[i], cur.counts[i]});
    }
    for (int i = 0; i < cur.newCategories.size(); i++) {
      rows.add(new Object[] {cur.newCategories.get(i), 0L, cur.newCounts[i]});
    }
    rows.sort(
        Comparator.<Object[]>comparingLong(o -> -(long) o[1])
            .thenComparingLong(o -> -(long) o[2])
            .thenComparing(o -> (String) o[0]));
    int keep = rows.size() > maxBins ? maxBins - 1 : rows.size();
    List<String> labels = new ArrayList<>();
    long[] r = new long[keep + (rows.size() > keep ? 1 : 0)];
    long[] c = new long[r.length];
    for (int i = 0; i < keep; i++) {
      labels.add((String) rows.get(i)[0]);
    }
    if (rows.size() > keep) {
      labels.add(OTHER);
    }
    for (int i = 0; i < rows.size(); i++) {
      int b = Math.min(i, keep);
      r[b] += (long) rows.get(i)[1];
      c[b] += (long) rows.get(i)[2];
    }
    return shares(labels, r, c, ref.missing, cur.missing, ref.rows, cur.rows);
  }

  private static ColumnHistogram shares(
      List<String> labels,
      long[] r,
      long[] c,
      int refMissing,
      int curMissing,
      int refRows,
      int curRows) {
    boolean missing = refMissing > 0 || curMissing > 0;
    int k = r.length + (missing ? 1 : 0);
    double[] rs = new double[k];
    double[] cs = new double[k];
    for (int i = 0; i < r.length; i++) {
      rs[i] = refRows == 0 ? 0 : (double) r[i] / refRows;
      cs[i] = curRows == 0 ? 0 : (double) c[i] / curRows;
    }
    List<String> l = new ArrayList<>(labels);
    if (missing) {
      l.add(MISSING);
      rs[k - 1] = refRows == 0 ? 0 : (double) refMissing / refRows;
      cs[k - 1] = curRows == 0 ? 0 : (double) curMissing / curRows;
    }
    return new ColumnHistogram(l, rs, cs);
  }
}
