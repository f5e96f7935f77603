package io.github.mlops4j.xgboost;

import io.github.mlops4j.registry.RegistryException;
import org.jspecify.annotations.Nullable;

/**
 * An XGBoost model file cannot be registered or loaded: it is not a model saved as JSON or UBJ (the
 * legacy binary format is refused), it breaks a limit of {@link XgboostLoader} (size, nesting), its
 * objective, classes or features do not fit what was declared or stored, XGBoost refused it, or
 * xgboost4j is not on the class path. Nothing was registered or served.
 *
 * @since 0.1.0
 */
public final class XgboostModelException extends RegistryException {
  private static final long serialVersionUID = 1L;

  XgboostModelException(@Nullable String model, @Nullable Integer version, String message) {
    super(model, version, message);
  }

  XgboostModelException(
      @Nullable String model, @Nullable Integer version, String message, Throwable cause) {
    super(model, version, message, cause);
  }
}
