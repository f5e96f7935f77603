package io.github.mlops4j.monitoring.drift;

/**
 * How {@link DriftDetector} chooses a method for a column that was not configured explicitly.
 *
 * <p>In both presets missing values (null, NaN, ±Infinity) are left out of the distributions, the
 * counts below are of non-missing values, and the data checks ({@link DataQuality}) report the
 * missing values separately.
 *
 * @since 0.1.0
 */
public enum DriftPreset {
  /**
   * Evidently's default rule ({@code stattests/registry.py: _get_default_stattest}), decided per
   * column and per comparison:
   *
   * <table>
   *   <caption>Evidently's rule</caption>
   *   <tr><th>column</th><th>reference ≤ 1000 values</th><th>reference &gt; 1000 values</th></tr>
   *   <tr><td>numeric, &gt; 5 distinct values</td><td>{@code ks}, drift when p ≤ 0.05</td>
   *       <td>{@code wasserstein_normed}, drift when ≥ 0.1</td></tr>
   *   <tr><td>numeric with 3–5, categorical with &gt; 2 distinct values</td>
   *       <td>{@code chisquare} (goodness of fit), drift when p &lt; 0.05</td>
   *       <td>{@code jensenshannon} (natural log), drift when ≥ 0.1</td></tr>
   *   <tr><td>at most 2 distinct values, and binary columns</td>
   *       <td>{@code z}, drift when p &lt; 0.05</td>
   *       <td>{@code jensenshannon} (natural log), drift when ≥ 0.1</td></tr>
   * </table>
   *
   * "Reference values" counts the reference's non-missing values of that column; "distinct values"
   * counts the distinct non-missing values of reference and current together (so the current window
   * can move a column from {@code chisquare} to {@code ks}). The Jensen-Shannon distance uses one
   * bin per value, since the columns it is chosen for have at most five distinct values. Binary
   * columns are categorical columns here, as in Evidently. Dataset drift when at least half of the
   * columns drift.
   */
  EVIDENTLY("evidently"),

  /**
   * Effect sizes on one scale for every column, for production volumes: the population stability
   * index, drift when PSI ≥ 0.2, on
   *
   * <ul>
   *   <li>numeric columns: 10 bins cut at the reference deciles, fixed when the detector is built,
   *       plus two outer bins for current values below the reference minimum or above its maximum;
   *   <li>categorical and binary columns: one bin per category seen on either side.
   * </ul>
   *
   * Dataset drift when at least half of the columns drift.
   *
   * <p>Why: a p-value answers "is there any difference", and at production volumes the answer is
   * always yes (at n = m = 10⁶ the KS test flags a CDF gap of 0.0019). PSI measures how large the
   * difference is and does not grow with the sample size. On reference quantile bins it depends
   * only on ranks, so it is unit-free, unaffected by outliers and heavy tails (unlike a distance
   * normed by the standard deviation), and the same on numeric and categorical columns, so the
   * share of drifted columns adds like with like. Its sampling noise for two samples from one
   * distribution is about (bins − 1)·(1/n + 1/m), which the report notes when it reaches half of
   * the threshold. It can be computed from quantile sketches with small error, so streaming
   * profiles give the same numbers. 0.2 lies in the "moderate shift" band of the usual rule of
   * thumb (&lt; 0.1 stable, 0.1–0.25 moderate, &gt; 0.25 major) and is deepchecks' default; on a
   * normal column it corresponds to a mean shift of about 0.46 standard deviations.
   */
  PRODUCTION("production");

  /** The threshold of the {@link #PRODUCTION} preset. */
  static final double PRODUCTION_PSI_THRESHOLD = 0.2;

  /** Evidently: reference sizes up to this use p-value tests. */
  static final int EVIDENTLY_SMALL_REFERENCE = 1000;

  /** Evidently: numeric columns with more distinct values than this are continuous. */
  static final int EVIDENTLY_MAX_DISCRETE_VALUES = 5;

  private static final DriftMethod KS = DriftMethod.ks(0.05);
  private static final DriftMethod CHI_SQUARE = DriftMethod.chiSquare(0.05);
  private static final DriftMethod Z = DriftMethod.zTest(0.05);
  private static final DriftMethod WASSERSTEIN = DriftMethod.wasserstein(0.1);
  private static final DriftMethod JENSEN_SHANNON =
      DriftMethod.jensenShannon(0.1).withBins(Bins.evidently());
  private static final DriftMethod PSI =
      DriftMethod.psi(PRODUCTION_PSI_THRESHOLD).withBins(Bins.quantiles(10));

  private final String id;

  DriftPreset(String id) {
    this.id = id;
  }

  /** The name written into reports: {@code evidently} or {@code production}. */
  public String id() {
    return id;
  }

  /** The share of drifted columns at or above which the data set has drifted: 0.5. */
  public double datasetThreshold() {
    return 0.5;
  }

  /** Whether the method depends on the current data (the distinct-value count). */
  boolean dependsOnCurrent() {
    return this == EVIDENTLY;
  }

  /**
   * The method for a column.
   *
   * @param type the column's type
   * @param referenceValues non-missing reference values
   * @param distinctValues distinct non-missing values of reference and current together; only
   *     compared with 2 and 5, so it may be capped at 6
   */
  DriftMethod select(ColumnType type, long referenceValues, int distinctValues) {
    if (this == PRODUCTION) {
      return PSI;
    }
    boolean small = referenceValues <= EVIDENTLY_SMALL_REFERENCE;
    if (type == ColumnType.NUMERIC && distinctValues > EVIDENTLY_MAX_DISCRETE_VALUES) {
      return small ? KS : WASSERSTEIN;
    }
    if (small) {
      return distinctValues > 2 ? CHI_SQUARE : Z;
    }
    return JENSEN_SHANNON;
  }
}
