package io.github.mlops4j.serving;

import io.github.mlops4j.MlopsException;
import org.jspecify.annotations.Nullable;

/**
 * A prediction could not be served. Subclasses say why.
 *
 * @since 0.1.0
 */
public class ServingException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public ServingException(String message) {
    super(message);
  }

  public ServingException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** For refusals on the hot path; see {@link MlopsException}'s four-argument constructor. */
  protected ServingException(
      String message,
      @Nullable Throwable cause,
      boolean enableSuppression,
      boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }
}
