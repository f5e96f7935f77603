package io.github.mlops4j.features;

/**
 * What {@link FeatureStore#write} does with a NaN value of a {@link ValueType#DOUBLE} feature,
 * declared per view with {@link FeatureView.Builder#nanPolicy} and stored with its definition.
 *
 * @since 0.1.0
 */
public enum NanPolicy {
  /**
   * The default: a NaN fails the write with a {@link FeatureDataException} naming the view, the
   * feature, the entity key and the row; nothing of that write is stored.
   */
  REJECT,
  /** A NaN is stored as an absent value: lookups and joins report the feature missing (null). */
  MISSING,
  /** A NaN is stored and read back as NaN, for views where NaN means something. */
  KEEP
}
