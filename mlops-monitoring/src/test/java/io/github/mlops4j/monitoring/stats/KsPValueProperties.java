package io.github.mlops4j.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;

/**
 * The direct Smirnov sum behind large-sample KS p-values against the simple path it replaced:
 * Commons Statistics' one-sample test on a grid (its double-double sum), on random (d, N).
 */
class KsPValueProperties {

  private static final long SEED = 20_261_206L;

  /** Relative agreement with the double-double reference (the result is used as a double). */
  private static boolean agrees(double fast, double reference) {
    return Math.abs(fast - reference) <= 1e-9 * reference;
  }

  @Test
  void smirnovSumEqualsCommonsOnRandomArguments() {
    qt().withFixedSeed(SEED)
        .withExamples(100)
        .forAll(integers().between(141, 5_000), doubles().between(2.2, 369.9))
        .check(
            (n, nxx) -> {
              double d = Math.sqrt(nxx / n);
              if (n * d >= n - 1) {
                return true; // an exact case, handled before either route
              }
              return agrees(
                  StatTests.kolmogorovSmirnovSf(d, n), StatTests.kolmogorovSmirnovSfByTest(d, n));
            });
  }

  @Test
  void smirnovSumEqualsCommonsAtLargeN() {
    // The 1 M vs 1 M benchmark's N, with D from the centre to the far tail of the regime.
    for (int n : new int[] {141, 50_000, 500_000}) {
      for (double nxx : new double[] {2.2, 11.5, 200, 369}) {
        double d = Math.sqrt(nxx / n);
        double fast = StatTests.kolmogorovSmirnovSf(d, n);
        double reference = StatTests.kolmogorovSmirnovSfByTest(d, n);
        assertThat(fast)
            .as("n = %d, nxx = %s", n, nxx)
            .isCloseTo(reference, within(1e-9 * reference));
      }
    }
  }

  @Test
  void outsideTheMillerRegimeTheCommonsRouteIsUsed() {
    // nxx just below 2.2 goes to Pelz-Good / Durbin in Commons: identical by construction.
    double d = Math.sqrt(2.19 / 500_000);
    assertThat(StatTests.kolmogorovSmirnovSf(d, 500_000))
        .isEqualTo(StatTests.kolmogorovSmirnovSfByTest(d, 500_000));
    // Beyond Commons' underflow threshold the tail is 0 on both routes.
    double far = Math.sqrt(371.0 / 500_000);
    assertThat(StatTests.kolmogorovSmirnovSf(far, 500_000)).isZero();
    assertThat(StatTests.kolmogorovSmirnovSfByTest(far, 500_000)).isZero();
  }
}
