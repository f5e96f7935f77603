package io.github.mlops4j.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DoubleRadixSort} sorts the first n values of an array as {@link Arrays#sort(double[], int,
 * int)} does, bit for bit (-0.0 before 0.0, NaN last), on random arrays of several shapes, reusing
 * one sorter across calls of different sizes and leaving the values past n alone (QuickTheories,
 * fixed seed; whole arrays are checked by {@code DoubleSortProperties}).
 */
class DoubleRadixSortProperties {
  private static final long SEED = 20_261_207L;

  private static double value(SplittableRandom r, int shape) {
    return switch (shape) {
      case 0 -> r.nextGaussian();
      case 1 -> { // any finite bit pattern: subnormals, both zeros, the range's ends
        double v;
        do {
          v = Double.longBitsToDouble(r.nextLong());
        } while (!Double.isFinite(v));
        yield v;
      }
      case 2 -> r.nextInt(5) - 2 + (r.nextBoolean() ? 0.0 : -0.0); // ties and both zeros
      case 3 -> (r.nextBoolean() ? 1 : -1) * Double.MAX_VALUE * r.nextDouble();
      case 4 -> 1e-300 * r.nextDouble(); // one shared exponent range: passes are skipped
      default -> r.nextInt(10) == 0 ? Double.NaN : r.nextGaussian();
    };
  }

  @Test
  void sortsAsArraysSortDoes() {
    DoubleRadixSort sorter = new DoubleRadixSort();
    qt().withFixedSeed(SEED)
        .withExamples(300)
        .forAll(longs().all(), integers().between(0, 5_000), integers().between(0, 6))
        .checkAssert(
            (seed, n, shape) -> {
              SplittableRandom r = new SplittableRandom(seed);
              double[] values = new double[n + 2];
              for (int i = 0; i < n; i++) {
                values[i] = value(r, shape == 6 ? r.nextInt(6) : shape);
              }
              values[n] = -2; // past n: must stay where they are
              values[n + 1] = -1;
              double[] expected = Arrays.copyOf(values, n);
              Arrays.sort(expected);

              sorter.sort(values, n);

              assertThat(bits(Arrays.copyOf(values, n))).containsExactly(bits(expected));
              assertThat(values[n]).isEqualTo(-2);
              assertThat(values[n + 1]).isEqualTo(-1);
            });
  }

  private static long[] bits(double[] values) {
    return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
  }
}
