package io.github.mlops4j.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.monitoring.internal.DoubleRadixSort;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The radix sort behind every sample statistic against the simple path it replaced, {@link
 * Arrays#sort(double[])}: bit-identical output on random arrays, NaN payloads aside (QuickTheories,
 * fixed seed).
 */
class DoubleSortProperties {

  private static final long SEED = 20_261_206L;

  /**
   * Values of every kind: ties, signed zeros, subnormals, extremes, NaN, wide and narrow ranges.
   */
  private static double[] sample(long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int kind = rnd.nextInt(6);
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      switch (kind) {
        case 0:
          a[i] = rnd.nextGaussian();
          break;
        case 1:
          a[i] = rnd.nextInt(-5, 6); // heavy ties, -0.0 never produced here
          break;
        case 2:
          a[i] = Double.longBitsToDouble(rnd.nextLong()); // any bit pattern, NaNs included
          break;
        case 3:
          a[i] = 1e6 + rnd.nextInt(100) * 0.5; // same exponent: high passes are skipped
          break;
        case 4:
          a[i] = special(rnd);
          break;
        default:
          a[i] = rnd.nextBoolean() ? rnd.nextDouble() * Double.MAX_VALUE : -rnd.nextDouble();
      }
    }
    return a;
  }

  private static double special(SplittableRandom rnd) {
    double[] specials = {
      0.0,
      -0.0,
      Double.MIN_VALUE,
      -Double.MIN_VALUE,
      Double.MIN_NORMAL,
      Double.MAX_VALUE,
      -Double.MAX_VALUE,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.NaN,
      1.0,
      -1.0
    };
    return specials[rnd.nextInt(specials.length)];
  }

  /** The bits of each value, NaN payloads canonicalised (the sort keeps one NaN pattern). */
  private static long[] bits(double[] a) {
    long[] b = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Double.doubleToLongBits(a[i]);
    }
    return b;
  }

  @Test
  void radixSortEqualsArraysSortBitForBit() {
    qt().withFixedSeed(SEED)
        .withExamples(300)
        .forAll(longs().all(), integers().between(0, 6_000))
        .check(
            (seed, n) -> {
              double[] expected = sample(seed, n);
              double[] actual = expected.clone();
              Arrays.sort(expected);
              DoubleSort.radixSort(actual);
              return Arrays.equals(bits(actual), bits(expected));
            });
  }

  @Test
  void sortEqualsArraysSortOnBothSidesOfTheThreshold() {
    for (int n :
        new int[] {
          0, 1, 2, DoubleSort.RADIX_MIN_LENGTH - 1, DoubleSort.RADIX_MIN_LENGTH, 100_000
        }) {
      for (long seed = 0; seed < 6; seed++) {
        double[] expected = sample(seed, n);
        double[] actual = expected.clone();
        Arrays.sort(expected);
        DoubleSort.sort(actual);
        assertThat(Arrays.equals(bits(actual), bits(expected)))
            .as("n = %d, seed = %d", n, seed)
            .isTrue();
      }
    }
  }

  @Test
  void keysAreOrderedLikeDoubleCompare() {
    qt().withFixedSeed(SEED)
        .withExamples(2_000)
        .forAll(longs().all(), longs().all())
        .check(
            (p, q) -> {
              double a = Double.longBitsToDouble(p);
              double b = Double.longBitsToDouble(q);
              int byKey = Long.compareUnsigned(DoubleRadixSort.key(a), DoubleRadixSort.key(b));
              return Integer.signum(byKey) == Integer.signum(Double.compare(a, b))
                  && Double.doubleToLongBits(DoubleRadixSort.value(DoubleRadixSort.key(a)))
                      == Double.doubleToLongBits(a);
            });
  }
}
