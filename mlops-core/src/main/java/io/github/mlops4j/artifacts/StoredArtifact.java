package io.github.mlops4j.artifacts;

import java.util.Objects;

/**
 * An object in an {@link ArtifactStore}.
 *
 * @param digest the SHA-256 of the content, 64 lowercase hex characters; also the object's name
 * @param sizeBytes the length of the content in bytes
 * @since 0.1.0
 */
public record StoredArtifact(String digest, long sizeBytes) {
  public StoredArtifact {
    DirectoryArtifactStore.checkDigest(Objects.requireNonNull(digest, "digest"), "digest");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
    }
  }
}
