package io.github.mlops4j.artifacts;

import io.github.mlops4j.MlopsException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyProvider} does not know a key id, or cannot use the key (a keystore entry that is not
 * an AES key, a key service that cannot be reached). Nothing was read or written with it.
 *
 * @since 0.1.0
 */
public final class ArtifactKeyException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String keyId;

  /**
   * For {@link KeyProvider} implementations.
   *
   * @param keyId the key id concerned
   * @param message what is wrong and what to do
   * @param cause the original failure, or null
   */
  public ArtifactKeyException(String keyId, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.keyId = keyId;
  }

  /** The key id concerned. */
  public String keyId() {
    return keyId;
  }
}
