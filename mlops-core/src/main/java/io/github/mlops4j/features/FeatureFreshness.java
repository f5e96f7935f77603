package io.github.mlops4j.features;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Freshness of one view, as plain statistics (a Micrometer binder will publish them later).
 *
 * @param view the view
 * @param watermark rows with event times up to here are materialized (null before the first)
 * @param newestEventTime the newest event time in the online store
 * @param age the store clock's now minus {@code newestEventTime}
 * @param present online feature values served with status PRESENT by this process
 * @param nullValue ... with status NULL_VALUE
 * @param notFound ... with status NOT_FOUND
 * @param expired ... with status EXPIRED
 * @param cacheRefreshFailures online cache entries of this view whose background reload failed in
 *     this process (each kept its old value until it expired)
 * @since 0.1.0
 */
public record FeatureFreshness(
    String view,
    @Nullable Instant watermark,
    @Nullable Instant newestEventTime,
    @Nullable Duration age,
    long present,
    long nullValue,
    long notFound,
    long expired,
    long cacheRefreshFailures) {

  /** All online feature values served for this view by this process. */
  public long lookups() {
    return present + nullValue + notFound + expired;
  }
}
