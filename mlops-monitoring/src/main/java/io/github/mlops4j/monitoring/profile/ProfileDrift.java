package io.github.mlops4j.monitoring.profile;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.ColumnHistogram;
import io.github.mlops4j.monitoring.drift.ColumnType;
import io.github.mlops4j.monitoring.drift.DataQuality;
import io.github.mlops4j.monitoring.drift.DriftMethod;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.stats.Distances;
import io.github.mlops4j.monitoring.stats.StatTests;
import io.github.mlops4j.monitoring.stats.TestResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Drift between two {@link Profile}s, computed from their sketches alone: no raw data is needed, so
 * a reference profile computed once at training time can be compared with every window.
 *
 * <h2>Methods and error bounds</h2>
 *
 * Each {@link ColumnDrift} carries {@code errorBound}: how far the score can be from the score of
 * the raw data, derived from the sketches' normalized rank error ε (99 % confidence per query,
 * {@link ProfileColumn#rankError()}, 0 while a sketch still holds every value) and interval error
 * ε<sub>bin</sub> ({@link ProfileColumn#intervalError()}).
 *
 * <table>
 *   <caption>Profile drift methods</caption>
 *   <tr><th>method</th><th>score</th><th>error bound</th></tr>
 *   <tr><td>{@code wasserstein_normed}</td><td>W1(F̂<sub>ref</sub>, F̂<sub>cur</sub>) /
 *       max(σ<sub>ref</sub>, 0.001); σ exact (population)</td>
 *       <td>(ε<sub>ref</sub>·range<sub>ref</sub> + ε<sub>cur</sub>·range<sub>cur</sub>) /
 *       max(σ<sub>ref</sub>, 0.001): each CDF is off by at most ε over its exact [min, max].
 *       A worst case: measured errors are 5–50× smaller, and an outlier widens the bound</td></tr>
 *   <tr><td>{@code psi}, {@code jensenshannon} (natural log; {@code jensenshannon_base2} with
 *       {@link Builder#jsLogBase jsLogBase(2)})</td><td>over {@code bins} reference-quantile bins
 *       (numeric, default 10, open-ended outer bins) or the categories of both sides</td>
 *       <td>each bin proportion within ±ε<sub>bin</sub> (numeric) or ± the frequent-items count
 *       error (categorical; 0 while counts are exact); the measure's extreme values over that box
 *       (see {@code SketchBins}), as max(hi − score, score − lo)</td></tr>
 *   <tr><td>{@code ks}</td><td>p-value of D = sup|F̂<sub>ref</sub> − F̂<sub>cur</sub>|; exact
 *       (Commons Statistics via {@link StatTests#ks}) when both sketches still hold every value,
 *       else the asymptotic distribution of D at n·m/(n+m)</td>
 *       <td>on D: ε<sub>ref</sub> + ε<sub>cur</sub>. The p-value is computed only when this bound
 *       is at most {@code ksMaxErrorRatio} (default 0.25) times the critical
 *       D<sub>α</sub> = c(α)·√((n+m)/(n·m)), c(α) = √(−ln(α/2)/2); otherwise score and
 *       p-value are absent (score NaN), the note says "not computable at this sketch size" and the
 *       column does not count as drifted</td></tr>
 * </table>
 *
 * <h2>Degenerate inputs</h2>
 *
 * A column without non-missing values on either side gets score NaN, no p-value, drifted {@code
 * false} and a note. Missing values never enter the measures; they are reported in {@link
 * DataQuality}. Histograms add a "(missing)" bin when either side has missing values.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ProfileDrift {
  /** The {@link DriftReport#preset()} of reports made here. */
  public static final String PRESET = "profile";

  /** Longest list of new categories put into {@link DataQuality#newCategories()}. */
  public static final int MAX_NEW_CATEGORIES = 100;

  static final String NOT_COMPUTABLE = "not computable at this sketch size";
  static final String OTHER_BIN = "(other)";
  static final String MISSING_BIN = "(missing)";

  private final ProfileDriftMethod numericMethod;
  private final ProfileDriftMethod categoricalMethod;
  private final Map<ProfileDriftMethod, Double> thresholds;
  private final int bins;
  private final double jsLogBase;
  private final double ksMaxErrorRatio;
  private final double datasetThreshold;
  private final Clock clock;

  private ProfileDrift(Builder b) {
    this.numericMethod = b.numericMethod;
    this.categoricalMethod = b.categoricalMethod;
    this.thresholds = new EnumMap<>(b.thresholds);
    this.bins = b.bins;
    this.jsLogBase = b.jsLogBase;
    this.ksMaxErrorRatio = b.ksMaxErrorRatio;
    this.datasetThreshold = b.datasetThreshold;
    this.clock = b.clock;
  }

  /** Normed Wasserstein for numeric columns, Jensen-Shannon for the others, default thresholds. */
  public static ProfileDrift defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The method used for columns of a type. */
  public ProfileDriftMethod methodFor(ColumnType type) {
    return type == ColumnType.NUMERIC ? numericMethod : categoricalMethod;
  }

  /**
   * The name a method's results carry in {@link ColumnDrift#method()} and in the {@code method} tag
   * of metrics: {@link ProfileDriftMethod#id()}, except {@code jensenshannon_base2} for {@link
   * ProfileDriftMethod#JENSEN_SHANNON} with {@link Builder#jsLogBase jsLogBase(2)}.
   */
  public String methodName(ProfileDriftMethod method) {
    // the exact engine's name for the same distance, so both engines report one name per value
    return method == ProfileDriftMethod.JENSEN_SHANNON
        ? DriftMethod.jensenShannon().withLogBase(jsLogBase).name()
        : method.id();
  }

  /** The log base of the Jensen-Shannon distance: {@link Math#E} (default) or 2. */
  public double jsLogBase() {
    return jsLogBase;
  }

  /** The threshold of a method (alpha for {@link ProfileDriftMethod#KS}). */
  public double threshold(ProfileDriftMethod method) {
    return Objects.requireNonNull(thresholds.get(method), "every method has a threshold");
  }

  /** Share of drifted columns at which the report declares dataset drift. */
  public double datasetThreshold() {
    return datasetThreshold;
  }

  /**
   * Compares every column of {@code current} with {@code reference}, each with {@link
   * #methodFor(ColumnType) its type's method}.
   *
   * @throws IllegalArgumentException if the profiles' columns or column types differ (sketch
   *     parameters may differ)
   */
  public DriftReport compare(Profile reference, Profile current) {
    checkColumns(reference, current);
    DriftReport.Builder report =
        DriftReport.builder()
            .preset(PRESET)
            .createdTime(clock.instant())
            .rows(reference.rows(), current.rows())
            .datasetThreshold(datasetThreshold);
    ProfileSchema s = reference.schema();
    for (int i = 0; i < s.columns().size(); i++) {
      ColumnType type = s.typeAt(i);
      Result r = compare(reference, current, i, methodFor(type));
      report.column(r.drift, r.histogram, r.details);
    }
    return report.build();
  }

  /**
   * Compares one column with a given method.
   *
   * @throws IllegalArgumentException if the column is unknown, the profiles' columns differ, or the
   *     method does not apply to the column's type
   */
  public ColumnDrift compareColumn(
      Profile reference, Profile current, String column, ProfileDriftMethod method) {
    Objects.requireNonNull(method, "method");
    checkColumns(reference, current);
    return compare(reference, current, reference.schema().indexOf(column), method).drift;
  }

  /** The histogram a report would show for a column. */
  ColumnHistogram histogram(Profile reference, Profile current, String column) {
    int i = reference.schema().indexOf(column);
    Result r = compare(reference, current, i, methodFor(reference.schema().typeAt(i)));
    return Objects.requireNonNull(r.histogram);
  }

  private static void checkColumns(Profile reference, Profile current) {
    ProfileSchema a = reference.schema();
    ProfileSchema b = current.schema();
    if (!a.columns().equals(b.columns())) {
      throw new IllegalArgumentException(
          "The profiles have different columns: reference "
              + a.columns()
              + ", current "
              + b.columns());
    }
    for (int i = 0; i < a.columns().size(); i++) {
      if (a.typeAt(i) != b.typeAt(i)) {
        throw new IllegalArgumentException(
            "Column '"
                + a.columns().get(i)
                + "' is "
                + a.typeAt(i)
                + " in the reference but "
                + b.typeAt(i)
                + " in the current profile");
      }
    }
  }

  private record Result(ColumnDrift drift, @Nullable ColumnHistogram histogram, String details) {}

  private Result compare(Profile reference, Profile current, int i, ProfileDriftMethod method) {
    ProfileSchema s = reference.schema();
    String name = s.columns().get(i);
    ColumnType type = s.typeAt(i);
    int slot = s.slot(i);
    if (type == ColumnType.NUMERIC) {
      return numeric(name, reference.numeric(slot), current.numeric(slot), method);
    }
    if (!method.supportsCategorical()) {
      throw new IllegalArgumentException(
          "Method "
              + method.id()
              + " does not apply to "
              + type
              + " column '"
              + name
              + "'; use psi or jensenshannon");
    }
    return categorical(name, type, reference.categorical(slot), current.categorical(slot), method);
  }

  // ---- numeric ------------------------------------------------------------------------------

  private Result numeric(
      String name, NumericSketch ref, NumericSketch cur, ProfileDriftMethod method) {
    double threshold = threshold(method);
    DataQuality quality = numericQuality(ref, cur);
    if (ref.present == 0 || cur.present == 0) {
      String note =
          "no non-missing values in the "
              + (ref.present == 0 ? "reference" : "current")
              + " profile";
      ColumnDrift d =
          new ColumnDrift(
              name,
              ColumnType.NUMERIC,
              methodName(method),
              Double.NaN,
              threshold,
              false,
              Double.NaN,
              null,
              null,
              quality,
              note);
      return new Result(
          d,
          missingOnlyHistogram(ref.present, ref.missing, cur.present, cur.missing),
          numericDetails(ref, cur, method));
    }
    SketchCdf fr = ref.cdf();
    SketchCdf fc = cur.cdf();
    double[] edges = SketchBins.referenceEdges(ref, bins);
    double[] p = SketchBins.proportions(fr, edges);
    double[] q = SketchBins.proportions(fc, edges);
    ColumnHistogram histogram =
        histogram(
            List.of(SketchBins.labels(edges)),
            p,
            q,
            ref.present,
            ref.missing,
            cur.present,
            cur.missing);
    ColumnDrift drift;
    switch (method) {
      case WASSERSTEIN_NORMED -> drift = wassersteinNormed(name, ref, cur, fr, fc, quality);
      case PSI, JENSEN_SHANNON -> {
        double[] dp = SketchBins.constant(p.length, ref.pmfError());
        double[] dq = SketchBins.constant(q.length, cur.pmfError());
        drift = binned(name, ColumnType.NUMERIC, method, p, q, dp, dq, quality, null);
      }
      case KS -> drift = ks(name, ref, cur, fr, fc, quality);
      default -> throw new AssertionError(method);
    }
    return new Result(drift, histogram, numericDetails(ref, cur, method));
  }

  /**
   * W1 / max(σ<sub>ref</sub>, 0.001), computed in units of 2<sup>e</sup> so that values near
   * ±{@link Double#MAX_VALUE} give a finite score wherever the ratio is finite. A reference whose
   * sum of squared deviations overflowed (values beyond about 10<sup>154</sup> with a spread to
   * match) has no σ: the score is NaN, not drifted, with a note saying why.
   */
  private ColumnDrift wassersteinNormed(
      String name,
      NumericSketch ref,
      NumericSketch cur,
      SketchCdf fr,
      SketchCdf fc,
      DataQuality quality) {
    double threshold = threshold(ProfileDriftMethod.WASSERSTEIN_NORMED);
    String id = ProfileDriftMethod.WASSERSTEIN_NORMED.id();
    int e = SketchCdf.scaleExponent(fr, fc);
    double ws = SketchCdf.wasserstein(fr, fc, e);
    double w = Math.scalb(ws, e);
    double sd = Math.sqrt(Math.max(0.0, ref.m2 / ref.present));
    if (!Double.isFinite(sd)) {
      return new ColumnDrift(
          name,
          ColumnType.NUMERIC,
          id,
          Double.NaN,
          threshold,
          false,
          w,
          null,
          null,
          quality,
          "the reference's sum of squared deviations exceeds the range of a double"
              + " (values beyond about 1e154 in magnitude), so its standard deviation is unknown:"
              + " wasserstein_normed not computed; use psi, jensenshannon or ks");
    }
    // in units of 2^e: sigma, and the ranges of the error bound, cannot overflow there
    double sigma = Math.scalb(Math.max(sd, 0.001), -e);
    double rangeRef = Math.scalb(ref.max, -e) - Math.scalb(ref.min, -e);
    double rangeCur = Math.scalb(cur.max, -e) - Math.scalb(cur.min, -e);
    double score = ws / sigma;
    double bound = (ref.rankError() * rangeRef + cur.rankError() * rangeCur) / sigma;
    String note =
        Double.isFinite(score) ? null : "the score is infinite: it exceeds the range of a double";
    return new ColumnDrift(
        name,
        ColumnType.NUMERIC,
        id,
        score,
        threshold,
        score >= threshold,
        w,
        null,
        bound,
        quality,
        note);
  }

  private ColumnDrift ks(
      String name,
      NumericSketch ref,
      NumericSketch cur,
      SketchCdf fr,
      SketchCdf fc,
      DataQuality quality) {
    double alpha = threshold(ProfileDriftMethod.KS);
    String id = ProfileDriftMethod.KS.id();
    if (ref.rankError() == 0 && cur.rankError() == 0) {
      TestResult t = StatTests.ks(fr.values(), fc.values());
      return new ColumnDrift(
          name,
          ColumnType.NUMERIC,
          id,
          t.pValue(),
          alpha,
          t.pValue() <= alpha,
          t.statistic(),
          t.pValue(),
          0.0,
          quality,
          "exact: both sketches hold every value");
    }
    double d = SketchCdf.ks(fr, fc);
    double bound = ref.rankError() + cur.rankError();
    double n = ref.present;
    double m = cur.present;
    double critical = Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
    if (bound > ksMaxErrorRatio * critical) {
      String note =
          String.format(
              Locale.ROOT,
              "%s: rank error bound %.4f exceeds %.2f x the"
                  + " critical D %.4f at alpha %s for n=%d, m=%d; raise kllK or use a distance",
              NOT_COMPUTABLE,
              bound,
              ksMaxErrorRatio,
              critical,
              alpha,
              ref.present,
              cur.present);
      return new ColumnDrift(
          name, ColumnType.NUMERIC, id, Double.NaN, alpha, false, d, null, bound, quality, note);
    }
    double pValue = ksAsymptoticP(d, ref.present, cur.present);
    return new ColumnDrift(
        name,
        ColumnType.NUMERIC,
        id,
        pValue,
        alpha,
        pValue <= alpha,
        d,
        pValue,
        bound,
        quality,
        null);
  }

  /**
   * P(D ≥ d) for the two-sample statistic with effective size N = round(n·m/(n+m)), as scipy's
   * asymptotic {@code ks_2samp} ({@link StatTests#ksAsymptoticPValue}) up to N = 100 000, the
   * Kolmogorov limit beyond, where the exact distribution's O(N) cost is not worth its precision
   * next to a sketch's error.
   */
  static double ksAsymptoticP(double d, long n, long m) {
    double en = (double) n * m / ((double) n + m);
    if (en > 100_000) {
      double lambda = Math.sqrt(en) * d;
      double sum = 0;
      for (int k = 1; k <= 100; k++) {
        double term = Math.exp(-2.0 * k * k * lambda * lambda);
        sum += (k % 2 == 1 ? term : -term);
        if (term < 1e-16) {
          break;
        }
      }
      return Math.min(1.0, Math.max(0.0, 2 * sum));
    }
    return StatTests.ksAsymptoticPValue(d, n, m);
  }

  private DataQuality numericQuality(NumericSketch ref, NumericSketch cur) {
    double outOfRange = 0;
    if (ref.present > 0 && cur.present > 0 && (cur.min < ref.min || cur.max > ref.max)) {
      SketchCdf fc = cur.cdf();
      double below = cur.min < ref.min ? fc.below(ref.min) : 0;
      double above = cur.max > ref.max ? 1 - fc.at(ref.max) : 0;
      outOfRange = Math.min(1.0, Math.max(0.0, below + above));
      if (outOfRange == 0) {
        // the sketch may have lost the few outliers; the exact min/max prove there is one
        outOfRange = Math.min(1.0, 1.0 / cur.present);
      }
    }
    return new DataQuality(
        share(ref.missing, ref.present),
        share(cur.missing, cur.present),
        List.of(),
        outOfRange,
        ref.present == 0 || ref.min == ref.max,
        cur.present == 0 || cur.min == cur.max);
  }

  private static double share(long missing, long present) {
    long all = missing + present;
    return all == 0 ? 0.0 : (double) missing / all;
  }

  // ---- categorical --------------------------------------------------------------------------

  private Result categorical(
      String name,
      ColumnType type,
      CategorySketch ref,
      CategorySketch cur,
      ProfileDriftMethod method) {
    double threshold = threshold(method);
    Map<String, Long> rc = ref.counts();
    Map<String, Long> cc = cur.counts();
    TreeSet<String> fresh = new TreeSet<>();
    for (String k : cc.keySet()) {
      if (!rc.containsKey(k)) {
        fresh.add(k);
      }
    }
    List<String> newCategories = new ArrayList<>(fresh);
    String freshNote = null;
    if (newCategories.size() > MAX_NEW_CATEGORIES) {
      freshNote =
          newCategories.size() + " new categories, the first " + MAX_NEW_CATEGORIES + " listed";
      newCategories = newCategories.subList(0, MAX_NEW_CATEGORIES);
    }
    DataQuality quality =
        new DataQuality(
            share(ref.missing, ref.present),
            share(cur.missing, cur.present),
            newCategories,
            0.0,
            ref.distinct() <= 1,
            cur.distinct() <= 1);
    if (ref.present == 0 || cur.present == 0) {
      String note =
          "no non-missing values in the "
              + (ref.present == 0 ? "reference" : "current")
              + " profile";
      ColumnDrift d =
          new ColumnDrift(
              name,
              type,
              methodName(method),
              Double.NaN,
              threshold,
              false,
              Double.NaN,
              null,
              null,
              quality,
              note);
      return new Result(
          d,
          missingOnlyHistogram(ref.present, ref.missing, cur.present, cur.missing),
          categoricalDetails(ref, cur, method));
    }
    TreeMap<String, long[]> union = new TreeMap<>();
    rc.forEach((k, v) -> union.computeIfAbsent(k, x -> new long[2])[0] = v);
    cc.forEach((k, v) -> union.computeIfAbsent(k, x -> new long[2])[1] = v);
    boolean other = !ref.isExact() || !cur.isExact();
    int nb = union.size() + (other ? 1 : 0);
    List<String> labels = new ArrayList<>(nb);
    double[] p = new double[nb];
    double[] q = new double[nb];
    int b = 0;
    long sumR = 0;
    long sumC = 0;
    for (Map.Entry<String, long[]> e : union.entrySet()) {
      labels.add(e.getKey());
      p[b] = e.getValue()[0];
      q[b] = e.getValue()[1];
      sumR += e.getValue()[0];
      sumC += e.getValue()[1];
      b++;
    }
    if (other) {
      labels.add(OTHER_BIN);
      p[b] = Math.max(0, ref.present - sumR);
      q[b] = Math.max(0, cur.present - sumC);
    }
    normalize(p);
    normalize(q);
    double[] dp = countErrors(ref, rc.size(), nb, other);
    double[] dq = countErrors(cur, cc.size(), nb, other);
    ColumnDrift drift = binned(name, type, method, p, q, dp, dq, quality, freshNote);
    ColumnHistogram histogram =
        histogram(labels, p, q, ref.present, ref.missing, cur.present, cur.missing);
    return new Result(drift, histogram, categoricalDetails(ref, cur, method));
  }

  private static double[] countErrors(CategorySketch s, int reported, int bins, boolean other) {
    double e = (double) s.maxCountError() / s.present;
    double[] d = SketchBins.constant(bins, Math.min(1.0, e));
    if (other) {
      d[bins - 1] = Math.min(1.0, e * Math.max(1, reported));
    }
    return d;
  }

  private static void normalize(double[] p) {
    double sum = 0;
    for (double v : p) {
      sum += v;
    }
    for (int i = 0; i < p.length; i++) {
      p[i] = p[i] / sum;
    }
  }

  // ---- binned measures ----------------------------------------------------------------------

  private ColumnDrift binned(
      String name,
      ColumnType type,
      ProfileDriftMethod method,
      double[] p,
      double[] q,
      double[] dp,
      double[] dq,
      DataQuality quality,
      @Nullable String note) {
    double threshold = threshold(method);
    double score;
    double bound;
    if (method == ProfileDriftMethod.PSI) {
      score = Distances.psi(p, q);
      double fp = SketchBins.fillValue(p);
      double fq = SketchBins.fillValue(q);
      double[] pf = SketchBins.filled(p, fp);
      double[] qf = SketchBins.filled(q, fq);
      double center = SketchBins.sum(pf, qf, SketchBins.PSI);
      double[] i = SketchBins.interval(pf, qf, dp, dq, fp, fq, SketchBins.PSI);
      bound = Math.max(i[1] - center, center - i[0]);
    } else {
      score = Distances.jensenShannon(p, q, jsLogBase);
      SketchBins.Term term = SketchBins.jensenShannon(jsLogBase);
      double max = SketchBins.maxJsDivergence(jsLogBase);
      double center = Math.sqrt(Math.min(SketchBins.sum(p, q, term), max));
      double[] i = SketchBins.interval(p, q, dp, dq, 0, 0, term);
      bound =
          Math.max(
              Math.sqrt(Math.min(i[1], max)) - center, center - Math.sqrt(Math.min(i[0], max)));
    }
    bound = Math.max(0.0, bound);
    return new ColumnDrift(
        name,
        type,
        methodName(method),
        score,
        threshold,
        score >= threshold,
        score,
        null,
        bound,
        quality,
        note);
  }

  // ---- details ------------------------------------------------------------------------------

  private String numericDetails(NumericSketch ref, NumericSketch cur, ProfileDriftMethod method) {
    StringBuilder sb =
        new StringBuilder("from profiles: reference ")
            .append(sketch(ref))
            .append(", current ")
            .append(sketch(cur));
    switch (method) {
      case WASSERSTEIN_NORMED ->
          sb.append(
              String.format(
                  Locale.ROOT,
                  "; divided by max(reference population sd %.6g, 0.001)",
                  ref.present == 0 ? Double.NaN : Math.sqrt(Math.max(0, ref.m2 / ref.present))));
      case PSI ->
          sb.append("; ")
              .append(bins)
              .append(" reference-quantile bins, zero bins filled" + " as Evidently");
      case JENSEN_SHANNON ->
          sb.append("; ")
              .append(bins)
              .append(" reference-quantile bins, log" + " base ")
              .append(SketchBins.format(jsLogBase, 6));
      case KS ->
          sb.append("; alpha ")
              .append(threshold(ProfileDriftMethod.KS))
              .append(", p-value computed when the rank error bound is at most ")
              .append(ksMaxErrorRatio)
              .append(" x the critical D");
      default -> throw new AssertionError(method);
    }
    return sb.toString();
  }

  private static String sketch(NumericSketch s) {
    return String.format(
        Locale.ROOT,
        "n=%d (KLL k=%d, %s)",
        s.present,
        s.k(),
        s.rankError() == 0
            ? "exact"
            : String.format(Locale.ROOT, "rank error %.4f", s.rankError()));
  }

  private String categoricalDetails(
      CategorySketch ref, CategorySketch cur, ProfileDriftMethod method) {
    return "from profiles: reference "
        + counts(ref)
        + ", current "
        + counts(cur)
        + (method == ProfileDriftMethod.JENSEN_SHANNON
            ? "; log base " + SketchBins.format(jsLogBase, 6)
            : "; zero bins filled as Evidently");
  }

  private static String counts(CategorySketch s) {
    return "n="
        + s.present
        + (s.isExact()
            ? " (exact counts)"
            : " (frequent items, count error <= " + s.maxCountError() + ")");
  }

  // ---- histograms ---------------------------------------------------------------------------

  private static ColumnHistogram histogram(
      List<String> labels,
      double[] p,
      double[] q,
      long refPresent,
      long refMissing,
      long curPresent,
      long curMissing) {
    if (refMissing == 0 && curMissing == 0) {
      return new ColumnHistogram(labels, p, q);
    }
    List<String> l = new ArrayList<>(labels);
    l.add(MISSING_BIN);
    return new ColumnHistogram(
        l, withMissing(p, refPresent, refMissing), withMissing(q, curPresent, curMissing));
  }

  private static double[] withMissing(double[] p, long present, long missing) {
    double[] out = new double[p.length + 1];
    long all = present + missing;
    if (all == 0) {
      return out;
    }
    double scale = (double) present / all;
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i] * scale;
    }
    out[p.length] = (double) missing / all;
    return out;
  }

  private static @Nullable ColumnHistogram missingOnlyHistogram(
      long refPresent, long refMissing, long curPresent, long curMissing) {
    if (refPresent + refMissing == 0 || curPresent + curMissing == 0) {
      return null;
    }
    double rp = (double) refPresent / (refPresent + refMissing);
    double cp = (double) curPresent / (curPresent + curMissing);
    return new ColumnHistogram(
        List.of("(present)", MISSING_BIN), new double[] {rp, 1 - rp}, new double[] {cp, 1 - cp});
  }

  @Override
  public String toString() {
    return "ProfileDrift{numeric="
        + numericMethod.id()
        + ", categorical="
        + categoricalMethod.id()
        + ", thresholds="
        + thresholds
        + ", bins="
        + bins
        + ", jsLogBase="
        + jsLogBase
        + ", ksMaxErrorRatio="
        + ksMaxErrorRatio
        + ", datasetThreshold="
        + datasetThreshold
        + "}";
  }

  /** Configures a {@link ProfileDrift}; every setter validates its argument. */
  public static final class Builder {
    private ProfileDriftMethod numericMethod = ProfileDriftMethod.WASSERSTEIN_NORMED;
    private ProfileDriftMethod categoricalMethod = ProfileDriftMethod.JENSEN_SHANNON;
    private final EnumMap<ProfileDriftMethod, Double> thresholds =
        new EnumMap<>(ProfileDriftMethod.class);
    private int bins = 10;
    private double jsLogBase = Math.E;
    private double ksMaxErrorRatio = 0.25;
    private double datasetThreshold = 0.5;
    private Clock clock = Clock.systemUTC();

    private Builder() {
      for (ProfileDriftMethod m : ProfileDriftMethod.values()) {
        thresholds.put(m, m.defaultThreshold());
      }
    }

    /** Method for numeric columns (default {@code wasserstein_normed}). */
    public Builder numericMethod(ProfileDriftMethod method) {
      this.numericMethod = Objects.requireNonNull(method, "method");
      return this;
    }

    /**
     * Method for categorical and binary columns (default {@code jensenshannon}).
     *
     * @throws IllegalArgumentException for a numeric-only method
     */
    public Builder categoricalMethod(ProfileDriftMethod method) {
      Objects.requireNonNull(method, "method");
      if (!method.supportsCategorical()) {
        throw new IllegalArgumentException(
            "categoricalMethod must be psi or jensenshannon, was " + method.id());
      }
      this.categoricalMethod = method;
      return this;
    }

    /**
     * Threshold of a method: a distance at or above it means drift; for {@code ks} it is alpha, in
     * (0, 1), and a p-value at or below it means drift.
     */
    public Builder threshold(ProfileDriftMethod method, double threshold) {
      Objects.requireNonNull(method, "method");
      if (method.isTest()
          ? !(threshold > 0 && threshold < 1)
          : !(threshold > 0 && Double.isFinite(threshold))) {
        throw new IllegalArgumentException(
            "Threshold of "
                + method.id()
                + " must be "
                + (method.isTest() ? "in (0, 1)" : "finite and > 0")
                + ", was "
                + threshold);
      }
      thresholds.put(method, threshold);
      return this;
    }

    /**
     * Number of reference-quantile bins for PSI and Jensen-Shannon on numeric columns, [2, 1000].
     */
    public Builder bins(int bins) {
      Checks.inRange(bins, 2, 1000, "bins");
      this.bins = bins;
      return this;
    }

    /**
     * Log base of the Jensen-Shannon distance: {@link Math#E} (default; {@code jensenshannon}, as
     * Evidently, scipy and {@link io.github.mlops4j.monitoring.drift.DriftDetector}, range [0,
     * 0.8326]) or 2 (range [0, 1], NannyML's convention, reported as {@code jensenshannon_base2}).
     * The threshold stays as set: a base-2 distance is about 1.2 times the natural-log one.
     *
     * @throws IllegalArgumentException for any other base
     */
    public Builder jsLogBase(double base) {
      var unused = DriftMethod.jensenShannon().withLogBase(base); // same check as DriftDetector
      this.jsLogBase = base;
      return this;
    }

    /**
     * Largest ratio of the sketches' rank error bound to the critical KS D at which a KS p-value is
     * still computed, in (0, 1]; default 0.25.
     */
    public Builder ksMaxErrorRatio(double ratio) {
      Checks.aboveAndAtMost(ratio, 0, 1, "ksMaxErrorRatio");
      this.ksMaxErrorRatio = ratio;
      return this;
    }

    /** Share of drifted columns at which the dataset drifts, in (0, 1]; default 0.5. */
    public Builder datasetThreshold(double share) {
      DriftReport.builder().datasetThreshold(share); // same check and message as DriftDetector
      this.datasetThreshold = share;
      return this;
    }

    /** Clock for {@link DriftReport#createdTime()}; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ProfileDrift build() {
      return new ProfileDrift(this);
    }
  }
}
