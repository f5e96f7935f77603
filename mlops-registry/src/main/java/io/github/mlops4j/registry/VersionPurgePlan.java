package io.github.mlops4j.registry;

import java.util.Objects;

/**
 * What {@link ModelRegistry#purgeVersion(VersionPurgePlan)} would delete: the version's row, its
 * tags and evaluation records, and its artifact object unless another version or a run references
 * the same content.
 *
 * @param name the model
 * @param version the version
 * @param digest the SHA-256 of its artifact
 * @param sizeBytes the artifact's size
 * @param tags its tags
 * @param evaluations its evaluation records
 * @param objectShared whether another version or a run references the artifact (it then stays)
 * @since 0.1.0
 */
public record VersionPurgePlan(
    String name,
    int version,
    String digest,
    long sizeBytes,
    long tags,
    long evaluations,
    boolean objectShared) {
  /** Checks the fields. */
  public VersionPurgePlan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
  }
}
