package io.github.mlops4j.monitoring.drift;

import io.github.mlops4j.internal.Checks;

/**
 * How a binned method ({@link DriftMethod#psi}, {@link DriftMethod#kl}, {@link
 * DriftMethod#jensenShannon}, {@link DriftMethod#hellinger}) turns a <em>numeric</em> column into
 * bins. Categorical and binary columns always get one bin per category seen in the reference or the
 * current data.
 *
 * <ul>
 *   <li>{@link #quantiles(int)} (the default, with 10): bins cut at reference quantiles, fixed when
 *       the detector is built. Every inner bin holds reference values; current values below the
 *       reference minimum or above its maximum fall into two extra outer bins whose reference share
 *       is 0. The bin count is honoured.
 *   <li>{@link #evidently()}: Evidently's rule ({@code stattests/utils.py: get_binned_data}): if
 *       the reference has more than 20 distinct values, ⌈log₂(n + m)⌉ + 1 equal-width bins (numpy's
 *       Sturges rule) over the range of reference <em>and current</em> together, recomputed for
 *       every comparison; otherwise one bin per distinct value. Evidently ignores its own {@code
 *       n_bins} argument (evidently issue #1400), so this has no bin count.
 * </ul>
 *
 * @since 0.1.0
 */
public final class Bins {
  private static final Bins EVIDENTLY = new Bins(0);
  private static final Bins DECILES = new Bins(10);

  private final int quantiles;

  private Bins(int quantiles) {
    this.quantiles = quantiles;
  }

  /**
   * Bins cut at the reference quantiles j/count for j = 1 … count − 1 (inverted-CDF quantiles, i.e.
   * reference values); repeated cut points are merged, so a column with few distinct values gets
   * fewer bins.
   *
   * @param count the number of quantile bins, 2 to 1000
   */
  public static Bins quantiles(int count) {
    Checks.inRange(count, 2, 1000, "Quantile bin count");
    return count == 10 ? DECILES : new Bins(count);
  }

  /** Evidently's binning rule; see the class documentation. */
  public static Bins evidently() {
    return EVIDENTLY;
  }

  /** The number of quantile bins, or 0 for {@link #evidently()}. */
  public int quantileCount() {
    return quantiles;
  }

  public boolean isEvidently() {
    return quantiles == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bins b && b.quantiles == quantiles;
  }

  @Override
  public int hashCode() {
    return quantiles;
  }

  @Override
  public String toString() {
    return quantiles == 0 ? "evidently" : "quantiles(" + quantiles + ")";
  }
}
