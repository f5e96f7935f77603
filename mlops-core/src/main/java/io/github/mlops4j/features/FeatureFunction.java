package io.github.mlops4j.features;

import org.jspecify.annotations.Nullable;

/**
 * An on-demand feature: a plain Java function of request data and looked-up features. The same
 * instance computes training rows and online reads, so the two cannot drift apart. It must be pure
 * (no I/O, no state): it may run on any thread, any number of times.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FeatureFunction {
  /**
   * Computes the feature for one row.
   *
   * @return a value of the feature's declared type, or null
   */
  @Nullable Object compute(FeatureInputs inputs);
}
