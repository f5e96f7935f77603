package io.github.mlops4j.monitoring;

import io.github.mlops4j.internal.FailureLog;
import io.github.mlops4j.monitoring.drift.DriftReport;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Monitor}'s listener dispatch: calls every {@link DriftListener} with each report, in
 * registration order, on the evaluating thread. A listener that throws does not stop the others;
 * its failures are counted and logged through its own {@link FailureLog} (the first with a stack
 * trace, then one summary line per interval of the injected clock). Thread-safe.
 */
final class DriftListeners {
  private final String model;
  private final Clock clock;
  private final FailureLog.Sink failureSink;
  private final CopyOnWriteArrayList<DriftListener> listeners;

  /** Per listener: its failures, logged with a stack trace once, then summarized per interval. */
  private final Map<DriftListener, FailureLog> failureLogs = new ConcurrentHashMap<>();

  private final AtomicLong failures = new AtomicLong();

  DriftListeners(
      String model, Clock clock, FailureLog.Sink failureSink, Collection<DriftListener> initial) {
    this.model = model;
    this.clock = clock;
    this.failureSink = failureSink;
    this.listeners = new CopyOnWriteArrayList<>(initial);
  }

  void add(DriftListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  boolean remove(DriftListener listener) {
    failureLogs.remove(listener);
    return listeners.remove(listener);
  }

  /** Tells every listener about a window's report; a listener's failure is counted and logged. */
  void dispatch(WindowInfo info, DriftReport report) {
    for (DriftListener l : listeners) {
      try {
        l.onWindow(info, report);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        failureLog(l)
            .failed(
                "Monitor '"
                    + model
                    + "': drift listener "
                    + l.getClass().getName()
                    + " failed on window "
                    + info.index(),
                e);
      }
    }
  }

  /** Listener calls that threw since the monitor was built. */
  long failures() {
    return failures.get();
  }

  private FailureLog failureLog(DriftListener l) {
    return failureLogs.computeIfAbsent(
        l, k -> new FailureLog(clock, FailureLog.DEFAULT_INTERVAL, failureSink));
  }
}
