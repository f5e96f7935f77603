package io.github.mlops4j.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;

/**
 * Deterministic samples shared with the Python script that produced the reference values, plus the
 * agreement rule with scipy.
 *
 * <p>The generators use only IEEE-754 additions and multiplications, so Java and CPython produce
 * bit-identical doubles. The Python twin (run with Debian bookworm's {@code /usr/bin/python3},
 * scipy 1.10.1, numpy 1.24.2) is:
 *
 * <pre>
 * M = 2**64
 * def lcg(seed, n):
 *     s = seed % M; out = []
 *     for _ in range(n):
 *         s = (s * 6364136223846793005 + 1442695040888963407) % M
 *         out.append((s &gt;&gt; 11) * 2.0**-53)
 *     return out
 * def uniform(seed, n): return np.array(lcg(seed, n))
 * def normal(seed, n, mu=0.0, sigma=1.0):      # Irwin-Hall: sum of 12 uniforms - 6
 *     u = lcg(seed, 12 * n); out = []
 *     for i in range(n):
 *         acc = 0.0
 *         for k in range(12): acc = acc + u[12*i + k]
 *         out.append((acc - 6.0) * sigma + mu)
 *     return np.array(out)
 * def integers(seed, n, k): return np.array([float(np.floor(x * k)) for x in lcg(seed, n)])
 * </pre>
 */
final class ReferenceData {

  private ReferenceData() {}

  static double[] uniform(long seed, int n) {
    double[] out = new double[n];
    long s = seed;
    for (int i = 0; i < n; i++) {
      s = s * 6364136223846793005L + 1442695040888963407L;
      out[i] = (s >>> 11) * 0x1.0p-53;
    }
    return out;
  }

  static double[] normal(long seed, int n) {
    return normal(seed, n, 0.0, 1.0);
  }

  static double[] normal(long seed, int n, double mu, double sigma) {
    double[] u = uniform(seed, 12 * n);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double acc = 0.0;
      for (int k = 0; k < 12; k++) {
        acc = acc + u[12 * i + k];
      }
      out[i] = (acc - 6.0) * sigma + mu;
    }
    return out;
  }

  static double[] integers(long seed, int n, int k) {
    double[] u = uniform(seed, n);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.floor(u[i] * k);
    }
    return out;
  }

  /** Statistics and distances agree with scipy to 1e-9 relative (1e-15 absolute around 0). */
  static void assertStatistic(double actual, double expected) {
    if (expected == 0 || Double.isInfinite(expected)) {
      assertThat(actual).isEqualTo(expected);
    } else {
      assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * 1e-9));
    }
  }

  /** p-values agree with scipy to 1e-6 absolute, or 1e-4 relative when below 1e-6. */
  static void assertPValue(double actual, double expected) {
    Offset<Double> tolerance = expected < 1e-6 ? within(expected * 1e-4) : within(1e-6);
    assertThat(actual).isCloseTo(expected, tolerance);
  }

  static void assertResult(TestResult result, double statistic, double pValue) {
    assertStatistic(result.statistic(), statistic);
    assertPValue(result.pValue(), pValue);
  }
}
