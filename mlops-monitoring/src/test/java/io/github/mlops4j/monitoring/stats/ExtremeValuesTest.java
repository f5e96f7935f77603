package io.github.mlops4j.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/**
 * Sample distances on finite values near ±{@link Double#MAX_VALUE}: finite and correct wherever the
 * distance itself is representable.
 *
 * <p>Reference values from {@code src/test/resources/io/github/mlops4j/monitoring/
 * extreme_values_reference.py}, run with scipy 1.17.1 / numpy 2.4.6 (Debian python3-scipy): {@code
 * scipy.stats.wasserstein_distance(x, y)} and {@code scipy.stats.energy_distance(x, y)} where scipy
 * is finite, and in every case the exact value (the CDF integrals in rational arithmetic with
 * {@code fractions.Fraction}, square roots with 60-digit {@code decimal}), which agrees with scipy
 * to the last digit or two where scipy is finite.
 */
class ExtremeValuesTest {
  static final double MAX = Double.MAX_VALUE;

  /** Positive values near the maximum. */
  static final double[] A_REF = {1e308, 1.2e308, 1.5e308, 1.7e308};

  static final double[] A_CUR = {1.1e308, 1.3e308, 1.79e308};

  /** Both signs, pooled range beyond Double.MAX_VALUE. */
  static final double[] B_REF = {-1.7e308, -1e308, 0.0, 1e308};

  static final double[] B_CUR = {-1.5e308, 5e307, 1.6e308};

  /** The extremes themselves: scipy's neighbouring gap overflows, the distance does not. */
  static final double[] C_REF = {-MAX, MAX};

  static final double[] C_CUR = {MAX, MAX, -MAX};

  /** Both signs, pooled range within Double.MAX_VALUE. */
  static final double[] D_REF = {-8e307, -1e307, 2e307, 8e307};

  static final double[] D_CUR = {-7e307, 3e307, 8.5e307};

  private static void assertClose(double actual, double expected) {
    assertThat(actual).isFinite().isCloseTo(expected, withinPercentage(1e-12));
  }

  @Test
  void wassersteinNearTheLargestDoubles() {
    // scipy: 1.3000000000000002e+307; exact 1.3e+307
    assertClose(Distances.wasserstein(A_REF, A_CUR), 1.3e307);
    // scipy: 7.083333333333334e+307; exact 7.083333333333333e+307
    assertClose(Distances.wasserstein(B_REF, B_CUR), 7.083333333333333e307);
    // scipy: inf (the gap from -MAX to MAX overflows); exact 5.992310449541053e+307
    assertClose(Distances.wasserstein(C_REF, C_CUR), 5.992310449541053e307);
    // scipy: 2.25e+307; exact 2.2499999999999996e+307
    assertClose(Distances.wasserstein(D_REF, D_CUR), 2.2499999999999996e307);
  }

  @Test
  void energyNearTheLargestDoubles() {
    // scipy: 2.3094010767585033e+153; exact the same
    assertClose(Distances.energy(A_REF, A_CUR), 2.3094010767585033e153);
    // scipy: 6.3355259362494045e+153; exact 6.335525936249404e+153
    assertClose(Distances.energy(B_REF, B_CUR), 6.335525936249404e153);
    // scipy: inf; exact 4.4692693099808655e+153
    assertClose(Distances.energy(C_REF, C_CUR), 4.4692693099808655e153);
    // scipy: 3.004626062886658e+153; exact 3.0046260628866574e+153
    assertClose(Distances.energy(D_REF, D_CUR), 3.0046260628866574e153);
  }

  @Test
  void onlyADistanceBeyondTheLargestDoubleIsInfinite() {
    // W1 between the two extremes is 2 * MAX: not a double. Energy is 2 * sqrt(MAX), finite.
    assertThat(Distances.wasserstein(new double[] {-MAX}, new double[] {MAX}))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertClose(Distances.energy(new double[] {-MAX}, new double[] {MAX}), 2 * Math.sqrt(MAX));
  }

  @Test
  void ordinaryValuesAreComputedAsBefore() {
    // scaling applies only beyond 2^1021; below it the result is bit for bit the unscaled one
    double[] x = {1e300, -1e300, 3.5};
    double[] y = {2e300, 0.25};
    // scipy: wasserstein_distance([1e300, -1e300, 3.5], [2e300, 0.25]) -> 1e+300; exact 1e+300
    assertClose(Distances.wasserstein(x, y), 1e300);
  }
}
