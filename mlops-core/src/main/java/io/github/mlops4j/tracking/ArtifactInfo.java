package io.github.mlops4j.tracking;

import java.util.Objects;

/**
 * An artifact logged by a run.
 *
 * @param path the artifact's relative path within the run
 * @param digest SHA-256 of its content (64 lowercase hex), its key in the artifact store
 * @param sizeBytes its size
 * @since 0.1.0
 */
public record ArtifactInfo(String path, String digest, long sizeBytes) {
  public ArtifactInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(digest, "digest");
  }
}
