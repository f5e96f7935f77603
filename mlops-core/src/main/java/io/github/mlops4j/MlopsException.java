package io.github.mlops4j;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception mlops4j throws for a failure that is not a programming error. Programming
 * errors (a null argument, an out-of-range value) stay {@link NullPointerException}, {@link
 * IllegalArgumentException} and {@link IllegalStateException}.
 *
 * @since 0.1.0
 */
public class MlopsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MlopsException(String message) {
    super(message);
  }

  public MlopsException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * For subclasses thrown on hot paths as ordinary refusals: with {@code writableStackTrace} false
   * the exception is created without filling in a stack trace, which is most of its cost.
   */
  protected MlopsException(
      String message,
      @Nullable Throwable cause,
      boolean enableSuppression,
      boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }
}
