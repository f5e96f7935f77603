package io.github.mlops4j.spring;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.PredictionObserver;
import io.github.mlops4j.serving.ServingEvent;
import io.github.mlops4j.serving.ValidationPolicy;
import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.tracking.Tracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The models the application serves ({@code mlops.serving.models.*}), each an {@link
 * InferenceService} bean named after the model, and their state for health and info.
 *
 * <p><b>Graceful shutdown.</b> When the context closes (after the web server stopped taking
 * requests and drained its own), every service stops taking new predictions (they fail with {@link
 * ModelUnavailableException}), readiness turns to {@code REFUSING_TRAFFIC}, the predictions in
 * flight are waited for up to {@code mlops.serving.shutdown-timeout}, and the tracker is flushed;
 * the beans are closed afterwards.
 *
 * @since 0.1.0
 */
public final class ServedModels implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ServedModels.class);

  /** After the web server's graceful shutdown and stop (Boot's phases minus 1024 and 2048). */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  /** The state of one served model. */
  public static final class Served {
    private final String name;
    private final MlopsProperties.Model settings;
    final InFlight inFlight = new InFlight();
    private volatile @Nullable InferenceService service;
    private volatile ServingEvent.@Nullable LoadFailed lastFailure;
    private volatile boolean draining;

    Served(String name, MlopsProperties.Model settings) {
      this.name = name;
      this.settings = settings;
    }

    /** The model name (and bean name). */
    public String name() {
      return name;
    }

    /** The alias the service follows, empty when it serves a fixed version. */
    public Optional<String> alias() {
      if (settings.getVersion() != null) {
        return Optional.empty();
      }
      return Optional.of(settings.getAlias() == null ? ModelRegistry.LATEST : settings.getAlias());
    }

    /** The service, empty before it was built. */
    public Optional<InferenceService> service() {
      return Optional.ofNullable(service);
    }

    /** The last version that failed to load or warm, empty if none did. */
    public Optional<ServingEvent.LoadFailed> lastLoadFailure() {
      return Optional.ofNullable(lastFailure);
    }

    /** True once the context started closing: no new predictions are taken. */
    public boolean draining() {
      return draining;
    }

    /** Predictions running now. */
    public int inFlight() {
      return inFlight.count();
    }

    void onEvent(ServingEvent event) {
      if (event instanceof ServingEvent.LoadFailed failed) {
        lastFailure = failed;
      }
    }
  }

  /** The MDC key of the model while a prediction runs ({@code mlops.observations.mdc}). */
  public static final String MDC_MODEL = "mlops.model";

  /**
   * The MDC key of the prediction id, set when the prediction is made, while its observation ends
   * ({@code mlops.observations.mdc}).
   */
  public static final String MDC_PREDICTION_ID = "mlops.prediction.id";

  private final MlopsProperties properties;
  private final ModelRegistry registry;
  private final @Nullable FeatureStore features;
  private final @Nullable Tracker tracker;
  private final @Nullable Object meterRegistry;
  private final @Nullable ServingObservers observers;
  private final @Nullable ApplicationEventPublisher publisher;
  private final Map<String, Served> served;
  private volatile boolean running;

  ServedModels(
      MlopsProperties properties,
      ModelRegistry registry,
      @Nullable FeatureStore features,
      @Nullable Tracker tracker,
      @Nullable Object meterRegistry,
      @Nullable ServingObservers observers,
      @Nullable ApplicationEventPublisher publisher) {
    this.properties = properties;
    this.registry = registry;
    this.features = features;
    this.tracker = tracker;
    this.meterRegistry = meterRegistry;
    this.observers = observers;
    this.publisher = publisher;
    Map<String, Served> m = new LinkedHashMap<>();
    properties.getServing().getModels().forEach((name, s) -> m.put(name, new Served(name, s)));
    this.served = Collections.unmodifiableMap(m);
  }

  /** Every served model by name, in the order configured. */
  public Map<String, Served> models() {
    return served;
  }

  /** The registry the services load from. */
  public ModelRegistry registry() {
    return registry;
  }

  /**
   * Builds the service of {@code name}: loads and warms its first version, or, with {@code
   * required=false}, starts it without one when it has none that loads yet.
   */
  InferenceService start(String name) {
    Served s = Objects.requireNonNull(served.get(name), name);
    MlopsProperties.Model m = s.settings;
    String prefix = "mlops.serving.models." + name;
    InferenceService.Builder b = InferenceService.builder().registry(registry).model(name);
    if (m.getVersion() != null) {
      b.version(m.getVersion());
    } else if (m.getAlias() != null) {
      b.alias(m.getAlias());
    }
    if (m.getTimeout() != null) {
      b.timeout(m.getTimeout());
    }
    if (m.getMaxConcurrency() != null) {
      b.maxConcurrency(m.getMaxConcurrency());
    }
    if (m.getValidation() == MlopsProperties.Validation.FILL) {
      b.validation(ValidationPolicy.fill(m.getFillValue()));
    }
    if (!m.getFeatures().isEmpty()) {
      if (features == null) {
        throw new IllegalStateException(
            prefix + ".features needs a FeatureStore bean (mlops-core's, made by the starter)");
      }
      b.features(features, m.getFeatures());
    }
    if (!m.getIgnoreFields().isEmpty()) {
      b.ignoreFields(m.getIgnoreFields().toArray(String[]::new));
    }
    if (meterRegistry != null && properties.getServing().isMeters()) {
      b.meters(MicrometerMeters.of(meterRegistry));
    }
    b.listener(PredictionListener.onServingEvent(s::onEvent)).sampleRate(0);
    PredictionObserver delegate = observers == null ? null : observers.forModel(name);
    b.observer(new Gate(s.inFlight, delegate, properties.getObservations().isMdc()));
    if (!m.isRequired()) {
      b.awaitFirstVersion(); // the health says why until a version loads
    }
    try {
      InferenceService service = b.build();
      s.service = service;
      return service;
    } catch (ModelUnavailableException e) {
      throw new IllegalStateException(
          prefix + ": cannot serve '" + name + "': " + e.getMessage() + optionalHint(name, m), e);
    }
  }

  /** How to start without a version of a model the registry knows. */
  private String optionalHint(String name, MlopsProperties.Model m) {
    if (!m.isRequired()) {
      return "";
    }
    try {
      if (registry.findModel(name).isEmpty()) {
        return ""; // a misspelled name: waiting would not help
      }
    } catch (RuntimeException e) {
      return "";
    }
    return ". To start without it and serve once the registry names a version that loads, set"
        + " mlops.serving.models."
        + name
        + ".required=false";
  }

  /**
   * In-flight counting (single calls and lists alike, so the drain waits for {@code predictAll} and
   * batch chunks too) and the MDC around the optional observation of each call.
   */
  private static final class Gate implements PredictionObserver {
    private final InFlight inFlight;
    private final @Nullable PredictionObserver delegate;
    private final boolean mdc;

    Gate(InFlight inFlight, @Nullable PredictionObserver delegate, boolean mdc) {
      this.inFlight = inFlight;
      this.delegate = delegate;
      this.mdc = mdc;
    }

    @Override
    public @Nullable Object onStart(String model) {
      inFlight.enter();
      if (mdc) {
        MDC.put(MDC_MODEL, model);
      }
      PredictionObserver d = delegate;
      if (d == null) {
        return null;
      }
      try {
        return d.onStart(model);
      } catch (RuntimeException e) {
        left();
        throw e;
      }
    }

    @Override
    public void onEnd(
        @Nullable Object context, @Nullable Prediction prediction, @Nullable Throwable error) {
      try {
        if (mdc && prediction != null) {
          MDC.put(MDC_PREDICTION_ID, prediction.id());
        }
        PredictionObserver d = delegate;
        if (d != null) {
          d.onEnd(context, prediction, error);
        }
      } finally {
        left();
      }
    }

    @Override
    public @Nullable Object onStartList(String model, int size, boolean batchJob) {
      inFlight.enter();
      if (mdc) {
        MDC.put(MDC_MODEL, model);
      }
      PredictionObserver d = delegate;
      if (d == null) {
        return null;
      }
      try {
        return d.onStartList(model, size, batchJob);
      } catch (RuntimeException e) {
        left();
        throw e;
      }
    }

    @Override
    public void onEndList(@Nullable Object context, @Nullable Throwable error) {
      try {
        PredictionObserver d = delegate;
        if (d != null) {
          d.onEndList(context, error);
        }
      } finally {
        left();
      }
    }

    private void left() {
      if (mdc) {
        MDC.remove(MDC_MODEL);
        MDC.remove(MDC_PREDICTION_ID);
      }
      inFlight.exit();
    }
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** Stops new predictions, drains the ones in flight, then flushes the tracker. */
  @Override
  public void stop() {
    running = false;
    served.values().forEach(s -> s.draining = true);
    if (publisher != null) {
      AvailabilityChangeEvent.publish(publisher, this, ReadinessState.REFUSING_TRAFFIC);
    }
    Duration timeout = properties.getServing().getShutdownTimeout();
    long deadline = System.nanoTime() + InFlight.nanos(timeout);
    List<String> left = new ArrayList<>();
    for (Served s : served.values()) {
      InferenceService service = s.service;
      if (service != null) {
        service.close(); // new calls fail at once; running ones finish on their version
      }
    }
    try {
      for (Served s : served.values()) {
        Duration rest = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        if (!s.inFlight.awaitZero(rest)) {
          left.add(s.name + " (" + s.inFlight.count() + ")");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!left.isEmpty()) {
      LOG.warn(
          "Predictions still in flight after mlops.serving.shutdown-timeout={}: {}", timeout, left);
    }
    if (tracker != null) {
      Duration rest = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (!tracker.flush(rest.isZero() ? Duration.ofSeconds(1) : rest)) {
        LOG.warn("The tracker did not flush within mlops.serving.shutdown-timeout={}", timeout);
      }
    }
  }

  /** Keeps Micrometer types out of this class's signatures. */
  private static final class MicrometerMeters {
    static ServingMeters of(Object registry) {
      return io.github.mlops4j.serving.metrics.MicrometerServingMeters.of(
          (io.micrometer.core.instrument.MeterRegistry) registry);
    }
  }
}
