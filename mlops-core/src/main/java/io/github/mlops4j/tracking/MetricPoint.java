package io.github.mlops4j.tracking;

import java.time.Instant;
import java.util.Objects;

/**
 * One value of a metric series. NaN and infinities are valid values and round-trip exactly.
 *
 * @param key the metric name
 * @param value the value
 * @param step the training step (epoch, iteration, fold) the value belongs to
 * @param timestamp when the value was logged
 * @since 0.1.0
 */
public record MetricPoint(String key, double value, long step, Instant timestamp) {
  public MetricPoint {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(timestamp, "timestamp");
  }
}
