package io.github.mlops4j.monitoring.stats;

import java.util.Arrays;

/**
 * Sorting of double samples for the statistics of this package: a least-significant-digit radix
 * sort on the bits of the values for large arrays, {@link Arrays#sort(double[])} for small ones.
 *
 * <p>The result is bit for bit the array {@code Arrays.sort} produces: each value is mapped to a
 * 64-bit key whose unsigned order is the order of {@link Double#compare} (so −0.0 comes before 0.0,
 * and NaN, canonicalised, comes last), the keys are sorted by six stable passes over 11-bit digits,
 * and mapped back. A pass whose digit is the same for every value is skipped. Cost: one pass to
 * build the keys and all six digit histograms, at most six scatter passes, one pass back; 16 bytes
 * of scratch per value. On one core this is several times faster than {@code Arrays.sort} from a
 * few thousand values up (see docs/BENCHMARKS.md).
 */
final class DoubleSort {

  /** Below this length {@link Arrays#sort(double[])} is as fast or faster. */
  static final int RADIX_MIN_LENGTH = 2_048;

  private static final int BITS = 11;
  private static final int RADIX = 1 << BITS;
  private static final int MASK = RADIX - 1;
  private static final int PASSES = 6; // 6 x 11 = 66 >= 64 bits

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
    final int n = a.length;
    if (n < 2) {
      return;
    }
    long[] src = new long[n];
    long[] dst = new long[n];
    int[] counts = new int[PASSES * RADIX];
    for (int i = 0; i < n; i++) {
      long k = key(a[i]);
      src[i] = k;
      counts[(int) (k & MASK)]++;
      counts[RADIX + (int) ((k >>> BITS) & MASK)]++;
      counts[2 * RADIX + (int) ((k >>> (2 * BITS)) & MASK)]++;
      counts[3 * RADIX + (int) ((k >>> (3 * BITS)) & MASK)]++;
      counts[4 * RADIX + (int) ((k >>> (4 * BITS)) & MASK)]++;
      counts[5 * RADIX + (int) (k >>> (5 * BITS))]++;
    }
    for (int pass = 0; pass < PASSES; pass++) {
      final int shift = pass * BITS;
      final int base = pass * RADIX;
      if (counts[base + (int) ((src[0] >>> shift) & MASK)] == n) {
        continue; // every key has the same digit here: the pass would not move anything
      }
      int offset = 0;
      for (int d = 0; d < RADIX; d++) {
        int c = counts[base + d];
        counts[base + d] = offset;
        offset += c;
      }
      for (int i = 0; i < n; i++) {
        long k = src[i];
        dst[counts[base + (int) ((k >>> shift) & MASK)]++] = k;
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
    for (int i = 0; i < n; i++) {
      a[i] = value(src[i]);
    }
  }

  /** A key whose unsigned order is {@link Double#compare}'s order of the values. */
  static long key(double v) {
    long bits = Double.doubleToLongBits(v); // canonical NaN, so that NaN sorts last
    return bits ^ ((bits >> 63) | Long.MIN_VALUE);
  }

  /** The inverse of {@link #key}. */
  static double value(long key) {
    return Double.longBitsToDouble(key ^ ((~key >> 63) | Long.MIN_VALUE));
  }
}
