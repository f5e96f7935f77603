package io.github.mlops4j.registry;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change an {@link AccessPolicy} is asked about, before anything is written.
 *
 * @param action the kind of change
 * @param model the model name
 * @param version the version concerned, or null
 * @param alias the alias concerned, or null
 * @param actor who asks
 * @since 0.1.0
 */
public record RegistryOperation(
    AuditAction action,
    String model,
    @Nullable Integer version,
    @Nullable String alias,
    String actor) {
  public RegistryOperation {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(actor, "actor");
  }
}
