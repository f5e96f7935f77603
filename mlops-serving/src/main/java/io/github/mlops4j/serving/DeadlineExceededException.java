package io.github.mlops4j.serving;

/**
 * The call's deadline passed before its prediction could start or before it finished; no prediction
 * is returned for it.
 *
 * <p>This is an expected refusal under load, thrown on the request path, so it is created without a
 * stack trace ({@link #getStackTrace()} is empty): the message names the call and its deadline.
 *
 * @since 0.1.0
 */
public final class DeadlineExceededException extends ServingException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message) {
    super(message, null, true, false);
  }
}
