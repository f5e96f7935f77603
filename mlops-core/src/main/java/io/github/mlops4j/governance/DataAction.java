package io.github.mlops4j.governance;

/**
 * What a {@link DataAccessPolicy} is asked about: a read or a write of tracking data (runs,
 * experiments, artifacts) or of feature data. The read actions are also what a {@link ReadAudit}
 * records.
 *
 * @since 0.1.0
 */
public enum DataAction {
  /**
   * Reads runs or experiments: a run's info, metric history, searches, child runs, experiments,
   * dataset inputs and the runs that used a dataset.
   */
  RUN_READ(true),
  /**
   * Writes runs or experiments: starting, resuming, ending, deleting, restoring or importing a run,
   * creating an experiment, logging params, metrics, tags and inputs.
   */
  RUN_WRITE(false),
  /** Opens a run's artifact for reading. */
  ARTIFACT_READ(true),
  /** Stores files as a run's artifacts. */
  ARTIFACT_WRITE(false),
  /** Reads feature view definitions or their freshness (no feature values). */
  FEATURE_VIEW_READ(true),
  /** Applies a feature view definition. */
  FEATURE_VIEW_WRITE(false),
  /** Reads entities' features from the online store ({@code FeatureStore.online}). */
  FEATURE_READ_ONLINE(true),
  /** Reads entities' features from the offline store ({@code FeatureStore.historical}). */
  FEATURE_READ_OFFLINE(true),
  /** Writes feature rows or materializes them to the online store. */
  FEATURE_WRITE(false),
  /** Plans or executes the erasure of an entity's feature rows. */
  FEATURE_ERASE(false);

  private final boolean read;

  DataAction(boolean read) {
    this.read = read;
  }

  /** Whether the action only reads (and is what a {@link ReadAudit} records). */
  public boolean isRead() {
    return read;
  }
}
