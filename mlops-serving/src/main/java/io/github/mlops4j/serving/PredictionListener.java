package io.github.mlops4j.serving;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives sampled predictions and lifecycle events of an {@link InferenceService}. Both methods
 * are called on the service's event thread, never on the caller's, one event at a time; events that
 * do not fit the bounded queue are dropped and counted. Delivery is asynchronous: {@link
 * InferenceService#awaitEvents} waits until the events queued so far were delivered. An exception
 * it throws does not stop delivery: it is counted ({@link InferenceService#listenerFailures()}),
 * the first logged with its stack trace, later ones summarized at most once a minute.
 *
 * <p>To feed a monitor, use {@link io.github.mlops4j.serving.monitoring.MonitorListener} (needs
 * mlops-monitoring on the class path).
 *
 * @since 0.1.0
 */
public interface PredictionListener {
  /** A sampled prediction, or a shadow prediction. */
  void onPrediction(PredictionEvent event);

  /** A lifecycle event: loaded, swapped, load failed, released, canary rolled back. */
  default void onEvent(ServingEvent event) {}

  /** A listener of lifecycle events only (predictions are ignored). */
  static PredictionListener onServingEvent(Consumer<? super ServingEvent> events) {
    Objects.requireNonNull(events, "events");
    return new PredictionListener() {
      @Override
      public void onPrediction(PredictionEvent event) {}

      @Override
      public void onEvent(ServingEvent event) {
        events.accept(event);
      }
    };
  }
}
