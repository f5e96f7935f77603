package io.github.mlops4j.serving;

/**
 * No version of the model can answer: the alias or version does not resolve, the version cannot be
 * loaded, or the service is closed.
 *
 * @since 0.1.0
 */
public final class ModelUnavailableException extends ServingException {
  private static final long serialVersionUID = 1L;

  public ModelUnavailableException(String message) {
    super(message);
  }

  public ModelUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
