package io.github.mlops4j.registry;

import java.util.Objects;

/**
 * One input feature of a model's signature.
 *
 * @param name the feature name the model expects
 * @param type its type
 * @since 0.1.0
 */
public record FeatureSpec(String name, Type type) {
  /** Feature types: Tribuo's real-valued and categorical feature domains. */
  public enum Type {
    REAL,
    CATEGORICAL
  }

  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Feature name must not be empty");
    }
  }
}
