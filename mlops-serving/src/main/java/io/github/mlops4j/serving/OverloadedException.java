package io.github.mlops4j.serving;

/**
 * The service (or its micro-batch queue) is at its concurrency bound and rejected the call at once
 * instead of queueing it. Retry later, shed load, or raise {@code maxConcurrency}.
 */
public class OverloadedException extends ServingException {
  private static final long serialVersionUID = 1L;

  public OverloadedException(String message) {
    super(message);
  }
}
