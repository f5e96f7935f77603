package io.github.mlops4j.mlflow;

import io.github.mlops4j.MlopsException;
import java.util.Objects;

/**
 * An MLflow store that cannot be read as MLflow writes it: a missing or malformed file, a value
 * over a limit, a symbolic link or a path that leaves the store. Names the file, relative to the
 * store's root.
 *
 * @since 0.1.0
 */
public class MlflowImportException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String file;

  public MlflowImportException(String file, String message) {
    super(Objects.requireNonNull(file, "file") + ": " + message);
    this.file = file;
  }

  public MlflowImportException(String file, String message, Throwable cause) {
    super(Objects.requireNonNull(file, "file") + ": " + message, cause);
    this.file = file;
  }

  /** The file that could not be read, relative to the store's root ({@code /}-separated). */
  public String file() {
    return file;
  }
}
