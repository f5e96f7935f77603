package io.github.mlops4j.features;

import java.time.Duration;

/**
 * Statistics of a {@link FeatureStore}'s online cache since it was built, as plain numbers for
 * monitoring (the Spring Boot starter publishes them with the names of Micrometer's cache metrics).
 * Counted per (view, entity) entry: an online read of {@code n} rows of a view makes {@code n}
 * requests, each a hit or a miss.
 *
 * @param hits requests answered from the cache
 * @param misses requests that had to read the online store (absent, expired, or loaded under an
 *     older view version)
 * @param loadSuccesses reads of the online store that succeeded: one per single-key load, one per
 *     bulk load of a multi-row read, and one per background refresh
 * @param loadFailures reads of the online store that threw (a failed background refresh included)
 * @param totalLoadTime time spent in those reads, on the feature store's clock
 * @param evictions entries removed because the cache was full or they expired (not those dropped by
 *     writes of this process)
 * @param size entries held now (an estimate)
 * @since 0.1.0
 */
public record FeatureCacheStats(
    long hits,
    long misses,
    long loadSuccesses,
    long loadFailures,
    Duration totalLoadTime,
    long evictions,
    long size) {

  /** Checks the numbers. */
  public FeatureCacheStats {
    if ((hits | misses | loadSuccesses | loadFailures | evictions | size) < 0) {
      throw new IllegalArgumentException("Cache statistics must not be negative");
    }
    java.util.Objects.requireNonNull(totalLoadTime, "totalLoadTime");
  }

  /** Every request: {@code hits + misses}. */
  public long requests() {
    return hits + misses;
  }

  /** {@code hits / requests}, or 1.0 before the first request (as Caffeine reports it). */
  public double hitRate() {
    long requests = requests();
    return requests == 0 ? 1.0 : (double) hits / requests;
  }
}
