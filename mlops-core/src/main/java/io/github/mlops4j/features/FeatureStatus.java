package io.github.mlops4j.features;

/**
 * How a feature value was found. The names follow Feast's {@code FieldStatus} ({@code EXPIRED} is
 * its {@code OUTSIDE_MAX_AGE}) so that clients port easily.
 *
 * @since 0.1.0
 */
public enum FeatureStatus {
  /** A row matched and holds a non-null value. */
  PRESENT,
  /** A row matched and holds null for this feature (the row is taken whole). */
  NULL_VALUE,
  /**
   * No row of the entity has {@code eventTime <= T} (and, as of known time, {@code createdTime <=
   * T}).
   */
  NOT_FOUND,
  /**
   * The entity's latest row at {@code T} is older than the view's TTL ({@code eventTime < T -
   * ttl}); the value is withheld and its event time reported.
   */
  EXPIRED
}
