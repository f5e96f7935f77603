package io.github.mlops4j.serving;

/**
 * The service (or its micro-batch queue) is at its concurrency bound and rejected the call at once
 * instead of queueing it. Retry later, shed load, or raise {@code maxConcurrency}.
 *
 * <p>This is an expected refusal under load, thrown on the request path, so it is created without a
 * stack trace ({@link #getStackTrace()} is empty): the message names the service and its bound.
 *
 * @since 0.1.0
 */
public final class OverloadedException extends ServingException {
  private static final long serialVersionUID = 1L;

  public OverloadedException(String message) {
    super(message, null, true, false);
  }
}
