package io.github.mlops4j.artifacts;

import io.github.mlops4j.MlopsException;

/**
 * An I/O operation of an {@link ArtifactStore} failed. The message names the file and the
 * operation; {@link #path()} gives the file; the cause is the original {@link java.io.IOException}.
 *
 * @since 0.1.0
 */
public final class ArtifactStoreException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String path;

  ArtifactStoreException(String message, String path, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The file or directory the failed operation was working on. */
  public String path() {
    return path;
  }
}
