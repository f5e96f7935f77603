package io.github.mlops4j.features.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * The one as-of rule, used by point-in-time joins, materialization, online writes and online reads,
 * in the store and outside it (the Spark join). With all times in epoch nanoseconds:
 *
 * <ul>
 *   <li>a row r is eligible at T when {@code r.e <= T} and, as of known time, {@code r.c <= T};
 *   <li>the winner is the eligible row with the greatest {@code (e, c, seq)};
 *   <li>the winner is expired when {@code ttl > 0 && w.e < T - ttl}.
 * </ul>
 */
public final class AsOfRule {
  private AsOfRule() {}

  /** A row's times and write sequence, the only parts of it the rule looks at. */
  public interface Stamped {
    /** Event time, epoch nanoseconds. */
    long eventNanos();

    /** Created time, epoch nanoseconds. */
    long createdNanos();

    /** Write sequence: the last tie-breaker. */
    long sequence();
  }

  /** Orders rows by (event time, created time, write sequence). */
  public static int compare(long e1, long c1, long s1, long e2, long c2, long s2) {
    int c = Long.compare(e1, e2);
    if (c == 0) {
      c = Long.compare(c1, c2);
    }
    if (c == 0) {
      c = Long.compare(s1, s2);
    }
    return c;
  }

  /** Orders rows by (event time, created time, write sequence). */
  public static int compare(Stamped a, Stamped b) {
    return compare(
        a.eventNanos(),
        a.createdNanos(),
        a.sequence(),
        b.eventNanos(),
        b.createdNanos(),
        b.sequence());
  }

  /** {@code T - ttl}, or {@code Long.MIN_VALUE} when that underflows. */
  public static long lowerBound(long t, long ttlNanos) {
    long r = t - ttlNanos;
    return ((t ^ ttlNanos) & (t ^ r)) < 0 ? Long.MIN_VALUE : r;
  }

  /** Whether a winner with event time {@code event} is too old at {@code t}. */
  public static boolean expired(long event, long t, long ttlNanos) {
    return ttlNanos > 0 && event < lowerBound(t, ttlNanos);
  }

  /**
   * The winners of one entity's rows at each of the lookup times {@code times} (any order): the
   * result's element {@code i} is the winner at {@code times[i]} before TTL, or null. Sorts copies;
   * the arguments are left as they are.
   */
  public static <R extends Stamped> List<@Nullable R> winners(
      List<R> rows, long[] times, boolean asOfKnownTime) {
    List<R> sorted = new ArrayList<>(rows);
    sorted.sort(AsOfRule::compare);
    Integer[] order = new Integer[times.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> times[i]));
    List<@Nullable R> out = new ArrayList<>(Collections.nCopies(times.length, (R) null));
    Timeline<R> timeline = new Timeline<>(asOfKnownTime);
    int next = 0;
    for (int i : order) {
      long t = times[i];
      while (next < sorted.size() && sorted.get(next).eventNanos() <= t) {
        timeline.add(sorted.get(next++), t);
      }
      timeline.advanceTo(t);
      out.set(i, timeline.winner());
    }
    return out;
  }

  /**
   * The winner for one entity as lookup times increase: rows of the entity are added in (e, c, seq)
   * order once their event time is at or before the current lookup time; as of known time, rows not
   * yet known wait until the lookup time reaches their created time.
   *
   * @param <R> the row type
   */
  public static class Timeline<R extends Stamped> {
    private final boolean asOfKnownTime;
    private final PriorityQueue<R> pending =
        new PriorityQueue<>((a, b) -> Long.compare(a.createdNanos(), b.createdNanos()));
    private @Nullable R winner;

    /** A timeline that hides rows not yet known at the lookup time when {@code asOfKnownTime}. */
    public Timeline(boolean asOfKnownTime) {
      this.asOfKnownTime = asOfKnownTime;
    }

    /** Forgets every row, for the next entity. */
    public final void reset() {
      winner = null;
      pending.clear();
    }

    /** Adds a row whose event time is at or before {@code t}. */
    public final void add(R r, long t) {
      if (!asOfKnownTime || r.createdNanos() <= t) {
        consider(r);
      } else {
        pending.add(r);
      }
    }

    /** Makes rows known by {@code t} eligible; {@code t} never decreases between resets. */
    public final void advanceTo(long t) {
      while (!pending.isEmpty() && pending.peek().createdNanos() <= t) {
        consider(pending.poll());
      }
    }

    /** The winner so far, or null. */
    public final @Nullable R winner() {
      return winner;
    }

    private void consider(R r) {
      if (winner == null || compare(r, winner) > 0) {
        winner = r;
      }
    }
  }
}
