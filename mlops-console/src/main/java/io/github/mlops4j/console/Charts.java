package io.github.mlops4j.console;

import io.github.mlops4j.tracking.MetricAxis;
import io.github.mlops4j.tracking.MetricBucket;
import io.github.mlops4j.tracking.Tracker;
import java.util.List;

/**
 * Metric series read for charts: downsampled by the tracker, so any length reads in bounded time.
 */
final class Charts {
  /** Buckets per series: about one per 3 pixels of a chart's width. */
  static final int BUCKETS = 200;

  private Charts() {}

  static Svg.Series series(
      Tracker tracker, String runId, String key, MetricAxis axis, String label) {
    List<MetricBucket> buckets = tracker.downsampleMetric(runId, key, BUCKETS, axis);
    int n = buckets.size();
    double[] x = new double[n];
    double[] y = new double[n];
    double[] min = new double[n];
    double[] max = new double[n];
    for (int i = 0; i < n; i++) {
      MetricBucket b = buckets.get(i);
      x[i] = axis == MetricAxis.STEP ? b.last().step() : b.last().timestamp().toEpochMilli();
      y[i] = b.last().value();
      min[i] = b.min();
      max[i] = b.max();
    }
    return new Svg.Series(label, x, y, min, max);
  }

  static MetricAxis axis(Params p) {
    return switch (p.get("axis", "step")) {
      case "step" -> MetricAxis.STEP;
      case "time" -> MetricAxis.TIME;
      default -> throw new Params.BadRequest("axis must be step or time");
    };
  }

  /** A safe element id for the n-th chart. */
  static String id(int n) {
    return "chart-" + n;
  }
}
