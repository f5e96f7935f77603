package io.github.mlops4j.tracking;

/**
 * The x axis of a downsampled metric series ({@link Tracker#downsampleMetric}).
 *
 * @since 0.1.0
 */
public enum MetricAxis {
  /** The points' {@link MetricPoint#step()}. */
  STEP,
  /** The points' {@link MetricPoint#timestamp()}, in epoch milliseconds. */
  TIME
}
