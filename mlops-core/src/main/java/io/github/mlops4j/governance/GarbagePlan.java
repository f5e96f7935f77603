package io.github.mlops4j.governance;

import io.github.mlops4j.artifacts.ArtifactObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Purger#collectGarbage(GarbagePlan)} would delete: artifact objects that no run, model
 * version or pending purge references and that were last stored or renewed before {@code
 * unchangedSince} (the purger's clock minus its grace period, when planned).
 *
 * @param unchangedSince objects stored or renewed at or after this instant are never collected
 * @param objects the orphaned objects, sorted by digest
 * @since 0.1.0
 */
public record GarbagePlan(Instant unchangedSince, List<ArtifactObject> objects) {
  /** Copies the list. */
  public GarbagePlan {
    Objects.requireNonNull(unchangedSince, "unchangedSince");
    objects = List.copyOf(objects);
  }
}
