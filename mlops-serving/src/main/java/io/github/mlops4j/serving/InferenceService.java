package io.github.mlops4j.serving;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.internal.BatchAccess;
import io.github.mlops4j.serving.internal.BuilderSettings;
import io.github.mlops4j.serving.internal.DenseRow;
import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one registered model in-process. {@link #predict(Map)} runs on the caller's thread (or
 * through the micro-batcher when enabled): it validates the request against the version's registry
 * signature, converts it to a Tribuo example and predicts, with no lock on the way.
 *
 * <pre>{@code
 * try (InferenceService churn = InferenceService.builder()
 *     .registry(registry).model("churn").alias("champion")   // follows the alias
 *     .build()) {
 *   Prediction p = churn.predict(Map.of("tenure", 14.0, "plan", "gold"));
 * }
 * }</pre>
 *
 * <p>When the alias moves, the new version is loaded and warmed on a background thread before it
 * takes traffic; calls already running finish on the old version, which is released once they are
 * done. A version that fails to load or warm never takes traffic.
 *
 * <p>By default {@link Builder#build()} fails when a target has no loadable version. With {@link
 * Builder#awaitFirstVersion()} it returns anyway: the service serves nothing ({@link #isLoaded()}
 * is false, calls fail with {@link ModelUnavailableException} saying why) until the registry names
 * a version that loads for every target, then it starts serving on its own.
 *
 * @since 0.1.0
 */
public final class InferenceService implements AutoCloseable {
  static {
    BatchAccess.install(
        new BatchAccess.Scorer() {
          @Override
          public List<BatchAccess.RowResult> predictEach(
              InferenceService service, List<? extends Map<String, ?>> requests) {
            return service.predictEach(requests);
          }

          @Override
          public BatchAccess.@Nullable DenseResult predictDense(
              InferenceService service, List<DenseRow> rows) {
            // an observer sees each list as predictEach reports it: leave such services to it
            return service.observer == null ? service.core.predictDense(rows) : null;
          }
        });
  }

  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

  private final ServiceCore core;
  private final @Nullable PredictionObserver observer;
  private final AtomicBoolean observerFailed = new AtomicBoolean();

  private InferenceService(ServiceCore core, @Nullable PredictionObserver observer) {
    this.core = core;
    this.observer = observer;
  }

  /** A builder; {@code registry} and {@code model} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Predicts one request with the default timeout (if any).
   *
   * @throws InvalidInputException if the request does not match the signature (policy REJECT),
   *     cannot be read (a null or non-text key, a value or map that throws while read), or holds a
   *     value outside the model's training range for which the model gives no usable output.
   *     Whatever the request holds, it fails this way and never counts against a version
   * @throws OverloadedException if {@code maxConcurrency} calls are already running
   * @throws DeadlineExceededException if the default timeout passed
   * @throws ModelUnavailableException if the service is closed, or (built with {@link
   *     Builder#awaitFirstVersion()}) has not loaded a version yet; the message says why (the alias
   *     that names no version, the version that failed to load)
   * @throws ServingException if the model failed on a valid request (outcome {@code error}; a
   *     canary's failed call)
   */
  public Prediction predict(Map<String, ?> request) {
    PredictionObserver o = observer;
    return o == null
        ? core.predict(request, core.defaultTimeoutNanos)
        : observed(o, request, core.defaultTimeoutNanos);
  }

  /**
   * Predicts one request within {@code timeout}: a call that cannot start in time, or whose
   * prediction is not ready in time, fails with {@link DeadlineExceededException}.
   */
  public Prediction predict(Map<String, ?> request, Duration timeout) {
    Checks.positive(timeout, "timeout"); // NullPointerException "timeout" for null
    PredictionObserver o = observer;
    long nanos = ServiceCore.toNanos(timeout);
    return o == null ? core.predict(request, nanos) : observed(o, request, nanos);
  }

  private Prediction observed(PredictionObserver o, Map<String, ?> request, long timeoutNanos) {
    Object context = o.onStart(core.model);
    Prediction p;
    try {
      p = core.predict(request, timeoutNanos);
    } catch (Throwable t) { // an Error from the model too: every onStart gets its onEnd
      end(o, context, null, t);
      throw t;
    }
    end(o, context, p, null);
    return p;
  }

  /** Calls {@code onEnd}; a failure there is logged once and never replaces the call's outcome. */
  private void end(
      PredictionObserver o,
      @Nullable Object context,
      @Nullable Prediction p,
      @Nullable Throwable error) {
    try {
      o.onEnd(context, p, error);
    } catch (RuntimeException e) {
      observerFailed(o, e);
    }
  }

