package io.github.mlops4j.tracking;

/**
 * A write to a run was refused because the run is no longer {@link RunStatus#RUNNING} in the store:
 * another {@link Run} handle, tracker or process ended it (finished, failed or killed) after this
 * handle was obtained. Nothing of the refused call was stored. Start a new run, or resume one that
 * is still running.
 *
 * @since 0.1.0
 */
public final class RunEndedException extends TrackingException {
  private static final long serialVersionUID = 1L;
  private final RunStatus status;

  RunEndedException(String runId, RunStatus status) {
    super(
        runId,
        "Run "
            + runId
            + " has already ended with status "
            + status
            + " (ended through another handle or process), so nothing more can be logged to it;"
            + " start a new run to log more");
    this.status = status;
  }

  /** The status the run has in the store. */
  public RunStatus status() {
    return status;
  }
}
