package io.github.mlops4j.governance;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the governance audit trail: who purged or erased what, and when. It names ids and
 * counts only, never erased values (no entity keys, feature values, params or tags).
 *
 * @param seq position in the trail, increasing
 * @param action {@code PURGE_RUNS}, {@code PURGE_MODEL_VERSION}, {@code ERASE_ENTITY}, {@code
 *     COLLECT_GARBAGE} or {@code DELETE_OBJECTS}
 * @param actor who did it
 * @param subject the ids it was about (run ids, {@code model/version}, view names)
 * @param counts what was deleted, as {@code kind=count} pairs
 * @param reason the reason the caller gave (for example a ticket number), if any
 * @param time when
 * @since 0.1.0
 */
public record AuditRecord(
    long seq,
    String action,
    String actor,
    String subject,
    String counts,
    @Nullable String reason,
    Instant time) {
  /** Checks the fields. */
  public AuditRecord {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(time, "time");
  }
}
