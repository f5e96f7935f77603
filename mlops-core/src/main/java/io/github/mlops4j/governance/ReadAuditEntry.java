package io.github.mlops4j.governance;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One read of tracking or feature data, as a {@link ReadAudit} hands it to its {@link
 * ReadAuditSink}: who read what, when, and whether it was allowed. It holds ids and counts only,
 * never feature values, entity keys, params, metrics or artifact content.
 *
 * @param time when the read ended, from the read audit's clock
 * @param actor who read, with control characters escaped and cut to 200 characters (a longer name
 *     ends with its length)
 * @param action what kind of read ({@link DataAction#isRead()} is true)
 * @param subjects the ids read, as in {@link DataOperation#subjects()}: at most 50, each cleaned
 *     and cut like the actor (to 300 characters)
 * @param entityCount entity rows asked for by a feature read; 0 otherwise
 * @param outcome whether the read returned, failed or was refused
 * @since 0.1.0
 */
public record ReadAuditEntry(
    Instant time,
    String actor,
    DataAction action,
    List<String> subjects,
    int entityCount,
    Outcome outcome) {
  /** Checks the fields and copies {@code subjects}. */
  public ReadAuditEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    subjects = List.copyOf(subjects);
    Objects.requireNonNull(outcome, "outcome");
  }

  /**
   * How a read ended.
   *
   * @since 0.1.0
   */
  public enum Outcome {
    /** The read returned (an empty result too). */
    SUCCEEDED,
    /** The read threw, for example because the run does not exist. */
    FAILED,
    /** The {@link DataAccessPolicy} refused it; nothing was read. */
    DENIED
  }
}
