package io.github.mlops4j.serving;

import io.github.mlops4j.MlopsException;

/** A prediction could not be served. Subclasses say why. */
public class ServingException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public ServingException(String message) {
    super(message);
  }

  public ServingException(String message, Throwable cause) {
    super(message, cause);
  }
}
