package io.github.mlops4j.registry.validation;

import io.github.mlops4j.registry.RegistryException;

/**
 * A model could not be evaluated or gated as asked: the data does not fit the model, a metric does
 * not exist for the model's output type, a slice is empty, an alias is missing. The message names
 * the problem and what to do. A {@link RegistryException} without model or version context ({@link
 * #model()} and {@link #version()} are null).
 *
 * @since 0.1.0
 */
public final class ValidationException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the problem. */
  public ValidationException(String message) {
    super(null, null, message);
  }

  /** Creates the exception with a message naming the problem and its cause. */
  public ValidationException(String message, Throwable cause) {
    super(null, null, message, cause);
  }
}
