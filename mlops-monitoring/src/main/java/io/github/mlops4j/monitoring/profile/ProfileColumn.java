package io.github.mlops4j.monitoring.profile;

import io.github.mlops4j.monitoring.drift.ColumnType;
import java.util.Map;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of one column of a {@link Profile}.
 *
 * <p>Numeric accessors ({@link #min()}, {@link #quantile(double)}, ...) throw {@link
 * IllegalStateException} on categorical and binary columns, and category accessors ({@link
 * #categoryCounts()}) on numeric columns. Moments of a column without values are {@code NaN}.
 *
 * @since 0.1.0
 */
public final class ProfileColumn {
  private final String name;
  private final ColumnType type;
  private final @Nullable NumericSketch numeric;
  private final @Nullable CategorySketch categorical;

  ProfileColumn(
      String name,
      ColumnType type,
      @Nullable NumericSketch numeric,
      @Nullable CategorySketch categorical) {
    this.name = name;
    this.type = type;
    this.numeric = numeric;
    this.categorical = categorical;
  }

  public String name() {
    return name;
  }

  public ColumnType type() {
    return type;
  }

  /** Rows seen by this column, missing or not. */
  public long count() {
    return present() + missing();
  }

  /** Missing values: {@code null}, {@code NaN}, ±infinity, or absent from a map row. */
  public long missing() {
    return numeric != null ? numeric.missing : cat().missing;
  }

  /** Non-missing values. */
  public long present() {
    return numeric != null ? numeric.present : cat().present;
  }

  /** {@link #missing()} / {@link #count()}, 0 for an empty column. */
  public double missingShare() {
    long c = count();
    return c == 0 ? 0.0 : (double) missing() / c;
  }

  /**
   * Whether the summary is exact: a numeric sketch that still holds every value (at most about k
   * values), or categories still counted exactly.
   */
  public boolean isExact() {
    return numeric != null ? !numeric.kll.isEstimationMode() : cat().isExact();
  }

  // ---- numeric -----------------------------------------------------------------------------

  private NumericSketch num() {
    if (numeric == null) {
      throw new IllegalStateException("Column '" + name + "' is " + type + ", not NUMERIC");
    }
    return numeric;
  }

  /** Smallest value (exact); {@code NaN} without values. */
  public double min() {
    NumericSketch n = num();
    return n.present == 0 ? Double.NaN : n.min;
  }

  /** Largest value (exact); {@code NaN} without values. */
  public double max() {
    NumericSketch n = num();
    return n.present == 0 ? Double.NaN : n.max;
  }

  /** Arithmetic mean; {@code NaN} without values. */
  public double mean() {
    NumericSketch n = num();
    return n.present == 0 ? Double.NaN : n.mean;
  }

  /** Population variance (divided by n, numpy's {@code ddof=0}); {@code NaN} without values. */
  public double variance() {
    NumericSketch n = num();
    return n.present == 0 ? Double.NaN : Math.max(0.0, n.m2 / n.present);
  }

  /** Sample variance (divided by n − 1); {@code NaN} with fewer than two values. */
  public double sampleVariance() {
    NumericSketch n = num();
    return n.present < 2 ? Double.NaN : Math.max(0.0, n.m2 / (n.present - 1));
  }

  /** Population standard deviation, √{@link #variance()}. */
  public double standardDeviation() {
    return Math.sqrt(variance());
  }

  /** The KLL parameter k of this column's sketch. */
  public int kllK() {
    return num().k();
  }

  /**
   * The sketch's normalized rank error ε for single rank or quantile queries, with 99 % confidence:
   * a {@link #rank(double)} is within ±ε of the true fraction. 0 while the sketch holds every
   * value. About 1.33 % at k = 200, 0.27 % at k = 1024 (DataSketches' a-priori bound 2.296 /
   * k<sup>0.9723</sup>).
   */
  public double rankError() {
    return num().rankError();
  }

  /**
   * The sketch's normalized error for the mass of an interval (a histogram bin), with 99 %
   * confidence: 1.65 % at k = 200 (2.446 / k<sup>0.9433</sup>); 0 while exact.
   */
  public double intervalError() {
    return num().pmfError();
  }

  /** Values retained by the sketch. */
  public int retainedValues() {
    NumericSketch n = num();
    synchronized (n) {
      return n.kll.getNumRetained();
    }
  }

  /**
   * An approximate quantile: the smallest retained value whose rank is at least {@code rank}.
   *
   * @param rank in [0, 1]
   * @throws IllegalStateException if the column has no values
   */
  public double quantile(double rank) {
    if (!(rank >= 0 && rank <= 1)) {
      throw new IllegalArgumentException("rank must be in [0, 1], was " + rank);
    }
    NumericSketch n = requireValues();
    synchronized (n) {
      return n.kll.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }
  }

  /**
   * The approximate fraction of values ≤ {@code value}, within ±{@link #rankError()}.
   *
   * @throws IllegalStateException if the column has no values
   */
  public double rank(double value) {
    NumericSketch n = requireValues();
    synchronized (n) {
      return n.kll.getRank(value, QuantileSearchCriteria.INCLUSIVE);
    }
  }

  private NumericSketch requireValues() {
    NumericSketch n = num();
    if (n.present == 0) {
      throw new IllegalStateException("Column '" + name + "' has no non-missing values");
    }
    return n;
  }

  // ---- categorical -------------------------------------------------------------------------

  private CategorySketch cat() {
    if (categorical == null) {
      throw new IllegalStateException("Column '" + name + "' is NUMERIC, not categorical");
    }
    return categorical;
  }

  /**
   * Count per category, sorted by category. Exact while {@link #isExact()}; afterwards the
   * frequent-items sketch's estimates for the categories it still reports, each within ±{@link
   * #countError()}, and the other categories are left out.
   */
  public Map<String, Long> categoryCounts() {
    return cat().counts();
  }

  /** The largest possible error of a count in {@link #categoryCounts()}: 0 while exact. */
  public long countError() {
    return cat().maxCountError();
  }

  /**
   * Distinct categories: exact while {@link #isExact()}, else the number the sketch currently
   * tracks (a lower bound).
   */
  public int distinctCategories() {
    return cat().distinct();
  }

  @Override
  public String toString() {
    return "ProfileColumn{"
        + name
        + ", "
        + type
        + ", count="
        + count()
        + ", missing="
        + missing()
        + "}";
  }
}
