package io.github.mlops4j.tracking;

/**
 * Which runs a search sees with respect to deletion.
 *
 * @since 0.1.0
 */
public enum ViewType {
  /** Runs that are not deleted (the default). */
  ACTIVE_ONLY,
  /** Deleted runs only. */
  DELETED_ONLY,
  /** Both. */
  ALL
}