  private void observerFailed(PredictionObserver o, RuntimeException e) {
    if (observerFailed.compareAndSet(false, true)) {
      LOG.warn(
          "PredictionObserver {} of model '{}' failed in onEnd; the call's outcome is kept"
              + " (further failures are not logged)",
          o.getClass().getName(),
          core.model,
          e);
    }
  }

  /**
   * Predicts a list of requests as one batch on this thread and returns the predictions in order.
   *
   * <p>Each request is handled as {@link #predict(Map)} handles it: validated on its own, routed on
   * its own (A/B arm, canary, sticky key), given its own prediction id, counted in the meters,
   * published to listeners (with sampling) and mirrored to the shadow. The requests are then
   * grouped by the version they were routed to, and each group is predicted in <b>one</b> call of
   * the model ({@code Model.predict(List)}; an ONNX model runs the group as one tensor). If the
   * model fails on a group as a whole, its requests are predicted one by one, so that one request
   * the model cannot take fails only itself. A version swapped during the call keeps answering the
   * requests already routed to it.
   *
   * <p>Time: the default timeout (if any) bounds each group's model call as it bounds one {@code
   * predict}, counted from the start of that call; a request fails with {@link
   * DeadlineExceededException} only when the call of its own group took longer. A list is never
   * refused only because it is long (its requests are read and encoded before the calls, and the
   * groups are predicted one after another). The meters and the canary's bounds see each request's
   * own time: its reading and encoding plus its group's model call, never the other groups' calls;
   * {@link Prediction#latency()} is what the caller waited for, from the start of {@code
   * predictAll} to the end of the request's group.
   *
   * <p>Limits: the whole list takes one {@code maxConcurrency} permit (it is one call on one
   * thread); a list refused by that bound counts <b>one</b> {@code overloaded} call in the meters,
   * whatever its size, and every request fails with {@link OverloadedException}. The micro-batcher
   * is not used (the list is a batch already); each group goes to the model in one call, so the
   * list's size bounds the call's.
   *
   * <p>Every request is predicted even when some fail. If any failed, the failure of the first
   * failed request in list order is thrown (an {@link InvalidInputException}, {@link
   * OverloadedException}, ... as {@code predict} would throw it), and the other predictions are not
   * returned, though they were made, counted and published. {@code BatchJob} uses the same path and
   * keeps each row's own outcome.
   *
   * @throws NullPointerException if {@code requests} or one of them is null
   */
  public List<Prediction> predictAll(List<? extends Map<String, ?>> requests) {
    Objects.requireNonNull(requests, "requests");
    PredictionObserver o = observer;
    return o == null
        ? core.predictAll(requests)
        : observedList(o, requests.size(), false, () -> core.predictAll(requests));
  }

  /** The batch path of {@code BatchJob}: each request's own outcome. */
  private List<BatchAccess.RowResult> predictEach(List<? extends Map<String, ?>> requests) {
    PredictionObserver o = observer;
    return o == null
        ? core.predictEach(requests)
        : observedList(o, requests.size(), true, () -> core.predictEach(requests));
  }

  private <T> T observedList(PredictionObserver o, int size, boolean batchJob, Supplier<T> call) {
    Object context = o.onStartList(core.model, size, batchJob);
    T out;
    try {
      out = call.get();
    } catch (Throwable t) { // an Error too: every onStartList gets its onEndList
      endList(o, context, t);
      throw t;
    }
    endList(o, context, null);
    return out;
  }

  private void endList(PredictionObserver o, @Nullable Object context, @Nullable Throwable error) {
    try {
      o.onEndList(context, error);
    } catch (RuntimeException e) {
      observerFailed(o, e);
    }
  }

  /** The registered model name. */
  public String modelName() {
    return core.model;
  }

  /**
   * The version currently answering primary traffic (the first arm's under weighted routing).
   *
   * @throws ModelUnavailableException if the service is closed or has not loaded a version yet (see
   *     {@link #isLoaded()})
   */
  public int activeVersion() {
    return core.activeVersion();
  }

  /**
   * The registry signature of the active version (empty for a model registered without one).
   *
   * @throws ModelUnavailableException if the service is closed or has not loaded a version yet (see
   *     {@link #isLoaded()})
   */
  public Optional<ModelSignature> signature() {
    return core.signature();
  }

