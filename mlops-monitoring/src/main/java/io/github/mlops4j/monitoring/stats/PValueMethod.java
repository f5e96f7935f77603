package io.github.mlops4j.monitoring.stats;

/**
 * How a two-sample test computes its p-value.
 *
 * <p>{@link #AUTO} is a request only: a {@link TestResult} always reports the method that was
 * actually used, {@link #EXACT} or {@link #ASYMPTOTIC}.
 *
 * @since 0.1.0
 */
public enum PValueMethod {
  /**
   * Let the test choose, the way scipy does: exact for small samples, asymptotic for large ones.
   * The switch point is documented on each test ({@link StatTests#ks} and {@link
   * StatTests#cramerVonMises}).
   */
  AUTO,
  /** The exact null distribution of the statistic (permutation distribution without ties). */
  EXACT,
  /** A large-sample approximation of the null distribution. */
  ASYMPTOTIC
}
