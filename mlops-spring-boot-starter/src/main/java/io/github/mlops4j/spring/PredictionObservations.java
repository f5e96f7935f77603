package io.github.mlops4j.spring;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.RegistryEvent;
import io.github.mlops4j.serving.DeadlineExceededException;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.serving.OverloadedException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer observations of mlops4j: one {@code mlops.prediction} observation per {@code predict}
 * call and one {@code mlops.registry.change} per registry change. One instrumentation gives a timer
 * (with Boot's default handlers, {@code mlops_prediction_seconds} in Prometheus) and, where the
 * host has a tracing bridge (OpenTelemetry or Brave), a span.
 *
 * <p>Low-cardinality keys: {@code mlops.model}, {@code mlops.version}, {@code mlops.route}, {@code
 * mlops.outcome} ({@code ok, invalid, overloaded, deadline, unavailable, error}); high-cardinality:
 * {@code mlops.prediction.id}. A failed call has version and route {@code none} (an invalid input
 * names the version that refused it). Works without Spring: give {@link #forModel} to {@code
 * InferenceService.Builder#observer}.
 *
 * @since 0.1.0
 */
public final class PredictionObservations implements ServingObservers {
  /** The observation name of a prediction. */
  public static final String PREDICTION = "mlops.prediction";

  /** The observation name of a registry change. */
  public static final String REGISTRY_CHANGE = "mlops.registry.change";

  private final ObservationRegistry observations;

  /** Observations recorded in {@code observations}. */
  public PredictionObservations(ObservationRegistry observations) {
    this.observations = Objects.requireNonNull(observations, "observations");
  }

  @Override
  public @Nullable PredictionObserver forModel(String model) {
    return observations.isNoop() ? null : new Observer();
  }

  /**
   * Observes every change made to {@code registry} (by this process, or seen from others by its
   * polls): key {@code mlops.model} and {@code mlops.action} (for example {@code alias_set}).
   */
  public Subscription observeRegistry(ModelRegistry registry) {
    return registry.addListener(
        event -> {
          var entry = entry(event);
          Observation.createNotStarted(REGISTRY_CHANGE, observations)
              .lowCardinalityKeyValue("mlops.model", entry.model())
              .lowCardinalityKeyValue(
                  "mlops.action", entry.action().name().toLowerCase(Locale.ROOT))
              .start()
              .stop();
        });
  }

  private static io.github.mlops4j.registry.AuditEntry entry(RegistryEvent event) {
    if (event instanceof RegistryEvent.VersionRegistered e) {
      return e.entry();
    } else if (event instanceof RegistryEvent.AliasChanged e) {
      return e.entry();
    } else if (event instanceof RegistryEvent.VersionChanged e) {
      return e.entry();
    }
    return ((RegistryEvent.ModelChanged) event).entry();
  }

  /** The outcome tag of a failed call. */
  static String outcome(Throwable e) {
    if (e instanceof InvalidInputException) {
      return "invalid";
    } else if (e instanceof OverloadedException) {
      return "overloaded";
    } else if (e instanceof DeadlineExceededException) {
      return "deadline";
    } else if (e instanceof ModelUnavailableException) {
      return "unavailable";
    }
    return "error";
  }

  private final class Observer implements PredictionObserver {
    @Override
    public Object onStart(String model) {
      return Observation.createNotStarted(PREDICTION, observations)
          .lowCardinalityKeyValue("mlops.model", model)
          .start();
    }

    @Override
    public void onEnd(
        @Nullable Object context, @Nullable Prediction prediction, @Nullable Throwable error) {
      if (!(context instanceof Observation o)) {
        return;
      }
      if (prediction != null) {
        o.lowCardinalityKeyValue("mlops.version", Integer.toString(prediction.version()))
            .lowCardinalityKeyValue("mlops.route", prediction.route())
            .lowCardinalityKeyValue("mlops.outcome", "ok")
            .highCardinalityKeyValue("mlops.prediction.id", prediction.id());
      } else if (error != null) {
        o.lowCardinalityKeyValue(
                "mlops.version",
                error instanceof InvalidInputException invalid
                    ? Integer.toString(invalid.version())
                    : "none")
            .lowCardinalityKeyValue("mlops.route", "none")
            .lowCardinalityKeyValue("mlops.outcome", outcome(error))
            .highCardinalityKeyValue("mlops.prediction.id", "none")
            .error(error);
      }
      o.stop();
    }
  }
}
