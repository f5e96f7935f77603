package io.github.mlops4j.tracking;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of a metric series, in the order its points were logged ({@link
 * Tracker#metricHistory(String, String, int, String)}).
 *
 * @param points at most the requested number of points
 * @param nextPageToken the token for the next page; null on the last page
 * @since 0.1.0
 */
public record MetricHistoryPage(List<MetricPoint> points, @Nullable String nextPageToken) {
  public MetricHistoryPage {
    points = List.copyOf(Objects.requireNonNull(points, "points"));
  }
}
