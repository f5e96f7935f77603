package io.github.mlops4j.features;

import java.util.Objects;

/**
 * A feature computed when it is read, by a {@link FeatureFunction}, from request data and looked-up
 * features. It is not stored: its definition (and function) lives in this process and must be given
 * to {@link FeatureStore#apply} in every process that reads it.
 *
 * @param name the feature's name within its view
 * @param type the type its function returns; other results are errors
 * @param function the computation
 * @since 0.1.0
 */
public record OnDemandFeature(String name, ValueType type, FeatureFunction function) {
  public OnDemandFeature {
    Names.check(name, "on-demand feature name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(function, "function");
  }
}
