package io.github.mlops4j.mlflow;

import io.github.mlops4j.MlopsException;
import org.jspecify.annotations.Nullable;

/**
 * An MLflow server refused or failed a request of an {@link MlflowExport}, or could not be reached.
 * What was exported before it stays on the server; running the export again completes it.
 *
 * @since 0.1.0
 */
public final class MlflowExportException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final int status;
  private final @Nullable String errorCode;

  MlflowExportException(
      String endpoint,
      int status,
      @Nullable String errorCode,
      String message,
      @Nullable Throwable cause) {
    super(message, cause);
    this.endpoint = endpoint;
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The endpoint called, such as {@code runs/log-batch}. */
  public String endpoint() {
    return endpoint;
  }

  /** The HTTP status of the answer, or 0 if there was none. */
  public int status() {
    return status;
  }

  /** MLflow's {@code error_code} of the answer, if it had one. */
  public @Nullable String errorCode() {
    return errorCode;
  }
}
