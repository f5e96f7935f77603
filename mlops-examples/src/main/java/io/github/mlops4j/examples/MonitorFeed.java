package io.github.mlops4j.examples;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.ServingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Connects serving to monitoring: every sampled prediction's inputs (after feature enrichment)
 * go to {@link Monitor#observe(Map)} and its score to {@link Monitor#recordPrediction}, so labels
 * that arrive later can be joined by prediction id. Serving does not depend on monitoring; this
 * listener is the whole bridge.
 */
final class MonitorFeed implements PredictionListener {
  private final Monitor monitor;
  private final String positiveLabel;
  private final AtomicLong observed = new AtomicLong();
  private final List<ServingEvent> events = new CopyOnWriteArrayList<>();

  MonitorFeed(Monitor monitor, String positiveLabel) {
    this.monitor = monitor;
    this.positiveLabel = positiveLabel;
  }

  @Override
  public void onPrediction(PredictionEvent event) {
    if (!event.route().equals("shadow")) {
      Map<String, Object> row = new HashMap<>();
      for (String column : monitor.schema().columns()) {
        Object value = event.inputs().get(column);
        if (value != null) {
          row.put(column, value);
        }
      }
      monitor.observe(row);
      Double score = event.scores().get(positiveLabel);
      if (score != null) {
        monitor.recordPrediction(event.id(), score);
      }
    }
    observed.incrementAndGet();
  }

  @Override
  public void onEvent(ServingEvent event) {
    events.add(event);
  }

  /** Predictions handed to the monitor so far. */
  long observed() {
    return observed.get();
  }

  /** Lifecycle events seen so far (loads, swaps, canary rollbacks, drops). */
  List<ServingEvent> events() {
    return new ArrayList<>(events);
  }

  /**
   * Waits until {@code count} predictions were handed over: events are delivered on the service's
   * event thread, so labels recorded before would find no prediction to join.
   */
  void awaitObserved(long count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (observed.get() < count) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("Only " + observed.get() + " of " + count
            + " predictions reached the monitor within " + timeout
            + "; check the service's event queue capacity");
      }
      LockSupport.parkNanos(200_000);
    }
  }
}
