package io.github.mlops4j.monitoring.profile;

/**
 * The drift measures {@link ProfileDrift} computes from two profiles' sketches. Each result carries
 * an error bound derived from the sketches' normalized rank error (0 when both sketches are exact).
 *
 * @since 0.1.0
 */
public enum ProfileDriftMethod {
  /**
   * 1-Wasserstein distance divided by the reference's population standard deviation (floored at
   * 0.001), Evidently's {@code wasserstein} score. Numeric columns only. Drift when score ≥
   * threshold (default 0.1).
   */
  WASSERSTEIN_NORMED("wasserstein_normed", 0.1),
  /**
   * Population stability index over reference-quantile bins (numeric) or categories. Drift when
   * score ≥ threshold (default 0.1).
   */
  PSI("psi", 0.1),
  /**
   * Jensen-Shannon distance (square root of the divergence) with natural logarithms, as Evidently,
   * scipy and {@link io.github.mlops4j.monitoring.drift.DriftDetector}'s {@code jensenshannon},
   * over reference-quantile bins (numeric) or categories. Drift when score ≥ threshold (default
   * 0.1). With {@link ProfileDrift.Builder#jsLogBase jsLogBase(2)} the distance is in base 2 and
   * its results are named {@code jensenshannon_base2}.
   */
  JENSEN_SHANNON("jensenshannon", 0.1),
  /**
   * Two-sample Kolmogorov-Smirnov test; the score is the p-value and drift is p ≤ threshold (alpha,
   * default 0.05). Numeric columns only. Computed only when the sketches' rank error is small
   * against the critical D at alpha; otherwise the result says "not computable at this sketch
   * size".
   */
  KS("ks", 0.05);

  private final String id;
  private final double defaultThreshold;

  ProfileDriftMethod(String id, double defaultThreshold) {
    this.id = id;
    this.defaultThreshold = defaultThreshold;
  }

  /**
   * The method name used in {@link io.github.mlops4j.monitoring.drift.ColumnDrift#method()} and in
   * metric tags (see {@link ProfileDrift#methodName} for the base-2 Jensen-Shannon distance).
   */
  public String id() {
    return id;
  }

  /** The default threshold (alpha for {@link #KS}). */
  public double defaultThreshold() {
    return defaultThreshold;
  }

  /** Whether the score is a p-value (drift when low) rather than a distance (drift when high). */
  public boolean isTest() {
    return this == KS;
  }

  /** Whether the method applies to categorical and binary columns. */
  public boolean supportsCategorical() {
    return this == PSI || this == JENSEN_SHANNON;
  }
}
