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
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer observations of mlops4j: one {@code mlops.prediction} observation per {@code predict}
 * call, one {@code mlops.prediction.list} per {@code predictAll} call or batch job chunk pass, and
 * one {@code mlops.registry.change} per registry change. One instrumentation gives a timer (with
 * Boot's default handlers, {@code mlops_prediction_seconds} in Prometheus) and, where the host has
 * a tracing bridge (OpenTelemetry or Brave), a span.
 *
 * <p>Low-cardinality keys of {@code mlops.prediction}: {@code mlops.model}, {@code mlops.version},
 * {@code mlops.route}, {@code mlops.outcome} ({@code ok, invalid, overloaded, deadline,
 * unavailable, error}); high-cardinality: {@code mlops.prediction.id}. A failed call has version
 * and route {@code none} (an invalid input names the version that refused it). The key values are
 * set when the call ends (the version and route are known only then) and built once per distinct
 * value set. {@code mlops.prediction.list}: {@code mlops.model}, {@code mlops.kind} ({@code
 * predict_all} or {@code batch_chunk}) and {@code mlops.outcome}; high-cardinality {@code
 * mlops.size}.
 *
 * <p>Cost: with Spring Boot's actuator the starter adds a meter handler for predictions that keeps
 * one timer per value set, instead of Micrometer's default handler, which builds the tags and looks
 * the timer up on every call. Works without Spring: give {@link #forModel} to {@code
 * InferenceService.Builder#observer}.
 *
 * @since 0.1.0
 */
public final class PredictionObservations implements ServingObservers {
  /** The observation name of a prediction. */
  public static final String PREDICTION = "mlops.prediction";

  /** The observation name of a registry change. */
  public static final String REGISTRY_CHANGE = "mlops.registry.change";

  /** The observation name of a {@code predictAll} call or a batch job's chunk. */
  public static final String LIST = "mlops.prediction.list";

  /** Value sets of one model's calls kept for reuse; more are built per call (still correct). */
  private static final int MAX_SLOTS = 64;

  private final ObservationRegistry observations;
  private final PredictionContext.Convention convention =
      new PredictionContext.Convention(PREDICTION);

  /** Observations recorded in {@code observations}. */
  public PredictionObservations(ObservationRegistry observations) {
    this.observations = Objects.requireNonNull(observations, "observations");
  }

  @Override
  public @Nullable PredictionObserver forModel(String model) {
    return observations.isNoop() ? null : new Observer(model);
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
    private final String model;
    private final Supplier<PredictionContext> context;

    Observer(String model) {
      this.model = model;
      this.context = () -> new PredictionContext(model);
    }

    @Override
    public Object onStart(String model) {
      return Observation.createNotStarted(null, convention, context, observations).start();
    }

    @Override
    public void onEnd(
        @Nullable Object context, @Nullable Prediction prediction, @Nullable Throwable error) {
      if (!(context instanceof Observation o)) {
        return;
      }
      if (o.getContext() instanceof PredictionContext c) {
        if (prediction != null) {
          c.end(key(prediction.version(), prediction.route(), "ok"), prediction.id());
        } else if (error != null) {
          int version = error instanceof InvalidInputException invalid ? invalid.version() : 0;
          c.end(key(version, "none", outcome(error)), "none");
        }
      }
      if (error != null) {
        o.error(error);
      }
      o.stop();
    }

    /** A known value set of this model's calls. */
    private record Slot(int version, String route, String outcome, PredictionContext.Key key) {}

    /** The value sets seen so far (few: versions x routes x outcomes), scanned without locking. */
    private volatile Slot[] slots = new Slot[0];

    /** The call's values; the same instance for the same values, so no key is built per call. */
    private PredictionContext.Key key(int version, String route, String outcome) {
      for (Slot slot : slots) {
        if (slot.version == version && slot.route.equals(route) && slot.outcome.equals(outcome)) {
          return slot.key;
        }
      }
      return addSlot(version, route, outcome);
    }

    private synchronized PredictionContext.Key addSlot(int version, String route, String outcome) {
      PredictionContext.Key k =
          new PredictionContext.Key(
              model, version == 0 ? "none" : Integer.toString(version), route, outcome);
      Slot[] old = slots;
      if (old.length < MAX_SLOTS) {
        Slot[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = new Slot(version, route, outcome, k);
        slots = grown;
      }
      return k;
    }

    @Override
    public Object onStartList(String model, int size, boolean batchJob) {
      return Observation.createNotStarted(LIST, observations)
          .lowCardinalityKeyValue("mlops.model", model)
          .lowCardinalityKeyValue("mlops.kind", batchJob ? "batch_chunk" : "predict_all")
          .highCardinalityKeyValue("mlops.size", Integer.toString(size))
          .start();
    }

    @Override
    public void onEndList(@Nullable Object context, @Nullable Throwable error) {
      if (context instanceof Observation o) {
        o.lowCardinalityKeyValue("mlops.outcome", error == null ? "ok" : outcome(error));
        if (error != null) {
          o.error(error);
        }
        o.stop();
      }
    }
  }
}
