package io.github.mlops4j.registry;

/**
 * Status of a model version.
 *
 * @since 0.1.0
 */
public enum ModelStatus {
  /** Registered and usable. */
  READY,
  /**
   * Retired: kept for audit and rollback, skipped by {@code latest}, never the target of an alias.
   */
  ARCHIVED
}
