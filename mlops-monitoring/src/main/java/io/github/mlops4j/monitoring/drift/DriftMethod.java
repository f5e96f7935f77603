package io.github.mlops4j.monitoring.drift;

import com.google.errorprone.annotations.CheckReturnValue;
import io.github.mlops4j.internal.Checks;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A drift method and its threshold: a two-sample test (drift when the p-value is at or below the
 * threshold) or a distance (drift when the distance is at or above it). Names and default
 * thresholds follow Evidently's code ({@code StatTest(default_threshold=…)}), including where
 * Evidently's documentation says otherwise (Cramér-von Mises: 0.1 in code, 0.05 in the docs).
 *
 * <table>
 *   <caption>Methods</caption>
 *   <tr><th>factory</th><th>name</th><th>score</th><th>drift when</th><th>default</th><th>columns</th></tr>
 *   <tr><td>{@link #ks()}</td><td>{@code ks}</td><td>p-value</td><td>p ≤ t</td><td>0.05</td><td>numeric</td></tr>
 *   <tr><td>{@link #cramerVonMises()}</td><td>{@code cramer_von_mises}</td><td>p-value</td><td>p ≤ t</td><td>0.1</td><td>numeric</td></tr>
 *   <tr><td>{@link #chiSquare()}</td><td>{@code chisquare}</td><td>p-value</td><td>p &lt; t</td><td>0.05</td><td>all</td></tr>
 *   <tr><td>{@link #chiSquareHomogeneity()}</td><td>{@code chisquare_homogeneity}</td><td>p-value</td><td>p &lt; t</td><td>0.05</td><td>all</td></tr>
 *   <tr><td>{@link #zTest()}</td><td>{@code z}</td><td>p-value</td><td>p &lt; t</td><td>0.05</td><td>all</td></tr>
 *   <tr><td>{@link #wasserstein()}</td><td>{@code wasserstein_normed}</td><td>W1 / max(σ_ref, 0.001)</td><td>≥ t</td><td>0.1</td><td>numeric</td></tr>
 *   <tr><td>{@link #energy()}</td><td>{@code energy}</td><td>energy distance (raw units)</td><td>&gt; t</td><td>0.1</td><td>numeric</td></tr>
 *   <tr><td>{@link #jensenShannon()}</td><td>{@code jensenshannon}</td><td>JS distance, natural log
 *       (with {@link #withLogBase(double) withLogBase(2)}: {@code jensenshannon_base2}, base 2)</td>
 *       <td>≥ t</td><td>0.1</td><td>all</td></tr>
 *   <tr><td>{@link #psi()}</td><td>{@code psi}</td><td>population stability index</td><td>≥ t</td><td>0.1</td><td>all</td></tr>
 *   <tr><td>{@link #kl()}</td><td>{@code kl_div}</td><td>KL(reference ‖ current)</td><td>≥ t</td><td>0.1</td><td>all</td></tr>
 *   <tr><td>{@link #hellinger()}</td><td>{@code hellinger}</td><td>Hellinger distance</td><td>≥ t</td><td>0.1</td><td>all</td></tr>
 * </table>
 *
 * <p>On numeric columns the categorical tests ({@code chisquare}, {@code chisquare_homogeneity},
 * {@code z}) treat each distinct value as a category, as Evidently does for numeric columns with at
 * most five values; the binned distances ({@code jensenshannon}, {@code psi}, {@code kl_div},
 * {@code hellinger}) use {@link #bins()}, by default {@link Bins#quantiles(int) 10 reference
 * quantile bins}. The {@code z} test compares the share of the first value in sorted order with the
 * share of all others, as Evidently does.
 *
 * <p>Instances are immutable; {@code with…} methods return a copy.
 *
 * @since 0.1.0
 */
public final class DriftMethod {
  /**
   * The name of the Jensen-Shannon distance in base 2 (NannyML's convention, range [0, 1]): {@code
   * jensenshannon} always means the natural logarithm (Evidently's and scipy's default, range [0,
   * √ln 2 ≈ 0.8326]), so the same data never reports two values under one name. The base-2 distance
   * is the natural-log one divided by √ln 2 (about 1.201 times larger).
   */
  public static final String JENSEN_SHANNON_BASE2 = "jensenshannon_base2";

  /** The methods this class knows, with their rule and default threshold. */
  enum Kind {
    KS("ks", Rule.P_AT_MOST, 0.05, true, false),
    CRAMER_VON_MISES("cramer_von_mises", Rule.P_AT_MOST, 0.1, true, false),
    CHI_SQUARE("chisquare", Rule.P_BELOW, 0.05, false, false),
    CHI_SQUARE_HOMOGENEITY("chisquare_homogeneity", Rule.P_BELOW, 0.05, false, false),
    Z("z", Rule.P_BELOW, 0.05, false, false),
    WASSERSTEIN_NORMED("wasserstein_normed", Rule.AT_LEAST, 0.1, true, false),
    ENERGY("energy", Rule.ABOVE, 0.1, true, false),
    JENSEN_SHANNON("jensenshannon", Rule.AT_LEAST, 0.1, false, true),
    PSI("psi", Rule.AT_LEAST, 0.1, false, true),
    KL("kl_div", Rule.AT_LEAST, 0.1, false, true),
    HELLINGER("hellinger", Rule.AT_LEAST, 0.1, false, true);

    final String id;
    final Rule rule;
    final double defaultThreshold;
    final boolean numericOnly;
    final boolean binned;

    Kind(String id, Rule rule, double defaultThreshold, boolean numericOnly, boolean binned) {
      this.id = id;
      this.rule = rule;
      this.defaultThreshold = defaultThreshold;
      this.numericOnly = numericOnly;
      this.binned = binned;
    }

    static @Nullable Kind byName(String name) {
      if (JENSEN_SHANNON_BASE2.equals(name)) {
        return JENSEN_SHANNON;
      }
      for (Kind k : values()) {
        if (k.id.equals(name)) {
          return k;
        }
      }
      return null;
    }
  }

  /** How the score is compared with the threshold. */
  enum Rule {
    P_AT_MOST("p <= threshold"),
    P_BELOW("p < threshold"),
    AT_LEAST("score >= threshold"),
    ABOVE("score > threshold");

    final String text;

    Rule(String text) {
      this.text = text;
    }

    boolean isTest() {
      return this == P_AT_MOST || this == P_BELOW;
    }

    boolean drifted(double score, double threshold) {
      switch (this) {
        case P_AT_MOST:
          return score <= threshold;
        case P_BELOW:
          return score < threshold;
        case AT_LEAST:
          return score >= threshold;
        default:
          return score > threshold;
      }
    }
  }

  private final Kind kind;
  private final double threshold;
  private final double logBase;
  private final Bins bins;

  private DriftMethod(Kind kind, double threshold, double logBase, Bins bins) {
    this.kind = kind;
    this.threshold = threshold;
    this.logBase = logBase;
    this.bins = bins;
  }

  private static DriftMethod of(Kind kind, double threshold) {
    return new DriftMethod(kind, checkThreshold(kind, threshold), Math.E, Bins.quantiles(10));
  }

  /** Two-sample Kolmogorov-Smirnov test, drift when p ≤ 0.05. */
  public static DriftMethod ks() {
    return ks(Kind.KS.defaultThreshold);
  }

  /**
   * Two-sample Kolmogorov-Smirnov test (scipy's {@code ks_2samp}: exact p-value when both samples
   * have at most 10,000 values), drift when p ≤ {@code alpha}.
   */
  public static DriftMethod ks(double alpha) {
    return of(Kind.KS, alpha);
  }

  /** Two-sample Cramér-von Mises test, drift when p ≤ 0.1 (Evidently's code default). */
  public static DriftMethod cramerVonMises() {
    return cramerVonMises(Kind.CRAMER_VON_MISES.defaultThreshold);
  }

  /** Two-sample Cramér-von Mises test, drift when p ≤ {@code alpha}; needs two values per side. */
  public static DriftMethod cramerVonMises(double alpha) {
    return of(Kind.CRAMER_VON_MISES, alpha);
  }

  /** Evidently's chi-square goodness of fit against the reference, drift when p &lt; 0.05. */
  public static DriftMethod chiSquare() {
    return chiSquare(Kind.CHI_SQUARE.defaultThreshold);
  }

  /**
   * Evidently's chi-square goodness of fit of the current counts against the reference proportions,
   * drift when p &lt; {@code alpha}. A category the reference never saw gives p = 0.
   */
  public static DriftMethod chiSquare(double alpha) {
    return of(Kind.CHI_SQUARE, alpha);
  }

  /** Chi-square test of homogeneity (2 × k table, no Yates correction), drift when p &lt; 0.05. */
  public static DriftMethod chiSquareHomogeneity() {
    return chiSquareHomogeneity(Kind.CHI_SQUARE_HOMOGENEITY.defaultThreshold);
  }

  /** Chi-square test of homogeneity, drift when p &lt; {@code alpha}. */
  public static DriftMethod chiSquareHomogeneity(double alpha) {
    return of(Kind.CHI_SQUARE_HOMOGENEITY, alpha);
  }

  /** Two-proportion z-test, drift when p &lt; 0.05. */
  public static DriftMethod zTest() {
    return zTest(Kind.Z.defaultThreshold);
  }

  /**
   * Two-proportion z-test (the first value in sorted order against the rest), drift when p &lt;
   * {@code alpha}.
   */
  public static DriftMethod zTest(double alpha) {
    return of(Kind.Z, alpha);
  }

  /** Wasserstein distance normed by the reference standard deviation, drift when ≥ 0.1. */
  public static DriftMethod wasserstein() {
    return wasserstein(Kind.WASSERSTEIN_NORMED.defaultThreshold);
  }

  /**
   * 1-Wasserstein distance divided by {@code max(std(reference, ddof=0), 0.001)} (Evidently's
   * {@code wasserstein}), drift when ≥ {@code threshold}. A value of 0.1 is a mean shift of a tenth
   * of the reference standard deviation.
   */
  public static DriftMethod wasserstein(double threshold) {
    return of(Kind.WASSERSTEIN_NORMED, threshold);
  }

  /** Energy distance in the data's units, drift when &gt; 0.1 (Evidently's strict rule). */
  public static DriftMethod energy() {
    return energy(Kind.ENERGY.defaultThreshold);
  }

  /**
   * Energy distance in the data's units (not normalised, as in Evidently), drift when &gt; {@code
   * threshold}.
   */
  public static DriftMethod energy(double threshold) {
    return of(Kind.ENERGY, threshold);
  }

  /** Jensen-Shannon distance with natural logarithms (Evidently), drift when ≥ 0.1. */
  public static DriftMethod jensenShannon() {
    return jensenShannon(Kind.JENSEN_SHANNON.defaultThreshold);
  }

  /**
   * Jensen-Shannon <em>distance</em> (square root of the divergence) with natural logarithms, as
   * Evidently and scipy's {@code jensenshannon(p, q)}, so in [0, 0.833]; drift when ≥ {@code
   * threshold}. Use {@link #withLogBase(double) withLogBase(2)} for NannyML's convention, in [0,
   * 1], reported as {@value #JENSEN_SHANNON_BASE2}.
   */
  public static DriftMethod jensenShannon(double threshold) {
    return of(Kind.JENSEN_SHANNON, threshold);
  }

  /** Population stability index, drift when ≥ 0.1 (Evidently's default). */
  public static DriftMethod psi() {
    return psi(Kind.PSI.defaultThreshold);
  }

  /**
   * Population stability index Σ (p − q)·ln(p / q) with Evidently's fill for empty bins, drift when
   * ≥ {@code threshold}. Rule of thumb: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 a major
   * shift.
   */
  public static DriftMethod psi(double threshold) {
    return of(Kind.PSI, threshold);
  }

  /** KL divergence KL(reference ‖ current), drift when ≥ 0.1. */
  public static DriftMethod kl() {
    return kl(Kind.KL.defaultThreshold);
  }

  /**
   * KL divergence KL(reference ‖ current) in nats, with Evidently's fill for empty bins, drift when
   * ≥ {@code threshold}.
   */
  public static DriftMethod kl(double threshold) {
    return of(Kind.KL, threshold);
  }

  /** Hellinger distance, drift when ≥ 0.1. */
  public static DriftMethod hellinger() {
    return hellinger(Kind.HELLINGER.defaultThreshold);
  }

  /** Hellinger distance in [0, 1], drift when ≥ {@code threshold}. */
  public static DriftMethod hellinger(double threshold) {
    return of(Kind.HELLINGER, threshold);
  }

  /** The same method with another threshold. */
  @CheckReturnValue
  public DriftMethod withThreshold(double threshold) {
    return new DriftMethod(kind, checkThreshold(kind, threshold), logBase, bins);
  }

  /**
   * The same method with another binning of numeric columns.
   *
   * @throws IllegalStateException if the method is not a binned distance
   */
  @CheckReturnValue
  public DriftMethod withBins(Bins bins) {
    Objects.requireNonNull(bins, "bins");
    if (!kind.binned) {
      throw new IllegalStateException(
          kind.id
              + " does not bin its input; bins apply to "
              + "jensenshannon, psi, kl_div and hellinger");
    }
    return new DriftMethod(kind, threshold, logBase, bins);
  }

  /**
   * The same Jensen-Shannon method with logarithms in base {@link Math#E} (the default, {@code
   * jensenshannon}) or 2 (distances in [0, 1], reported as {@value #JENSEN_SHANNON_BASE2}). The
   * threshold is kept as it is: a base-2 distance is about 1.2 times the natural-log one, so the
   * same threshold flags drift a little earlier.
   *
   * @throws IllegalStateException if the method is not {@code jensenshannon}
   * @throws IllegalArgumentException if the base is neither {@link Math#E} nor 2
   */
  @CheckReturnValue
  public DriftMethod withLogBase(double base) {
    if (kind != Kind.JENSEN_SHANNON) {
      throw new IllegalStateException("Only jensenshannon has a log base, not " + kind.id);
    }
    return new DriftMethod(kind, threshold, checkJsLogBase(base), bins);
  }

  /** Math.E or 2, the two log bases the Jensen-Shannon distance has a name for. */
  static double checkJsLogBase(double base) {
    if (base != Math.E && base != 2.0) {
      throw new IllegalArgumentException(
          "Log base must be Math.E (jensenshannon, Evidently and"
              + " scipy) or 2 ("
              + JENSEN_SHANNON_BASE2
              + ", NannyML), was "
              + base);
    }
    return base;
  }

  /** The name of the Jensen-Shannon distance in a log base checked by {@link #checkJsLogBase}. */
  static String jensenShannonName(double logBase) {
    return logBase == 2.0 ? JENSEN_SHANNON_BASE2 : Kind.JENSEN_SHANNON.id;
  }

  /**
   * The method's name as reported in {@link ColumnDrift#method()}: {@code ks}, {@code
   * cramer_von_mises}, {@code chisquare}, {@code chisquare_homogeneity}, {@code z}, {@code
   * wasserstein_normed}, {@code energy}, {@code jensenshannon} (natural log), {@value
   * #JENSEN_SHANNON_BASE2}, {@code psi}, {@code kl_div} or {@code hellinger}.
   */
  public String name() {
    return kind == Kind.JENSEN_SHANNON ? jensenShannonName(logBase) : kind.id;
  }

  public double threshold() {
    return threshold;
  }

  /**
   * Whether the score is a p-value (drift when small) rather than a distance (drift when large).
   */
  public boolean isTest() {
    return kind.rule.isTest();
  }

  /** The comparison, e.g. {@code "p <= threshold"} or {@code "score >= threshold"}. */
  public String rule() {
    return kind.rule.text;
  }

  /** How numeric columns are binned; meaningful for the binned distances only. */
  public Bins bins() {
    return bins;
  }

  /** The logarithm base of {@code jensenshannon} ({@link Math#E} unless changed). */
  public double logBase() {
    return logBase;
  }

  /** Whether a score means drift under this method's rule and threshold. */
  public boolean drifted(double score) {
    return kind.rule.drifted(score, threshold);
  }

  /** Whether the method can be applied to a column of this type. */
  public boolean appliesTo(ColumnType type) {
    return !kind.numericOnly || type == ColumnType.NUMERIC;
  }

  Kind kind() {
    return kind;
  }

  /**
   * The rule text for a method name, or a generic one for names this class does not know (for
   * reports built by other code).
   */
  static String ruleText(String methodName, boolean hasPValue) {
    Kind k = Kind.byName(methodName);
    if (k != null) {
      return k.rule.text;
    }
    return hasPValue ? "p-value compared with threshold" : "score compared with threshold";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DriftMethod m
        && m.kind == kind
        && Double.compare(m.threshold, threshold) == 0
        && Double.compare(m.logBase, logBase) == 0
        && m.bins.equals(bins);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, threshold, logBase, bins);
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder(name()).append('(').append(rule().replace("threshold", fmt(threshold)));
    if (kind == Kind.JENSEN_SHANNON) {
      sb.append(", log base ").append(logBase == Math.E ? "e" : fmt(logBase));
    }
    if (kind.binned) {
      sb.append(", numeric bins ").append(bins);
    }
    return sb.append(')').toString();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }

  private static double checkThreshold(Kind kind, double t) {
    if (kind.rule.isTest()) {
      Checks.strictlyBetween(t, 0, 1, kind.id + " threshold (a significance level)");
    } else {
      Checks.positiveFinite(t, kind.id + " threshold");
    }
    return t;
  }
}
