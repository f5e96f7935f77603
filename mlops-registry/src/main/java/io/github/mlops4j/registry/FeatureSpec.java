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
  /**
   * Feature types: Tribuo's real-valued and categorical feature domains, and whole numbers.
   *
   * <p>A signature with an {@link #INTEGER} feature is stored in signature schema version 2, which
   * mlops4j releases before that type cannot read (they say to upgrade); a signature without one is
   * stored as before (version 1).
   */
  public enum Type {
    /** A real number (a double), e.g. a Tribuo real-valued feature. */
    REAL,
    /** A category, e.g. the one-hot features of a Tribuo categorical field. */
    CATEGORICAL,
    /**
     * A whole number, for a model that takes its input as an integer (e.g. an ONNX graph input of
     * element type int32 or int64). Serving accepts only whole numbers whose magnitude is at most
     * 2<sup>53</sup>, the range in which every whole number is exactly a double; any other value is
     * refused as invalid input before the model is called.
     */
    INTEGER
  }

  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Feature name must not be empty");
    }
  }
}
