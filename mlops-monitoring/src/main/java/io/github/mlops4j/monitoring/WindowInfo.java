package io.github.mlops4j.monitoring;

import java.time.Instant;
import java.util.Objects;

/**
 * Identifies a closed window.
 *
 * @param index 0 for the first window of a monitor, then 1, 2, ... (periods without rows in time
 *     windowing get no index)
 * @param start for time windows the aligned start; for count windows the instant the window opened
 * @param end for time windows the aligned end (exclusive); for count windows the instant it closed
 * @param rows rows profiled in the window
 * @since 0.1.0
 */
public record WindowInfo(long index, Instant start, Instant end, long rows) {
  public WindowInfo {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (index < 0 || rows < 0) {
      throw new IllegalArgumentException("index and rows must be >= 0");
    }
  }
}
