package io.github.mlops4j.monitoring.internal;

import java.util.Arrays;

/**
 * A least-significant-digit radix sort of doubles into {@link Arrays#sort(double[])}'s order, bit
 * for bit: each value is mapped to a 64-bit key whose unsigned order is {@link Double#compare}'s
 * (so −0.0 comes before 0.0, and NaN, canonicalised, comes last), the keys are sorted by six stable
 * passes over 11-bit digits, and mapped back. A pass whose digit is the same for every value is
 * skipped. Cost: one pass to build the keys and all six digit histograms, at most six scatter
 * passes, one pass back, and a fixed cost of clearing and summing the histograms (2 × 6 × 2,048
 * counters) that small arrays do not repay ({@code Arrays.sort} is as fast or faster there). An
 * instance keeps its scratch arrays (16 bytes per value and the 48 KB of counters) for the next
 * call; not thread-safe.
 */
public final class DoubleRadixSort {
  private static final int BITS = 11;
  private static final int RADIX = 1 << BITS;
  private static final int MASK = RADIX - 1;
  private static final int PASSES = 6; // 6 x 11 = 66 >= 64 bits

  private final int[] counts = new int[PASSES * RADIX];
  private long[] keys = new long[0];
  private long[] spare = new long[0];

  /** A sorter with empty scratch space. */
  public DoubleRadixSort() {}

  /** Sorts {@code values[0, n)} in place; the values past {@code n} are left alone. */
  public void sort(double[] values, int n) {
    if (n < 2) {
      return;
    }
    if (keys.length < n) {
      keys = new long[n];
      spare = new long[n];
    }
    int[] c = counts;
    Arrays.fill(c, 0);
    long[] src = keys;
    for (int i = 0; i < n; i++) {
      long k = key(values[i]);
      src[i] = k;
      c[(int) (k & MASK)]++;
      c[RADIX + (int) ((k >>> BITS) & MASK)]++;
      c[2 * RADIX + (int) ((k >>> (2 * BITS)) & MASK)]++;
      c[3 * RADIX + (int) ((k >>> (3 * BITS)) & MASK)]++;
      c[4 * RADIX + (int) ((k >>> (4 * BITS)) & MASK)]++;
      c[5 * RADIX + (int) (k >>> (5 * BITS))]++;
    }
    long[] dst = spare;
    for (int pass = 0; pass < PASSES; pass++) {
      final int shift = pass * BITS;
      final int base = pass * RADIX;
      if (c[base + (int) ((src[0] >>> shift) & MASK)] == n) {
        continue; // every key has the same digit here: the pass would not move anything
      }
      int offset = 0;
      for (int d = 0; d < RADIX; d++) {
        int count = c[base + d];
        c[base + d] = offset;
        offset += count;
      }
      for (int i = 0; i < n; i++) {
        long k = src[i];
        dst[c[base + (int) ((k >>> shift) & MASK)]++] = k;
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
    for (int i = 0; i < n; i++) {
      values[i] = value(src[i]);
    }
  }

  /** A key whose unsigned order is {@link Double#compare}'s order of the values. */
  public static long key(double v) {
    long bits = Double.doubleToLongBits(v); // canonical NaN, so that NaN sorts last
    return bits ^ ((bits >> 63) | Long.MIN_VALUE);
  }

  /** The inverse of {@link #key}. */
  public static double value(long key) {
    return Double.longBitsToDouble(key ^ ((~key >> 63) | Long.MIN_VALUE));
  }
}
