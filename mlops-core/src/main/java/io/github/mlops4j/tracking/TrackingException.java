package io.github.mlops4j.tracking;

import io.github.mlops4j.MlopsException;
import org.jspecify.annotations.Nullable;

/**
 * A tracking operation failed; {@link #runId()} names the run when one was involved.
 *
 * @since 0.1.0
 */
public class TrackingException extends MlopsException {
  private static final long serialVersionUID = 1L;
  private final @Nullable String runId;

  public TrackingException(@Nullable String runId, String message) {
    super(message);
    this.runId = runId;
  }

  public TrackingException(@Nullable String runId, String message, Throwable cause) {
    super(message, cause);
    this.runId = runId;
  }

  public @Nullable String runId() {
    return runId;
  }
}
