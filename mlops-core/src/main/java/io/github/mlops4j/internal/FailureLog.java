package io.github.mlops4j.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Counts the failures of one callback (a listener) and logs them without flooding the log: the
 * first failure is logged with its stack trace, later ones at most once per interval as one WARN
 * line that says how many were not logged since the previous line. Time comes from the injected
 * clock. Thread-safe. Not API.
 */
public final class FailureLog {
  /** Where lines go: SLF4J in production, a list in tests. */
  @FunctionalInterface
  public interface Sink {
    /** Logs one line; {@code stack} is the failure whose stack trace is logged, if any. */
    void log(String message, @Nullable Throwable stack);

    /** WARN lines on {@code logger}. */
    static Sink warn(Logger logger) {
      Objects.requireNonNull(logger, "logger");
      return (message, stack) -> {
        if (stack == null) {
          logger.warn(message);
        } else {
          logger.warn(message, stack);
        }
      };
    }
  }

  /** The interval of summary lines used by the services (one minute). */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private final Clock clock;
  private final Duration interval;
  private final Sink sink;
  private long failures; // guarded by this
  private long suppressed; // guarded by this
  private long lines; // guarded by this
  private @Nullable Instant lastLine; // guarded by this

  public FailureLog(Clock clock, Duration interval, Sink sink) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.sink = Objects.requireNonNull(sink, "sink");
    Checks.notNegative(interval, "interval");
  }

  /**
   * Counts one failure and logs it if due.
   *
   * @param what what failed, bounded text (for example {@code "Prediction listener of 'churn'
   *     failed on a PredictionEvent"})
   */
  public void failed(String what, Throwable failure) {
    String line;
    Throwable stack = null;
    synchronized (this) {
      failures++;
      Instant now = clock.instant();
      if (lastLine == null) {
        line =
            what
                + " (logged with its stack trace once; further failures are counted and"
                + " summarized at most once every "
                + interval
                + ")";
        stack = failure;
      } else if (!now.isBefore(lastLine.plus(interval))) {
        line =
            what
                + ": "
                + abbreviate(String.valueOf(failure), 300)
                + "; "
                + suppressed
                + " more failure(s) not logged since "
                + lastLine
                + ", "
                + failures
                + " in all";
      } else {
        suppressed++;
        return;
      }
      suppressed = 0;
      lastLine = now;
      lines++;
    }
    sink.log(line, stack);
  }

  /** Failures counted so far. */
  public synchronized long failures() {
    return failures;
  }

  /** Failures counted since the last line was logged, not logged themselves. */
  public synchronized long suppressed() {
    return suppressed;
  }

  /** Lines logged so far. */
  public synchronized long lines() {
    return lines;
  }

  /** {@code s} cut to {@code max} characters (never inside a surrogate pair) with its length. */
  static String abbreviate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int cut = max;
    if (Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--;
    }
    return s.substring(0, cut) + "... (" + s.length() + " chars)";
  }
}
