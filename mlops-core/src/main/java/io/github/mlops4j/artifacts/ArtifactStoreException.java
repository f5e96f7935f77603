package io.github.mlops4j.artifacts;

import io.github.mlops4j.MlopsException;

/**
 * An I/O operation of an {@link ArtifactStore} failed. The message names the location and the
 * operation; {@link #path()} gives the location; the cause is the original failure (an {@link
 * java.io.IOException} for a directory store, the client's exception for an object store).
 *
 * @since 0.1.0
 */
public final class ArtifactStoreException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /**
   * For {@link ArtifactStore} implementations.
   *
   * @param message what failed, naming the operation and the location
   * @param path the file, directory or object key the operation was working on
   * @param cause the original failure
   */
  public ArtifactStoreException(String message, String path, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The file, directory or object the failed operation was working on. */
  public String path() {
    return path;
  }
}
