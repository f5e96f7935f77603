package io.github.mlops4j.tracking;

/**
 * Lifecycle status of a run.
 *
 * @since 0.1.0
 */
public enum RunStatus {
  /** Started and not yet ended. */
  RUNNING,
  /** Ended normally ({@link Run#close()}). */
  FINISHED,
  /** Ended by {@link Run#fail(Throwable)}. */
  FAILED,
  /** Ended by {@link Run#kill()}, or found running after its process died. */
  KILLED;

  boolean isTerminal() {
    return this != RUNNING;
  }
}
