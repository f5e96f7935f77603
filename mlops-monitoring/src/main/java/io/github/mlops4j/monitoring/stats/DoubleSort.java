package io.github.mlops4j.monitoring.stats;

import io.github.mlops4j.monitoring.internal.DoubleRadixSort;
import java.util.Arrays;

/**
 * Sorting of double samples for the statistics of this package: {@link DoubleRadixSort} for large
 * arrays, {@link Arrays#sort(double[])} for small ones. The result is bit for bit the array {@code
 * Arrays.sort} produces; on one core the radix sort is several times faster from a few thousand
 * values up (see docs/BENCHMARKS.md).
 */
final class DoubleSort {

  /** Below this length {@link Arrays#sort(double[])} is as fast or faster. */
  static final int RADIX_MIN_LENGTH = 2_048;

  private DoubleSort() {}

  /** Sorts {@code a} in place into ascending {@link Double#compare} order. */
  static void sort(double[] a) {
    if (a.length < RADIX_MIN_LENGTH) {
      Arrays.sort(a);
    } else {
      radixSort(a);
    }
  }

  /** The radix sort alone, whatever the length (package-private for tests). */
  static void radixSort(double[] a) {
    new DoubleRadixSort().sort(a, a.length);
  }
}