  /**
   * True while the service serves: every target has a loaded version and the service is open.
   * Always true between {@code build()} and {@code close()}, except for a service built with {@link
   * Builder#awaitFirstVersion()}, which is false until its first versions loaded.
   *
   * @since 0.1.0
   */
  public boolean isLoaded() {
    return core.isLoaded();
  }

  /**
   * Why a service built with {@link Builder#awaitFirstVersion()} serves nothing yet, for example
   * {@code 'churn' has no version for alias champion yet} or {@code v3 of 'churn' failed to load:
   * ...} (one part per target without a version); empty once it serves, and after {@code close()}
   * (a closed service fails calls with "is closed").
   *
   * @since 0.1.0
   */
  public Optional<String> notLoadedReason() {
    return core.notLoadedReason();
  }

  /**
   * The input features this service looks up in its feature store (configured with {@link
   * Builder#features}) instead of taking them from the request; empty without a feature store. A
   * request may still give them, and then its values win.
   */
  public List<String> enrichedFeatures() {
    return core.enrichedFeatures();
  }

  /**
   * The request fields the feature lookup needs: the entity keys of the configured feature views,
   * in order; empty without a feature store.
   */
  public List<String> entityKeys() {
    return core.entityKeys();
  }

  /**
   * The version answering each route now, for example {@code {primary=3, canary=4}}; a canary that
   * was rolled back is absent. Empty while the service has not loaded a version yet and after
   * {@code close()}.
   */
  public Map<String, Integer> routes() {
    return core.versions();
  }

  /** True while a canary takes traffic (false after an automatic rollback). */
  public boolean canaryActive() {
    return core.canaryActive();
  }

  /**
   * Looks for registry changes now ({@link ModelRegistry#refresh()}) and waits until the service
   * serves what the registry says, or until {@code wait} passes. Changes are picked up without it:
   * at once for changes made through the same registry instance, within the registry's poll
   * interval for changes made by other processes.
   */
  public void refresh(Duration wait) {
    Objects.requireNonNull(wait, "wait");
    core.refresh(wait);
  }

  /**
   * Values filled so far by a {@link ValidationPolicy#fill(double) filling} validation policy
   * (missing, null, NaN or infinite values, and categorical fields without a category), over every
   * version; 0 under {@link ValidationPolicy#REJECT}. With {@code MicrometerServingMeters} the same
   * count is {@code mlops.serving.inputs.filled}, per version.
   */
  public long filledValues() {
    return core.filledValues();
  }

  /** Listener events dropped so far because the event queue was full. */
  public long droppedEvents() {
    return core.droppedEvents();
  }

  /**
   * Listener calls that threw so far. The first failure is logged with its stack trace, later ones
   * at most once a minute (by the service's clock) with the number not logged; each is counted here
   * and in {@code mlops.serving.events.failed}. A failure never stops delivery.
   */
  public long listenerFailures() {
    return core.listenerFailures();
  }

  /**
   * Waits until every listener event queued before this call has been handed to the listener, for
   * example before recording labels for predictions just made, so that a monitor fed by the
   * listener knows their ids. Events dropped because the queue was full were never queued and are
   * not waited for (see {@link #droppedEvents()}); shadow predictions still running are not waited
   * for either. Returns at once without a listener. Waits on a condition, not by polling.
   *
   * @throws ServingException if {@code timeout} passes first (the listener is slow or blocked; the
   *     message says how many events are left), or the thread is interrupted (its interrupt flag is
   *     set again)
   * @throws ModelUnavailableException if the service closed before they were delivered
   * @throws IllegalStateException if called from the listener itself
   */
  public void awaitEvents(Duration timeout) {
    Checks.notNegative(timeout, "timeout"); // NullPointerException "timeout" for null
    core.awaitEvents(timeout);
  }

  /**
   * Stops following the registry, stops the loader, shadow, batching and event threads (bounded, a
   * few seconds at most) and releases the loaded versions. Later calls fail with {@link
   * ModelUnavailableException}.
   */
  @Override
  public void close() {
    core.close();
  }

  /** Configures an {@link InferenceService}; setters check their arguments at once. */
  public static final class Builder {
    @Nullable ModelRegistry registry;
    @Nullable String model;
    Target target = Target.alias(ModelRegistry.LATEST);
    boolean targetSet;
    @Nullable FeatureStore featureStore;
    List<String> featureRefs = List.of();
    ServingMeters meters = ServingMeters.noop();
    Routing routing = Routing.single();
    ValidationPolicy validation = ValidationPolicy.REJECT;
    @Nullable Duration timeout;
    int maxConcurrency = Integer.MAX_VALUE;
    int batchSize;
    Duration batchDelay = Duration.ZERO;
    int batchQueue;
    List<Map<String, ?>> warmUp = List.of();
    int warmUpCalls = 1_000;
    @Nullable PredictionListener listener;
    @Nullable PredictionObserver observer;
    double sampleRate = 1.0;
    int eventQueueCapacity = 10_000;
    Clock clock = Clock.systemUTC();
    Set<String> ignoredFields = Set.of();
    LongSupplier ticker = System::nanoTime;
    boolean awaitFirstVersion;

