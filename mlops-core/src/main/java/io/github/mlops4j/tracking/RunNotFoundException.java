package io.github.mlops4j.tracking;

/**
 * No run with the given id exists in the workspace.
 *
 * @since 0.1.0
 */
public final class RunNotFoundException extends TrackingException {
  private static final long serialVersionUID = 1L;

  RunNotFoundException(String runId) {
    super(runId, "No run with id '" + runId + "' exists in this workspace");
  }
}
