package io.github.mlops4j.monitoring;

import java.time.Duration;
import java.util.Objects;

/**
 * How a stream is cut into tumbling (back-to-back, non-overlapping) windows: by row count or by
 * time.
 *
 * <ul>
 *   <li>{@link #rows(long) rows(n)}: a window closes with its n-th row, so every window but the
 *       last (closed early by a flush) holds exactly n rows, also under concurrent writers.
 *   <li>{@link #time(Duration) time(d)}: windows are aligned to multiples of d since the epoch
 *       (UTC), so hourly windows start on the hour, by the injected {@code Clock}. A window closes
 *       at the first row, tick or flush at or after its end. Periods without any row produce no
 *       window.
 * </ul>
 *
 * @since 0.1.0
 */
public final class WindowSpec {
  private final long rows;
  private final Duration duration;

  private WindowSpec(long rows, Duration duration) {
    this.rows = rows;
    this.duration = duration;
  }

  /**
   * Windows of exactly {@code n} rows.
   *
   * @throws IllegalArgumentException if n &lt; 1
   */
  public static WindowSpec rows(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("A count window needs at least 1 row, was " + n);
    }
    return new WindowSpec(n, Duration.ZERO);
  }

  /**
   * Windows of a fixed duration, aligned to multiples of it since the epoch.
   *
   * @throws IllegalArgumentException if the duration is shorter than 1 ms
   */
  public static WindowSpec time(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.toMillis() < 1) {
      throw new IllegalArgumentException("A time window must last at least 1 ms, was " + duration);
    }
    return new WindowSpec(0, duration);
  }

  /** Whether windows are cut by row count (else by time). */
  public boolean isCountBased() {
    return rows > 0;
  }

  /** Rows per window; 0 for time windows. */
  public long rowsPerWindow() {
    return rows;
  }

  /** Duration of a window; zero for count windows. */
  public Duration duration() {
    return duration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowSpec w && rows == w.rows && duration.equals(w.duration);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(rows) * 31 + duration.hashCode();
  }

  @Override
  public String toString() {
    return isCountBased() ? "WindowSpec{" + rows + " rows}" : "WindowSpec{" + duration + "}";
  }
}