    private Builder() {}

    /** The registry to load from and follow (required). */
    public Builder registry(ModelRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The registered model name (required). */
    public Builder model(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("Model name must not be blank");
      }
      this.model = name;
      return this;
    }

    /**
     * Follows {@code alias}: when it moves, the service swaps to the new version (default {@code
     * latest}).
     */
    public Builder alias(String alias) {
      this.target = Target.alias(alias);
      targetSet = true;
      return this;
    }

    /** Serves {@code version} and never swaps. */
    public Builder version(int version) {
      Checks.atLeast(version, 1, "version");
      this.target = Target.version(version);
      targetSet = true;
      return this;
    }

    /**
     * Enriches each request with online features looked up by the entity key fields of the views
     * named in {@code featureRefs} ({@code view:feature}); the key fields must be in the request. A
     * value given in the request wins over the looked-up one.
     */
    public Builder features(FeatureStore store, List<String> featureRefs) {
      this.featureStore = Objects.requireNonNull(store, "store");
      Objects.requireNonNull(featureRefs, "featureRefs");
      if (featureRefs.isEmpty()) {
        throw new IllegalArgumentException("featureRefs must not be empty");
      }
      this.featureRefs = List.copyOf(featureRefs);
      return this;
    }

    /**
     * Where the service records its meters (default {@link ServingMeters#noop()}, nothing
     * recorded). For Micrometer: {@code meters(MicrometerServingMeters.of(meterRegistry))}, with
     * the meter names of {@link io.github.mlops4j.serving.metrics.ServingMetrics}; Micrometer need
     * not be on the class path otherwise. Another metrics library plugs in by implementing {@link
     * ServingMeters}. {@link ServingMeters#open} is called once, by {@link #build()}.
     *
     * @since 0.1.0
     */
    public Builder meters(ServingMeters meters) {
      this.meters = Objects.requireNonNull(meters, "meters");
      return this;
    }

    /** How requests are spread over versions (default {@link Routing#single()}). */
    public Builder routing(Routing routing) {
      this.routing = Objects.requireNonNull(routing, "routing");
      return this;
    }

