package io.github.mlops4j.tracking;

/**
 * What {@link Run#logMetric} does when the tracker's bounded metric queue is full.
 *
 * @since 0.1.0
 */
public enum Backpressure {
  /** Wait for space (the default): nothing is lost, the caller slows down to the disk's pace. */
  BLOCK,
  /** Drop the new point and count it ({@link Tracker#droppedMetricPoints()}). */
  DROP,
  /** Throw {@link MetricQueueFullException}. */
  FAIL
}
