package io.github.mlops4j.monitoring.stats;

import java.util.Objects;

/**
 * Argument checks shared by {@link StatTests} and {@link Distances}. Messages name the bad element.
 */
final class Inputs {

  /** How far from 1 a vector of proportions may sum before it is rejected. */
  static final double PROPORTION_SUM_TOLERANCE = 1e-6;

  private Inputs() {}

  /**
   * Returns a sorted copy of a sample after checking that it is non-empty and finite.
   *
   * @param sample the sample, left untouched
   * @param name the argument name used in messages
   * @param minSize the smallest accepted length
   */
  static double[] sortedFiniteCopy(double[] sample, String name, int minSize) {
    Objects.requireNonNull(sample, name);
    if (sample.length < minSize) {
      throw new IllegalArgumentException(
          name
              + " has "
              + sample.length
              + " value"
              + (sample.length == 1 ? "" : "s")
              + ", at least "
              + minSize
              + " required");
    }
    double[] copy = sample.clone();
    for (int i = 0; i < copy.length; i++) {
      if (!Double.isFinite(copy[i])) {
        throw notFinite(name, i, copy[i]);
      }
    }
    DoubleSort.sort(copy);
    return copy;
  }

  private static IllegalArgumentException notFinite(String name, int index, double value) {
    return new IllegalArgumentException(
        name
            + "["
            + index
            + "] = "
            + value
            + ": samples must be finite; drop NaN and infinite values first (Evidently drops them too)");
  }

  /**
   * Checks a vector of category counts and returns its total.
   *
   * @throws IllegalArgumentException if a count is negative, all counts are zero or the total
   *     overflows a {@code long}
   */
  static long checkCounts(long[] counts, String name) {
    Objects.requireNonNull(counts, name);
    if (counts.length == 0) {
      throw new IllegalArgumentException(name + " is empty: pass one count per category");
    }
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      long c = counts[i];
      if (c < 0) {
        throw new IllegalArgumentException(
            name + "[" + i + "] = " + c + ": counts must be non-negative");
      }
      try {
        total = Math.addExact(total, c);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(name + " sums to more than Long.MAX_VALUE", e);
      }
    }
    if (total == 0) {
      throw new IllegalArgumentException(name + " are all zero: the sample is empty");
    }
    return total;
  }

  static void checkSameLength(int a, int b, String nameA, String nameB) {
    if (a != b) {
      throw new IllegalArgumentException(
          nameA
              + " and "
              + nameB
              + " have different lengths ("
              + a
              + " vs "
              + b
              + "): they must describe the same categories or bins, in the same order");
    }
  }

  /**
   * Checks a vector of proportions and returns it divided by its sum (a new array).
   *
   * @throws IllegalArgumentException if it is empty, holds a negative or non-finite value, or its
   *     sum is more than {@link #PROPORTION_SUM_TOLERANCE} away from 1
   */
  static double[] normalizedProportions(double[] p, String name) {
    Objects.requireNonNull(p, name);
    if (p.length == 0) {
      throw new IllegalArgumentException(
          name + " is empty: pass one proportion per category or bin");
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double v = p[i];
      if (!Double.isFinite(v) || v < 0) {
        throw new IllegalArgumentException(
            name + "[" + i + "] = " + v + ": proportions must be finite and non-negative");
      }
      sum += v;
    }
    if (!(Math.abs(sum - 1.0) <= PROPORTION_SUM_TOLERANCE)) {
      throw new IllegalArgumentException(
          name
              + " sums to "
              + sum
              + ", not 1 (tolerance "
              + PROPORTION_SUM_TOLERANCE
              + "): pass proportions, for example Distances.proportions(counts)");
    }
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i] / sum;
    }
    return out;
  }
}