    /**
     * What to do with requests that do not match the signature (default {@link
     * ValidationPolicy#REJECT}).
     */
    public Builder validation(ValidationPolicy policy) {
      this.validation = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The timeout of {@link #predict(Map)} without its own (default none). */
    public Builder timeout(Duration defaultTimeout) {
      Objects.requireNonNull(defaultTimeout, "defaultTimeout");
      Checks.positive(defaultTimeout, "timeout");
      this.timeout = defaultTimeout;
      return this;
    }

    /**
     * At most {@code permits} calls at once; more fail at once with {@link OverloadedException}.
     */
    public Builder maxConcurrency(int permits) {
      Checks.atLeast(permits, 1, "maxConcurrency");
      this.maxConcurrency = permits;
      return this;
    }

    /**
     * Groups concurrent calls into batches of at most {@code maxBatchSize}, waiting at most {@code
     * maxDelay} for a batch to fill ({@link Duration#ZERO}: take what is queued), with at most
     * {@code queueCapacity} waiting calls (more fail with {@link OverloadedException}). Worth it
     * for models whose batch predict is much cheaper per example; a linear model is faster on the
     * caller's thread.
     */
    public Builder microBatching(int maxBatchSize, Duration maxDelay, int queueCapacity) {
      Objects.requireNonNull(maxDelay, "maxDelay");
      Checks.atLeast(maxBatchSize, 1, "maxBatchSize");
      Checks.notNegative(maxDelay, "maxDelay");
      Checks.atLeast(queueCapacity, 1, "queueCapacity");
      this.batchSize = maxBatchSize;
      this.batchDelay = maxDelay;
      this.batchQueue = queueCapacity;
      return this;
    }

    /**
     * Requests predicted by every version before it takes traffic (to load classes and warm the
     * JIT); a version failing one of them never takes traffic.
     */
    public Builder warmUp(List<? extends Map<String, ?>> requests) {
      Objects.requireNonNull(requests, "requests");
      List<Map<String, ?>> copy = new ArrayList<>(requests.size());
      for (Map<String, ?> r : requests) {
        copy.add(Map.copyOf(r));
      }
      this.warmUp = List.copyOf(copy);
      return this;
    }

    /**
     * Predictions a version loaded while the service runs (an alias moved) makes before it takes
     * traffic, so that its first calls do not run on cold code and data (default 1,000; 0 turns
     * this off). The calls cycle through the {@link #warmUp(List) warm-up requests}, or, without
     * any, a request made from the version's signature: every numeric feature at the middle of the
     * range the model saw in training (0 when the model does not record one; whole numbers for
     * integer features), every one-hot group at its first category. They stop early once they have
     * taken 200 ms. A made-up request that the version refuses only ends its warming; a given
     * warm-up request that fails fails the version, as before.
     *
     * <p>Versions loaded by {@link #build()} run only the given warm-up requests, once each: no
     * call is served before the build returns, so there is nothing to protect, and starting stays
     * as fast as before. The warm-up calls are not counted in the meters or seen by listeners.
     *
     * @throws IllegalArgumentException if {@code calls} is negative or above 1,000,000
     * @since 0.1.0
     */
    public Builder warmUpCalls(int calls) {
      Checks.inRange(calls, 0, 1_000_000, "warmUpCalls");
      this.warmUpCalls = calls;
      return this;
    }

    /** Receives sampled predictions and lifecycle events off the caller's thread. */
    public Builder listener(PredictionListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sees every {@code predict} call from its start to its end on the caller's thread (default
     * none); see {@link PredictionObserver}.
     */
    public Builder observer(PredictionObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /** The share of predictions sent to the listener, 0..1 (default 1). */
    public Builder sampleRate(double rate) {
      Checks.inRange(rate, 0, 1, "sampleRate");
      this.sampleRate = rate;
      return this;
    }

    /** How many listener events may wait; more are dropped and counted (default 10,000). */
    public Builder eventQueueCapacity(int capacity) {
      Checks.atLeast(capacity, 1, "eventQueueCapacity");
      this.eventQueueCapacity = capacity;
      return this;
    }

    /**
     * Request fields that are not model inputs (ids, keys for logging): validation skips them
     * instead of reporting them as unknown. The sticky routing key and the entity keys of {@link
     * #features} are skipped without being named here.
     */
    public Builder ignoreFields(String... fields) {
      this.ignoredFields = BuilderSettings.nameSet("field", fields);
      return this;
    }

    /**
     * Lets {@link #build()} return when a target (the alias or version, an A/B arm, the canary or
     * the shadow) names no version yet or its version fails to load, instead of failing with {@link
     * ModelUnavailableException}. Until every target has a loaded version the service serves
     * nothing: {@code predict}, {@code predictAll} and batch jobs fail with {@link
     * ModelUnavailableException} saying why ({@link InferenceService#notLoadedReason()}), {@link
     * InferenceService#isLoaded()} is false. The service follows the registry as always (at once
     * for changes made through the same registry instance, else within its poll interval, or on
     * {@link InferenceService#refresh(Duration)}) and starts serving once every target has a
     * version that loads; a version that failed to load is tried again once no target names it.
     *
     * <p>A model name the registry does not know still fails {@code build()} at once, as does a
     * registry that cannot be read.
     *
     * @since 0.1.0
     */
    public Builder awaitFirstVersion() {
      this.awaitFirstVersion = true;
      return this;
    }

    /** The clock of event timestamps (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = BuilderSettings.clock(clock);
      return this;
    }

    /**
     * Loads and warms every version the routing needs, then starts following the registry.
     *
     * @throws IllegalStateException if registry or model is missing
     * @throws ModelUnavailableException if the registry has no such model, or (without {@link
     *     #awaitFirstVersion()}) a target does not resolve or cannot be loaded
     */
    public InferenceService build() {
      if (registry == null || model == null) {
        List<String> missing = new ArrayList<>(2);
        List<String> calls = new ArrayList<>(2);
        if (registry == null) {
          missing.add("registry");
          calls.add("registry(registry)");
        }
        if (model == null) {
          missing.add("model");
          calls.add("model(name)");
        }
        throw Checks.missing("InferenceService.Builder", missing, calls);
      }
      if (routing.mode() == Routing.Mode.WEIGHTED && targetSet) {
        throw new IllegalStateException(
            "Weighted routing serves its arms' targets; do not also"
                + " set alias(...) or version(...)");
      }
      return new InferenceService(ServiceCore.start(this), observer);
    }
  }
}
