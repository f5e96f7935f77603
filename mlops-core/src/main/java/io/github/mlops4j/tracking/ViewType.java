package io.github.mlops4j.tracking;

/** Which runs a search sees with respect to deletion. */
public enum ViewType {
  /** Runs that are not deleted (the default). */
  ACTIVE_ONLY,
  /** Deleted runs only. */
  DELETED_ONLY,
  /** Both. */
  ALL
}
