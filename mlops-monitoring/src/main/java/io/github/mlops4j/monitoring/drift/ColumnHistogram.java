package io.github.mlops4j.monitoring.drift;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reference and current distributions of one column over the same bins, for reports: numeric
 * columns over value ranges, categorical columns over categories (plus "missing" when present).
 *
 * @param bins bin labels, e.g. {@code "[0.5, 1.0)"} or a category
 * @param referenceShares share of reference rows per bin
 * @param currentShares share of current rows per bin
 * @since 0.1.0
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out; equals and hashCode use Arrays
public record ColumnHistogram(List<String> bins, double[] referenceShares, double[] currentShares) {
  public ColumnHistogram {
    bins = List.copyOf(Objects.requireNonNull(bins, "bins"));
    referenceShares = referenceShares.clone();
    currentShares = currentShares.clone();
    if (referenceShares.length != bins.size() || currentShares.length != bins.size()) {
      throw new IllegalArgumentException(
          "bins, referenceShares and currentShares differ in length: "
              + bins.size()
              + ", "
              + referenceShares.length
              + ", "
              + currentShares.length);
    }
  }

  @Override
  public double[] referenceShares() {
    return referenceShares.clone();
  }

  @Override
  public double[] currentShares() {
    return currentShares.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnHistogram h
        && bins.equals(h.bins)
        && Arrays.equals(referenceShares, h.referenceShares)
        && Arrays.equals(currentShares, h.currentShares);
  }

  @Override
  public int hashCode() {
    return 31 * bins.hashCode()
        + Arrays.hashCode(referenceShares) * 17
        + Arrays.hashCode(currentShares);
  }

  @Override
  public String toString() {
    return "ColumnHistogram" + bins;
  }
}
