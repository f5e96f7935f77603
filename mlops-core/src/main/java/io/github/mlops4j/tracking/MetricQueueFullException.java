package io.github.mlops4j.tracking;

/**
 * The metric queue was full and the tracker's policy is {@link Backpressure#FAIL}.
 *
 * @since 0.1.0
 */
public final class MetricQueueFullException extends TrackingException {
  private static final long serialVersionUID = 1L;

  MetricQueueFullException(String runId, int capacity) {
    super(
        runId,
        "The metric queue is full ("
            + capacity
            + " points waiting for the disk); the point was"
            + " not logged. Raise queueCapacity, or choose Backpressure.BLOCK to wait.");
  }
}
