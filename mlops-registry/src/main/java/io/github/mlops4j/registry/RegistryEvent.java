package io.github.mlops4j.registry;

import org.jspecify.annotations.Nullable;

/**
 * A change to the registry, delivered to {@link RegistryListener}s after it is committed: at once
 * for changes made through this registry instance, within the poll interval for changes made by
 * other processes (on PostgreSQL, as they commit: {@link ModelRegistry.Builder#pushNotifications}).
 * Each event carries its audit entry.
 *
 * @since 0.1.0
 */
public sealed interface RegistryEvent {
  AuditEntry entry();

  default String model() {
    return entry().model();
  }

  /** A new version was registered. */
  record VersionRegistered(AuditEntry entry) implements RegistryEvent {
    public int version() {
      return entry.version() == null ? 0 : entry.version();
    }
  }

  /** An alias was set, moved, deleted or rolled back. */
  record AliasChanged(AuditEntry entry) implements RegistryEvent {
    public String alias() {
      return entry.alias() == null ? "" : entry.alias();
    }

    /** The version the alias pointed at before, or null if it did not exist. */
    public @Nullable Integer previousVersion() {
      return entry.previousVersion();
    }

    /** The version it points at now, or null if it was deleted. */
    public @Nullable Integer currentVersion() {
      return entry.action() == AuditAction.ALIAS_DELETED ? null : entry.version();
    }
  }

  /** A version was archived, restored or purged, or its tags or description changed. */
  record VersionChanged(AuditEntry entry) implements RegistryEvent {}

  /** A registered model was created, updated or deleted. */
  record ModelChanged(AuditEntry entry) implements RegistryEvent {}

  static RegistryEvent of(AuditEntry entry) {
    return switch (entry.action()) {
      case VERSION_REGISTERED -> new VersionRegistered(entry);
      case ALIAS_SET, ALIAS_DELETED, ALIAS_ROLLED_BACK -> new AliasChanged(entry);
      case VERSION_UPDATED,
          VERSION_ARCHIVED,
          VERSION_RESTORED,
          VERSION_PURGED,
          EVALUATION_RECORDED ->
          new VersionChanged(entry); // the last is never in the trail; mapped for completeness
      case MODEL_CREATED, MODEL_UPDATED, MODEL_DELETED -> new ModelChanged(entry);
    };
  }
}
