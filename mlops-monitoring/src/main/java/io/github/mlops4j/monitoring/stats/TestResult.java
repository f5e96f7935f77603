package io.github.mlops4j.monitoring.stats;

import java.util.Objects;

/**
 * The outcome of a two-sample hypothesis test.
 *
 * <p>A result is never half-defined: the statistic is never NaN (it may be {@code +Infinity} for a
 * goodness-of-fit chi-square with a category that the reference never saw, see {@link
 * StatTests#chiSquare}), and the p-value is always in [0, 1].
 *
 * @param method which test produced the result; one of the constants of this record ({@link #KS},
 *     {@link #CRAMER_VON_MISES}, {@link #CHI_SQUARE}, {@link #CHI_SQUARE_HOMOGENEITY}, {@link #Z}).
 *     The names follow Evidently's stat-test names where Evidently has the test.
 * @param statistic the test statistic; its definition is documented on the method that made it
 * @param pValue the p-value, in [0, 1]
 * @param pValueMethod how the p-value was computed: {@link PValueMethod#EXACT} or {@link
 *     PValueMethod#ASYMPTOTIC}, never {@link PValueMethod#AUTO}
 * @since 0.1.0
 */
public record TestResult(
    String method, double statistic, double pValue, PValueMethod pValueMethod) {

  /** Two-sample two-sided Kolmogorov-Smirnov test ({@link StatTests#ks}). */
  public static final String KS = "ks";

  /** Two-sample Cramér-von Mises test ({@link StatTests#cramerVonMises}). */
  public static final String CRAMER_VON_MISES = "cramer_von_mises";

  /** Chi-square goodness of fit of current against reference ({@link StatTests#chiSquare}). */
  public static final String CHI_SQUARE = "chisquare";

  /** Chi-square test of homogeneity on a 2 x K table ({@link StatTests#chiSquareHomogeneity}). */
  public static final String CHI_SQUARE_HOMOGENEITY = "chisquare_homogeneity";

  /** Two-proportion z-test ({@link StatTests#zTestProportions}). */
  public static final String Z = "z";

  /**
   * Validates the components.
   *
   * @param method which test produced the result
   * @param statistic the test statistic, not NaN
   * @param pValue the p-value, in [0, 1]
   * @param pValueMethod {@link PValueMethod#EXACT} or {@link PValueMethod#ASYMPTOTIC}
   * @throws IllegalArgumentException if the statistic is NaN, the p-value is outside [0, 1] or the
   *     p-value method is {@link PValueMethod#AUTO}
   */
  public TestResult {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pValueMethod, "pValueMethod");
    if (Double.isNaN(statistic)) {
      throw new IllegalArgumentException("statistic of " + method + " is NaN");
    }
    if (!(pValue >= 0.0 && pValue <= 1.0)) {
      throw new IllegalArgumentException(
          "pValue of " + method + " = " + pValue + ", must be in [0, 1]");
    }
    if (pValueMethod == PValueMethod.AUTO) {
      throw new IllegalArgumentException(
          "pValueMethod of a result must be EXACT or ASYMPTOTIC (the method actually used), not AUTO");
    }
  }
}
