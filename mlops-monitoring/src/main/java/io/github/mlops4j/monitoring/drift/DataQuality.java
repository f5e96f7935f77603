package io.github.mlops4j.monitoring.drift;

import java.util.List;
import java.util.Objects;

/**
 * Data checks that run on every column whatever the drift method: missing values (null, NaN and
 * infinities count as missing, they are never dropped silently), categories never seen in the
 * reference, values outside the reference range, and constant columns.
 *
 * @param referenceMissingShare share of missing values in the reference, in [0, 1]
 * @param currentMissingShare share of missing values in the current data, in [0, 1]
 * @param newCategories categories of the current data absent from the reference (categorical and
 *     binary columns; empty for numeric), sorted
 * @param outOfRangeShare share of current non-missing values below the reference minimum or above
 *     its maximum (numeric columns; 0 otherwise)
 * @param referenceConstant whether the reference has at most one distinct non-missing value
 * @param currentConstant whether the current data has at most one distinct non-missing value
 * @since 0.1.0
 */
public record DataQuality(
    double referenceMissingShare,
    double currentMissingShare,
    List<String> newCategories,
    double outOfRangeShare,
    boolean referenceConstant,
    boolean currentConstant) {
  public DataQuality {
    share(referenceMissingShare, "referenceMissingShare");
    share(currentMissingShare, "currentMissingShare");
    share(outOfRangeShare, "outOfRangeShare");
    newCategories = List.copyOf(Objects.requireNonNull(newCategories, "newCategories"));
  }

  /** How much the missing share grew from reference to current (negative when it fell). */
  public double missingShareChange() {
    return currentMissingShare - referenceMissingShare;
  }

  private static void share(double v, String name) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], was " + v);
    }
  }
}
