package io.github.mlops4j.registry;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change in the append-only audit trail: what happened, to which model, version and alias, who
 * did it and why.
 *
 * @param sequence the position in the registry-wide trail, increasing
 * @param model the model name
 * @param action what happened
 * @param version the version concerned (the new one for alias changes), or null
 * @param alias the alias concerned, or null
 * @param previousVersion the version the alias pointed at before, or null
 * @param actor who made the change
 * @param comment why, as given by the actor, or null
 * @param time when
 * @since 0.1.0
 */
public record AuditEntry(
    long sequence,
    String model,
    AuditAction action,
    @Nullable Integer version,
    @Nullable String alias,
    @Nullable Integer previousVersion,
    String actor,
    @Nullable String comment,
    Instant time) {
  public AuditEntry {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(time, "time");
  }
}
