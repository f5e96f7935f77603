package io.github.mlops4j.tracking;

import java.time.Instant;
import java.util.Objects;

/**
 * An experiment: a named group of runs.
 *
 * @param id the store-assigned identifier
 * @param name the unique name
 * @param creationTime when it was created
 * @since 0.1.0
 */
public record Experiment(String id, String name, Instant creationTime) {
  public Experiment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(creationTime, "creationTime");
  }
}
