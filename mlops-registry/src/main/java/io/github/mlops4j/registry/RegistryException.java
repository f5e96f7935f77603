package io.github.mlops4j.registry;

import io.github.mlops4j.MlopsException;
import org.jspecify.annotations.Nullable;

/**
 * A registry operation failed; {@link #model()} and {@link #version()} give the context.
 *
 * @since 0.1.0
 */
public class RegistryException extends MlopsException {
  private static final long serialVersionUID = 1L;
  private final @Nullable String model;
  private final @Nullable Integer version;

  public RegistryException(@Nullable String model, @Nullable Integer version, String message) {
    super(message);
    this.model = model;
    this.version = version;
  }

  public RegistryException(
      @Nullable String model, @Nullable Integer version, String message, Throwable cause) {
    super(message, cause);
    this.model = model;
    this.version = version;
  }

  public @Nullable String model() {
    return model;
  }

  public @Nullable Integer version() {
    return version;
  }
}
