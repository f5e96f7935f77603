package io.github.mlops4j.features;

import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * The one as-of rule, used by point-in-time joins, materialization, online writes and online reads.
 * With all times in epoch nanoseconds:
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
    int c = Long.compare(e1, e2);
    if (c == 0) {
      c = Long.compare(c1, c2);
    }
    if (c == 0) {
      c = Long.compare(s1, s2);
    }
    return c;
  }

  static int compare(SourceRow a, SourceRow b) {
    return compare(a.event, a.created, a.seq, b.event, b.created, b.seq);
  }

  /** {@code T - ttl}, or {@code Long.MIN_VALUE} when that underflows. */
  static long lowerBound(long t, long ttlNanos) {
    long r = t - ttlNanos;
    return ((t ^ ttlNanos) & (t ^ r)) < 0 ? Long.MIN_VALUE : r;
  }

  /** Whether a winner with event time {@code event} is too old at {@code t}. */
  static boolean expired(long event, long t, long ttlNanos) {
    return ttlNanos > 0 && event < lowerBound(t, ttlNanos);
  }

  /**
   * The winner for one entity as lookup times increase: rows of the entity are added in (e, c, seq)
   * order once their event time is at or before the current lookup time; as of known time, rows not
   * yet known wait until the lookup time reaches their created time.
   */
  static final class Timeline {
    private final boolean asOfKnownTime;
    private final PriorityQueue<SourceRow> pending =
        new PriorityQueue<>((a, b) -> Long.compare(a.created, b.created));
    private @Nullable SourceRow winner;

    Timeline(boolean asOfKnownTime) {
      this.asOfKnownTime = asOfKnownTime;
    }

    void reset() {
      winner = null;
      pending.clear();
    }

    /** Adds a row whose event time is at or before {@code t}. */
    void add(SourceRow r, long t) {
      if (!asOfKnownTime || r.created <= t) {
        consider(r);
      } else {
        pending.add(r);
      }
    }

    /** Makes rows known by {@code t} eligible; {@code t} never decreases between resets. */
    void advanceTo(long t) {
      while (!pending.isEmpty() && pending.peek().created <= t) {
        consider(pending.poll());
      }
    }

    @Nullable SourceRow winner() {
      return winner;
    }

    private void consider(SourceRow r) {
      if (winner == null || compare(r, winner) > 0) {
        winner = r;
      }
    }
  }
}
