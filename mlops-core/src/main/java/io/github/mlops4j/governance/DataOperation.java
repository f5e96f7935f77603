package io.github.mlops4j.governance;

import java.util.List;
import java.util.Objects;

/**
 * A read or write of tracking or feature data that a {@link DataAccessPolicy} is asked about,
 * before anything is read or written.
 *
 * @param action the kind of access
 * @param actor who asks, as the service's actor supplier named them (unchanged: a policy compares
 *     it with its own lists)
 * @param subjects the ids the access is about: a run id; a run id and an artifact path; experiment
 *     names (empty for every experiment); a dataset digest; feature view names. Never feature
 *     values or entity keys.
 * @param entityCount for feature reads, the number of entity rows asked for (request rows of an
 *     online read, spine rows of an offline read); 0 otherwise
 * @since 0.1.0
 */
public record DataOperation(
    DataAction action, String actor, List<String> subjects, int entityCount) {
  /** Checks the fields and copies {@code subjects}. */
  public DataOperation {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(actor, "actor");
    subjects = List.copyOf(subjects);
    if (entityCount < 0) {
      throw new IllegalArgumentException("entityCount must not be negative, was " + entityCount);
    }
  }
}
