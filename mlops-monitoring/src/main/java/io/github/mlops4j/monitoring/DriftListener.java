package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.drift.DriftReport;

/**
 * Receives the drift report of every evaluated window of a {@link Monitor}: a window with rows,
 * compared with the reference. Check {@link DriftReport#datasetDrift()} or single columns to decide
 * what to do, for example to trigger retraining, or wrap the listener with {@link
 * #onDatasetDrift(DriftListener)}.
 *
 * <p>Called on the thread that evaluates windows (see {@link Monitor.Builder#executor}), one window
 * at a time and in window order. A listener that throws is counted in {@link
 * MonitorStats#listenerFailures()}; the other listeners still run. Its first failure is logged with
 * the stack trace, later ones at most once a minute (by the monitor's clock) as one WARN line with
 * the number of failures not logged.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DriftListener {
  /**
   * Called once per evaluated window.
   *
   * @param window the window that closed
   * @param report its comparison with the reference
   */
  void onWindow(WindowInfo window, DriftReport report);

  /** A listener that forwards only reports with {@link DriftReport#datasetDrift()}. */
  static DriftListener onDatasetDrift(DriftListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    return (window, report) -> {
      if (report.datasetDrift()) {
        listener.onWindow(window, report);
      }
    };
  }
}
