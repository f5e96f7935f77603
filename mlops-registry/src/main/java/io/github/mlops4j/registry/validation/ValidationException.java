package io.github.mlops4j.registry.validation;

import io.github.mlops4j.MlopsException;

/**
 * A model could not be evaluated or gated as asked: the data does not fit the model, a metric
 * does not exist for the model's output type, a slice is empty, an alias is missing. The message
 * names the problem and what to do.
 */
public class ValidationException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the problem. */
  public ValidationException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming the problem and its cause. */
  public ValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
