package io.github.mlops4j.features;

import io.github.mlops4j.features.internal.AsOfRule;

/**
 * The store's handle on the one as-of rule ({@link AsOfRule}, shared with the Spark join), with all
 * times in epoch nanoseconds:
 *
 * <ul>
 *   <li>a row r is eligible at T when {@code r.e <= T} and, as of known time, {@code r.c <= T};
 *   <li>the winner is the eligible row with the greatest {@code (e, c, seq)};
 *   <li>the winner is expired when {@code ttl > 0 && w.e < T - ttl}.
 * </ul>
 */
final class AsOf {
  private AsOf() {}

  /** Orders rows by (event time, created time, write sequence). */
  static int compare(long e1, long c1, long s1, long e2, long c2, long s2) {
    return AsOfRule.compare(e1, c1, s1, e2, c2, s2);
  }

  static int compare(SourceRow a, SourceRow b) {
    return AsOfRule.compare(a, b);
  }

  /** {@code T - ttl}, or {@code Long.MIN_VALUE} when that underflows. */
  static long lowerBound(long t, long ttlNanos) {
    return AsOfRule.lowerBound(t, ttlNanos);
  }

  /** Whether a winner with event time {@code event} is too old at {@code t}. */
  static boolean expired(long event, long t, long ttlNanos) {
    return AsOfRule.expired(event, t, ttlNanos);
  }

  /** {@link AsOfRule.Timeline} over stored rows. */
  static final class Timeline extends AsOfRule.Timeline<SourceRow> {
    Timeline(boolean asOfKnownTime) {
      super(asOfKnownTime);
    }
  }
}
