package io.github.mlops4j.tracking;

import java.util.Objects;

/**
 * The points of a metric series whose x value (a step, or a timestamp in epoch milliseconds, see
 * {@link MetricAxis}) lies in {@code [start, end]}, summarized for plotting: a chart that draws
 * {@code min} to {@code max} and {@code last} per bucket shows every peak of the full series.
 *
 * @param start the first x value of the bucket (inclusive)
 * @param end the last x value of the bucket (inclusive)
 * @param count how many points lie in the bucket (at least 1)
 * @param min the smallest value that is not NaN; NaN if every value is NaN
 * @param max the largest value that is not NaN; NaN if every value is NaN
 * @param last the point with the largest x value of the bucket; of several, the last logged
 * @since 0.1.0
 */
public record MetricBucket(
    long start, long end, long count, double min, double max, MetricPoint last) {
  public MetricBucket {
    Objects.requireNonNull(last, "last");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, was " + count);
    }
  }
}
