package io.github.mlops4j.registry;

import org.jspecify.annotations.Nullable;

/**
 * The registered model, or one of its versions, does not exist.
 *
 * @since 0.1.0
 */
public final class ModelNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  ModelNotFoundException(String model, @Nullable Integer version) {
    super(
        model,
        version,
        version == null
            ? "No registered model named '" + model + "'"
            : "Model '" + model + "' has no version " + version);
  }
}
