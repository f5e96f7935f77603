package io.github.mlops4j.features;

import java.time.Clock;
import java.time.Instant;

/**
 * Times are stored as epoch nanoseconds (UTC) in a signed 64-bit integer, which covers
 * 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z exactly. Nanoseconds rather than
 * micro- or milliseconds because {@code Instant.now()} carries nanoseconds on Linux: rounding would
 * make two events 300 ns apart tie, and the tie would then be broken by created time instead of
 * event time.
 */
final class Timestamps {
  static final Instant MIN = Instant.ofEpochSecond(0, Long.MIN_VALUE);
  static final Instant MAX = Instant.ofEpochSecond(0, Long.MAX_VALUE);

  private Timestamps() {}

  static boolean inRange(Instant t) {
    return !t.isBefore(MIN) && !t.isAfter(MAX);
  }

  /** Epoch nanoseconds; the caller checked {@link #inRange}. */
  @SuppressWarnings("JavaInstantGetSecondsGetNano") // getEpochSecond() is read first, above
  static long toNanos(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < 0) {
      // (s + 1) * 1e9 + (n - 1e9): the intermediate product of s * 1e9 overflows near MIN
      return Math.addExact(
          Math.multiplyExact(seconds + 1, 1_000_000_000L), t.getNano() - 1_000_000_000L);
    }
    return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), t.getNano());
  }

  /**
   * The clock's now in epoch nanoseconds.
   *
   * @throws IllegalStateException if the clock says a time outside the storable range
   */
  static long now(Clock clock) {
    Instant t = clock.instant();
    if (!inRange(t)) {
      throw new IllegalStateException("The store's clock says " + rangeMessage(t));
    }
    return toNanos(t);
  }

  static Instant ofNanos(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** Epoch nanoseconds, clamped to the representable range (for cache tickers). */
  static long toNanosSaturated(Instant t) {
    if (t.isBefore(MIN)) {
      return Long.MIN_VALUE;
    }
    if (t.isAfter(MAX)) {
      return Long.MAX_VALUE;
    }
    return toNanos(t);
  }

  static String rangeMessage(Instant t) {
    return "time "
        + t
        + " is outside the storable range "
        + MIN
        + " .. "
        + MAX
        + " (times are stored as 64-bit epoch nanoseconds)";
  }
}
