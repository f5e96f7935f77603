package io.github.mlops4j.artifacts;

import java.time.Instant;
import java.util.Objects;

/**
 * One object of an {@link ArtifactStore} as {@link ArtifactStore#list()} sees it.
 *
 * @param digest the SHA-256 of the content, 64 lowercase hex characters
 * @param sizeBytes the stored size
 * @param lastModified when the object was stored or last renewed by a put of the same content
 * @since 0.1.0
 */
public record ArtifactObject(String digest, long sizeBytes, Instant lastModified) {
  /** Checks the digest and size. */
  public ArtifactObject {
    DirectoryArtifactStore.checkDigest(Objects.requireNonNull(digest, "digest"), "digest");
    Objects.requireNonNull(lastModified, "lastModified");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
    }
  }
}
