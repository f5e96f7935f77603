package io.github.mlops4j.data;

import io.github.mlops4j.MlopsException;
import org.jspecify.annotations.Nullable;

/**
 * A dataset could not be versioned: a file or directory is missing, unreadable, of an unsupported
 * kind (a FIFO, a socket, a symbolic link that leaves the tree), or kept changing while it was
 * hashed. The message names the file and says what to do; {@link #path()} gives the file.
 *
 * @since 0.1.0
 */
public final class DatasetException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String path;

  DatasetException(String message, String path) {
    super(message);
    this.path = path;
  }

  DatasetException(String message, String path, @Nullable Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The file or directory the failure is about. */
  public String path() {
    return path;
  }
}
