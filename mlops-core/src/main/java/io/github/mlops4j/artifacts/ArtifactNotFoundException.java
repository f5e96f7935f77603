package io.github.mlops4j.artifacts;

import io.github.mlops4j.MlopsException;

/**
 * No object with the requested digest is in the {@link ArtifactStore}.
 *
 * @since 0.1.0
 */
public final class ArtifactNotFoundException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String digest;

  /**
   * For {@link ArtifactStore} implementations.
   *
   * @param digest the digest that was looked up
   * @param path where the object was expected (a file, or an object URI)
   */
  public ArtifactNotFoundException(String digest, String path) {
    super(
        "no artifact with SHA-256 "
            + digest
            + " in the store (expected at "
            + path
            + "); check the digest, or put the content first");
    this.digest = digest;
  }

  /** The digest that was looked up. */
  public String digest() {
    return digest;
  }
}
