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

  /**
   * Set (by the auto-configuration, once the context has started) when no handler other than the
   * starter's prediction meter handler would see a prediction: each call is then timed into that
   * handler's timers without an {@code Observation}. Null: every call is a full observation.
   */
  private volatile @Nullable PredictionTimers direct;

  /** See {@link #direct}; null turns direct timing off. */
  void timeDirectly(@Nullable PredictionTimers timers) {
    direct = timers;
  }

  /** True while predictions are timed without an {@code Observation}. */
  boolean timesDirectly() {
    return direct != null;
  }

  /** The registry the observations go to. */
  ObservationRegistry registry() {
    return observations;
  }

  /** The context of a call timed directly: the timers and the start time. */
  private record Direct(PredictionTimers timers, long start) {}

  private final class Observer implements PredictionObserver {
    private final String model;
    private final Supplier<PredictionContext> context;

    Observer(String model) {
      this.model = model;
      this.context = () -> new PredictionContext(model);
    }

    @Override
    public Object onStart(String model) {
      PredictionTimers t = direct;
      if (t != null) {
        return new Direct(t, t.now());
      }
      return Observation.createNotStarted(null, convention, context, observations).start();
    }

    @Override
    public void onEnd(
        @Nullable Object context, @Nullable Prediction prediction, @Nullable Throwable error) {
      if (context instanceof Direct d) {
        endDirect(d, prediction, error);
      } else if (context instanceof Observation o) {
        stop(o, prediction, error);
      }
    }

    private void stop(Observation o, @Nullable Prediction prediction, @Nullable Throwable error) {
      if (o.getContext() instanceof PredictionContext c) {
        Slot slot = slot(prediction, error);
        if (slot != null) {
          c.end(slot.key, prediction != null ? prediction.id() : "none");
        }
      }
      if (error != null) {
        o.error(error);
      }
      o.stop();
    }

    /**
     * Records the call into the timer the full observation would have ended in. The first call with
     * a value set (and error type) has no timer yet: it runs as a full observation, started at the
     * call's start, so that the timer is registered with every key value the set-up adds.
     */
    private void endDirect(Direct d, @Nullable Prediction prediction, @Nullable Throwable error) {
      long end = d.timers().now();
      Slot slot = slot(prediction, error);
      if (slot == null) {
        return; // neither a prediction nor an error: a full observation records nothing either
      }
      Class<?> errorType = error == null ? null : error.getClass();
      Object timer = errorType == null ? slot.timer : null;
      if (timer == null) {
        timer = d.timers().timer(slot.key, errorType);
        if (timer != null && errorType == null) {
          slot.timer = timer;
        }
      }
      if (timer != null) {
        d.timers().record(timer, end - d.start());
        return;
      }
      Observation o = Observation.createNotStarted(null, convention, context, observations).start();
      if (o.getContext() instanceof PredictionContext c) {
        c.startNanos = d.start();
      }
      stop(o, prediction, error);
    }

    private @Nullable Slot slot(@Nullable Prediction prediction, @Nullable Throwable error) {
      if (prediction != null) {
        return slot(prediction.version(), prediction.route(), "ok");
      } else if (error != null) {
        int version = error instanceof InvalidInputException invalid ? invalid.version() : 0;
        return slot(version, "none", outcome(error));
      }
      return null;
    }

    /** The values of a finished call, their key values' cache key and their error-free timer. */
    private static final class Slot {
      final int version;
      final String route;
      final String outcome;
      final PredictionContext.Key key;

      /** The timer of error-free calls with these values, once known (direct timing only). */
      volatile @Nullable Object timer;

      Slot(int version, String route, String outcome, PredictionContext.Key key) {
        this.version = version;
        this.route = route;
        this.outcome = outcome;
        this.key = key;
      }
    }

    /** The value sets seen so far (few: versions x routes x outcomes), scanned without locking. */
    private volatile Slot[] slots = new Slot[0];

    /** The call's values; the same instance for the same values, so no key is built per call. */
    private Slot slot(int version, String route, String outcome) {
      for (Slot slot : slots) {
        if (slot.version == version && slot.route.equals(route) && slot.outcome.equals(outcome)) {
          return slot;
        }
      }
      return addSlot(version, route, outcome);
    }

    private synchronized Slot addSlot(int version, String route, String outcome) {
      Slot[] old = slots;
      for (Slot slot : old) { // added by another thread meanwhile
        if (slot.version == version && slot.route.equals(route) && slot.outcome.equals(outcome)) {
          return slot;
        }
      }
      Slot slot =
          new Slot(
              version,
              route,
              outcome,
              new PredictionContext.Key(
                  model, version == 0 ? "none" : Integer.toString(version), route, outcome));
      if (old.length < MAX_SLOTS) {
        Slot[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = slot;
        slots = grown;
      }
      return slot;
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
