package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Monitor}'s replica flush, with a store: writes this replica's cumulative part of the
 * open time window every flush interval (by the injected clock, from the row path or a tick; one
 * caller per interval schedules it on the executor, which a monitor with a store always has) and
 * then evaluates the shared windows that are due. The row path pays one volatile read per row and
 * does no database I/O.
 */
final class ReplicaFlush {
  /** Logs under the {@link Monitor}'s name: users configure one logger for the monitor. */
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  private final String model;
  private final ProfileSchema schema;
  private final WindowParts parts;
  private final WindowEvaluator evaluator;
  private final long flushMillis;

  /** When the open window's part is next written; by the clock. */
  private final AtomicLong nextFlush;

  private @Nullable WindowedProfiler windows; // set once, before any row

  ReplicaFlush(
      String model,
      ProfileSchema schema,
      WindowParts parts,
      WindowEvaluator evaluator,
      Duration interval,
      long now) {
    this.model = model;
    this.schema = schema;
    this.parts = parts;
    this.evaluator = evaluator;
    this.flushMillis = interval.toMillis();
    this.nextFlush = new AtomicLong(now + flushMillis);
  }

  void attach(WindowedProfiler profiler) {
    this.windows = profiler;
  }

  private WindowedProfiler windows() {
    return Objects.requireNonNull(windows, "attach(...) was not called");
  }

  /** Writes the open window's part if the flush interval has passed at {@code now}. */
  void onTime(long now) {
    long due = nextFlush.get();
    if (now < due || !nextFlush.compareAndSet(due, now + flushMillis)) {
      return; // the common case on the row path: one volatile read
    }
    windows()
        .schedule(
            () -> {
              flushPart(now);
              evaluator.evaluateDue(now);
            });
  }

  /**
   * Writes this replica's cumulative part of the open window now; failures are logged. The part
   * holds every row of the window seen so far (profiled, waiting on the executor or buffered), and
   * the store keeps the larger of two parts, so the stored part never shrinks.
   */
  void flushPart(long now) {
    WindowedProfiler.Window w = windows().current();
    if (now >= w.endMillis) {
      return; // closes at the next row or tick, which writes its final part
    }
    try {
      Profile part = w.snapshot(schema);
      if (part.rows() > 0) {
        parts.write(w.startMillis, w.endMillis, part, false, now);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "Monitor '{}': writing replica '{}''s part of window {} to the store failed; the next"
              + " flush writes it again",
          model,
          parts.replica(),
          w.index,
          e);
    }
  }
}
