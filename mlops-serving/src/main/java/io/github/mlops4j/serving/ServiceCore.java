package io.github.mlops4j.serving;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.features.FeatureDataException;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureValue;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.Field;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.internal.Closest;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegistryEvent;
import io.github.mlops4j.registry.internal.DenseBatches;
import io.github.mlops4j.registry.internal.DenseClassifier;
import io.github.mlops4j.serving.internal.BatchAccess;
import io.github.mlops4j.serving.internal.DenseRow;
import io.github.mlops4j.serving.internal.MicroBatcher;
import io.github.mlops4j.serving.internal.Texts;
import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.metrics.ServingMeters.Outcome;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Shadow;
import io.github.mlops4j.serving.routing.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * The engine behind {@link InferenceService}.
 *
 * <p>Targets (the service's own alias or version, A/B arms, canary, shadow) are numbered; the route
 * of target {@code i} is {@code routes.get(i)}. An immutable {@link Snapshot} maps each target to
 * its loaded version and is replaced, never changed, by the loader thread. The predict path reads
 * it once, takes a lease on the version, and predicts on the caller's thread.
 */
final class ServiceCore {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceCore.class);

  /** How long close() waits for each background thread. */
  private static final long CLOSE_MILLIS = 2_000;

  /** Versions kept loaded besides the serving ones, so moving an alias back needs no reload. */
  private static final int RETAINED = 2;

  /** Which version answers each target; immutable. */
  @SuppressWarnings("ArrayRecordComponent") // never compared; replaced whole
  private record Snapshot(LoadedVersion<?>[] byTarget, boolean canaryActive) {}

  final String model;
  final long defaultTimeoutNanos;
  private final ModelRegistry registry;
  private final Routing routing;
  private final List<Target> targets;
  private final List<String> routes;
  private final int shadowIndex;
  private final ValidationPolicy policy;
  private final Set<String> ignoredFields;
  private final @Nullable FeatureStore features;
  private final List<String> featureRefs;
  private final String[] featureNames;

  /** The view of each feature reference, and the entity keys of each view. */
  private final String[] featureViews;

  private final Map<String, List<String>> viewKeys = new HashMap<>();
  private final List<String> entityKeys;
  private final @Nullable Semaphore permits;
  private final int maxConcurrency;
  private final int batchSize;
  private final Duration batchDelay;
  private final int batchQueue;
  private final List<Map<String, ?>> warmUp;
  private final int warmUpCalls;
  private final double sampleRate;
  private final Clock clock;
  private final LongSupplier ticker;
  private final ServingMeters.Service meters;
  private final EventDispatcher events;
  private final @Nullable CanaryPolicy canaryPolicy;
  private final @Nullable String stickyKey;
  private final @Nullable Shadow shadow;
  private final @Nullable ThreadPoolExecutor shadowExecutor;
  private final ThreadPoolExecutor loader;
  private final AtomicBoolean reconcilePending = new AtomicBoolean();

  /**
   * Calls running, for the meters' in-flight gauge; null with {@link ServingMeters#noop()}, which
   * never reads it, so that a service without meters does not count.
   */
  private final @Nullable LongAdder inFlight;

  /** Counts a call in flight, when the meters read that count. */
  private void enterCall() {
    LongAdder running = inFlight;
    if (running != null) {
      running.increment();
    }
  }

  /** Ends a call counted by {@link #enterCall()}. */
  private void exitCall() {
    LongAdder running = inFlight;
    if (running != null) {
      running.decrement();
    }
  }

  /** Values filled by the validation policy, over every version. */
  private final LongAdder filled = new LongAdder();

  private final AtomicLong ids = new AtomicLong();
  private final String idPrefix;
  private final AtomicBoolean canaryTripped = new AtomicBoolean();
  private volatile @Nullable CanaryMonitor canary;
  private volatile @Nullable Snapshot snapshot;
  private volatile boolean closed;
  private @Nullable Subscription registryListener;

  /** {@code build()} returns even when a target has no loadable version yet. */
  private final boolean awaitFirstVersion;

  /**
   * Why no snapshot is published yet (each target without a version, and why); meaningful only
   * while {@link #snapshot} is null and the service is open.
   */
  private volatile String notLoaded;

  // Loader-thread state (also used by the building thread before the loader starts).
  private final Map<Integer, LoadedVersion<?>> loaded = new HashMap<>();
  private final ArrayDeque<Integer> recent = new ArrayDeque<>();

  /** Versions that failed to load or warm, with the reason; retried once no target names them. */
  private final Map<Integer, String> failedVersions = new HashMap<>();

  private final Set<Integer> rolledBackCanaries = new HashSet<>();

  /**
   * The version loaded for each target before the first snapshot is published (with {@code
   * awaitFirstVersion}, until every target has one); null for a target without one yet.
   */
  private LoadedVersion<?>[] pending;

  /** Why each target without a version before the first snapshot has none yet. */
  private final @Nullable String[] waiting;

  private ServiceCore(InferenceService.Builder b) {
    this.model = Objects.requireNonNull(b.model);
    this.registry = Objects.requireNonNull(b.registry);
    this.defaultTimeoutNanos = b.timeout == null ? Long.MAX_VALUE : toNanos(b.timeout);
    this.routing = b.routing;
    this.policy = b.validation;
    this.maxConcurrency = b.maxConcurrency;
    this.permits = b.maxConcurrency == Integer.MAX_VALUE ? null : new Semaphore(b.maxConcurrency);
    this.batchSize = b.batchSize;
    this.batchDelay = b.batchDelay;
    this.batchQueue = b.batchQueue;
    this.warmUp = b.warmUp;
    this.warmUpCalls = b.warmUpCalls;
    this.sampleRate = b.sampleRate;
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.canaryPolicy = routing.canaryPolicy().orElse(null);
    this.stickyKey = routing.stickyKey().orElse(null);
    this.shadow = routing.shadow().orElse(null);
    this.idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE) + '-';
    this.awaitFirstVersion = b.awaitFirstVersion;
    this.notLoaded = "'" + model + "' is loading its first version";

    List<Target> t = new ArrayList<>();
    List<String> r = new ArrayList<>();
    switch (routing.mode()) {
      case SINGLE -> {
        t.add(b.target);
        r.add(Routing.PRIMARY);
      }
      case CANARY -> {
        t.add(b.target);
        r.add(Routing.PRIMARY);
        t.add(routing.canary().orElseThrow());
        r.add(Routing.CANARY);
      }
      case WEIGHTED ->
          routing
              .arms()
              .forEach(
                  a -> {
                    t.add(a.target());
                    r.add(a.name());
                  });
    }
    if (shadow != null) {
      shadowIndex = t.size();
      t.add(shadow.target());
      r.add(Routing.SHADOW);
    } else {
      shadowIndex = -1;
    }
    this.targets = List.copyOf(t);
    this.routes = List.copyOf(r);
    this.pending = new LoadedVersion<?>[targets.size()];
    this.waiting = new String[targets.size()];

    Set<String> ignored = new HashSet<>(b.ignoredFields);
    List<String> keys = new ArrayList<>();
    if (stickyKey != null) {
      ignored.add(stickyKey);
    }
    this.features = b.featureStore;
    this.featureRefs = b.featureRefs;
    this.featureNames = new String[featureRefs.size()];
    this.featureViews = new String[featureRefs.size()];
    for (int i = 0; i < featureRefs.size(); i++) {
      String ref = featureRefs.get(i);
      int colon = ref.indexOf(':');
      if (colon <= 0 || colon == ref.length() - 1) {
        throw new IllegalArgumentException(
            "Bad feature reference '" + Texts.abbreviate(ref) + "': write it as \"view:feature\"");
      }
      featureNames[i] = ref.substring(colon + 1);
      if (features != null) {
        FeatureView view = checkedView(features, ref, ref.substring(0, colon), featureNames[i]);
        featureViews[i] = view.name();
        viewKeys.put(view.name(), view.entities().stream().map(Field::name).toList());
        for (Field f : view.entities()) {
          ignored.add(f.name());
          if (!keys.contains(f.name())) {
            keys.add(f.name());
          }
        }
        for (Field f : view.requestFields()) {
          ignored.add(f.name());
        }
      }
    }
    this.ignoredFields = Set.copyOf(ignored);
    this.entityKeys = List.copyOf(keys);

    @Nullable LongAdder running = b.meters == ServingMeters.noop() ? null : new LongAdder();
    this.inFlight = running;
    this.meters =
        Objects.requireNonNull(
            b.meters.open(model, running == null ? () -> 0L : running::sum),
            () -> b.meters + ".open returned null");
    this.events = new EventDispatcher(model, b.listener, b.eventQueueCapacity, meters, clock);
    this.loader =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(64),
            daemon("mlops-serving-loader-" + model),
            new ThreadPoolExecutor.AbortPolicy());
    if (shadow != null) {
      shadowExecutor =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.MILLISECONDS,
              new ArrayBlockingQueue<>(shadow.queueCapacity()),
              daemon("mlops-serving-shadow-" + model),
              new ThreadPoolExecutor.AbortPolicy());
    } else {
      shadowExecutor = null;
    }
    if (canaryPolicy != null) {
      canary = new CanaryMonitor(canaryPolicy);
    }
    if (policy.fills()) {
      LOG.info(
          "'{}' is served with {}: missing, null and non-finite values are filled with {}"
              + " (per feature where given), unknown fields and categories dropped; see"
              + " filledValues() and mlops.serving.inputs.filled",
          model,
          policy,
          policy.defaultValue().orElse(0.0));
    }
  }

  /**
   * The view of feature reference {@code ref}, checked to hold {@code feature}.
   *
   * @throws IllegalArgumentException naming the unknown view or feature and the closest names
   */
  private static FeatureView checkedView(
      FeatureStore store, String ref, String viewName, String feature) {
    Optional<FeatureView> found = store.view(viewName);
    if (found.isEmpty()) {
      List<String> views = store.views().stream().map(FeatureView::name).toList();
      throw new IllegalArgumentException(
          "Feature reference '"
              + Texts.abbreviate(ref)
              + "' names view '"
              + Texts.abbreviate(viewName)
              + "', which the feature store does not"
              + " have"
              + suggestion(viewName, views, "views"));
    }
    FeatureView view = found.get();
    List<String> names = new ArrayList<>();
    view.features().forEach(f -> names.add(f.name()));
    view.onDemandFeatures().forEach(f -> names.add(f.name()));
    if (!names.contains(feature)) {
      throw new IllegalArgumentException(
          "Feature reference '"
              + Texts.abbreviate(ref)
              + "': view '"
              + Texts.abbreviate(viewName)
              + "' has no feature '"
              + Texts.abbreviate(feature)
              + "'"
              + suggestion(feature, names, "features"));
    }
    return view;
  }

  /** "; did you mean [x, y]? (its N names: [...])", bounded. */
  private static String suggestion(String name, List<String> known, String what) {
    List<String> close = Closest.to(name, known, 5);
    return (close.isEmpty() ? "" : "; did you mean " + Texts.list(close, 5) + "?")
        + (known.isEmpty()
            ? "; it has no " + what + " yet"
            : " (its " + known.size() + " " + what + ": " + Texts.list(known, 20) + ")");
  }

  static ServiceCore start(InferenceService.Builder b) {
    ServiceCore core = new ServiceCore(b);
    try {
      core.reconcile(true);
      if (core.snapshot == null) { // awaitFirstVersion: a target has no loadable version yet
        LOG.warn(
            "'{}' starts without a loaded version and serves nothing until every target has one:"
                + " {}",
            core.model,
            core.notLoaded);
      }
      core.registryListener = core.registry.addListener(core::onRegistryEvent);
      core.scheduleReconcile(); // a change made while the first versions loaded
    } catch (RuntimeException e) {
      core.close();
      throw e;
    }
    return core;
  }

  static long toNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static ThreadFactory daemon(String name) {
    return new Daemons(name);
  }

  /**
   * Names and remembers the daemon threads of one executor, so that {@link #shutdown} can wait for
   * them to end: an executor reports termination while its last thread is still exiting.
   */
  private static final class Daemons implements ThreadFactory {
    private final String name;
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

    Daemons(String name) {
      this.name = name;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      threads.removeIf(old -> old.getState() == Thread.State.TERMINATED); // a replaced worker
      threads.add(t);
      return t;
    }

    void join(long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      for (Thread t : threads) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return;
        }
        t.join(left);
      }
    }
  }

  // ---------------------------------------------------------------- predict path

  Prediction predict(Map<String, ?> request, long timeoutNanos) {
    Objects.requireNonNull(request, "request");
    long start = ticker.getAsLong();
    long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + timeoutNanos;
    Snapshot s = serving();
    Semaphore p = permits;
    if (p != null && !p.tryAcquire()) {
      s.byTarget()[0].meters.record(0, Outcome.OVERLOADED, ticker.getAsLong() - start);
      throw new OverloadedException(
          "'"
              + model
              + "' is serving "
              + maxConcurrency
              + " calls already (maxConcurrency); retry later or raise the bound");
    }
    enterCall();
    try {
      Map<String, ?> input = features == null ? request : enrich(request, s);
      try {
        // enrichment may take a while: route on the snapshot current after it
        Snapshot routed = features == null ? s : serving();
        return route(routed, input, start, deadline);
      } catch (InvalidInputException e) {
        throw input instanceof Enriched en && en.notes != null ? en.explain(e) : e;
      }
    } finally {
      exitCall();
      if (p != null) {
        p.release();
      }
    }
  }

  /**
   * Routes a request on snapshot {@code first} (read once by the caller); the snapshot is read
   * again only if the version it names retired meanwhile.
   */
  private Prediction route(Snapshot first, Map<String, ?> input, long start, long deadline) {
    int target;
    LoadedVersion<?> lv;
    Snapshot s = first;
    while (true) {
      target = pick(s, input);
      lv = s.byTarget()[target];
      if (lv.acquire()) {
        break;
      }
      s = serving();
    }
    String id = idPrefix + Long.toHexString(ids.incrementAndGet());
    Prediction result;
    try {
      result = serve(lv, target, id, input, start, deadline);
    } finally {
      lv.release();
    }
    if (shadowIndex >= 0) {
      mirror(id, input);
    }
    return result;
  }

  private int pick(Snapshot s, Map<String, ?> input) {
    return switch (routing.mode()) {
      case SINGLE -> 0;
      case WEIGHTED -> routing.armIndex(unit(s, input));
      case CANARY -> s.canaryActive() && routing.inCanary(unit(s, input)) ? 1 : 0;
    };
  }

  /**
   * The request's point in [0, 1): a stable hash of its sticky key (a text as it is, any other
   * value by its {@code toString()}), else random. A key that cannot be read is the request's
   * problem.
   */
  private double unit(Snapshot s, Map<String, ?> input) {
    String field = stickyKey;
    if (field != null) {
      String text;
      try {
        Object key = input.get(field);
        text = key == null ? null : key instanceof String str ? str : key.toString();
      } catch (RuntimeException e) {
        InvalidInputException invalid =
            new InvalidInputException(
                model,
                s.byTarget()[0].version,
                List.of(
                    new InvalidInputException.Problem(
                        field,
                        InvalidInputException.Reason.UNREADABLE,
                        "the routing key could not be read: " + Texts.typeName(e))),
                "Send the routing key as a text");
        invalid.initCause(e);
        throw invalid;
      }
      if (text != null) {
        return Routing.unitHash(text);
      }
    }
    return ThreadLocalRandom.current().nextDouble();
  }

  /**
   * Predicts on version {@code lv} and records the call. A failure counts against the version
   * (outcome {@code error}, and a failed canary call) only when the version is at fault: it threw
   * or gave no usable output for a validated input inside its training range. Invalid input,
   * overload and the caller's own deadline or interrupt never do; a call past its deadline counts
   * for the canary as a call of the latency it had, not as an error.
   */
  private <T extends Output<T>> Prediction serve(
      LoadedVersion<T> lv, int target, String id, Map<String, ?> input, long start, long deadline) {
    Outcome outcome = Outcome.ERROR;
    boolean versionFault = false;
    try {
      Example<T> example = lv.encode(input, policy);
      org.tribuo.@Nullable Prediction<T> tribuo;
      RuntimeException failed = null;
      if (lv.batcher != null) {
        LoadedVersion.Scored<T> scored =
            awaitBatch(lv, lv.batcher.submit(example, deadline), deadline);
        tribuo = scored.prediction();
        failed = scored.error();
      } else {
        if (deadline != Long.MAX_VALUE && ticker.getAsLong() - deadline > 0) {
          throw deadlineExceeded(lv.version, "before its prediction started");
        }
        try {
          tribuo = lv.predict(example);
        } catch (RuntimeException e) {
          tribuo = null;
          failed = e;
        }
      }
      long end = ticker.getAsLong();
      if (failed != null || tribuo == null || !lv.adapter.usable(tribuo)) { // usable(null) is false
        RuntimeException e = lv.failure(model, example, failed);
        versionFault = !(e instanceof InvalidInputException);
        throw e;
      }
      if (deadline != Long.MAX_VALUE && end - deadline > 0) {
        throw deadlineExceeded(lv.version, "while it was predicted");
      }
      String output;
      Map<String, Double> scores;
      try {
        output = lv.adapter.output(tribuo);
        scores = lv.adapter.scores(tribuo);
      } catch (RuntimeException e) {
        versionFault = true;
        throw new ServingException(
            "Version "
                + lv.version
                + " of '"
                + model
                + "' gave an output"
                + " that cannot be reported: "
                + Texts.abbreviate(String.valueOf(e), 300),
            e);
      }
      long nanos = end - start;
      Prediction result =
          new Prediction(
              id, model, lv.version, output, scores, Duration.ofNanos(nanos), routes.get(target));
      outcome = Outcome.OK;
      lv.meters.record(target, outcome, nanos);
      if (target == 1 && canaryPolicy != null) {
        canaryCall(lv.version, false, nanos);
      }
      if (events.active()
          && (sampleRate >= 1.0
              || (sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < sampleRate))) {
        publish(lv, result, input);
      }
      return result;
    } catch (InvalidInputException e) {
      outcome = Outcome.INVALID;
      throw e;
    } catch (OverloadedException e) {
      outcome = Outcome.OVERLOADED;
      throw e;
    } catch (DeadlineExceededException e) {
      outcome = Outcome.DEADLINE;
      throw e;
    } catch (ServingException e) {
      throw e;
    } catch (RuntimeException e) {
      versionFault = true; // not reached by the request's own problems: those are caught above
      throw new ServingException(
          "Version "
              + lv.version
              + " of '"
              + model
              + "' failed to predict: "
              + Texts.abbreviate(String.valueOf(e), 300),
          e);
    } finally {
      if (outcome != Outcome.OK) {
        long nanos = ticker.getAsLong() - start;
        lv.meters.record(target, outcome, nanos);
        if (target == 1 && canaryPolicy != null) {
          if (versionFault) {
            canaryCall(lv.version, true, nanos);
          } else if (outcome == Outcome.DEADLINE) {
            canaryCall(lv.version, false, nanos);
          }
        }
      }
    }
  }

  private <T extends Output<T>> LoadedVersion.Scored<T> awaitBatch(
      LoadedVersion<T> lv, CompletableFuture<LoadedVersion.Scored<T>> future, long deadline) {
    try {
      if (deadline == Long.MAX_VALUE) {
        return future.get();
      }
      return future.get(Math.max(0, deadline - ticker.getAsLong()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw deadlineExceeded(lv.version, "while it waited for its micro-batch");
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new ServingException(
          "Interrupted while waiting for a prediction of '" + model + "'", e);
    } catch (CancellationException e) {
      throw new ServingException(
          "The micro-batched prediction of '" + model + "' was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ServingException se) {
        throw se; // overloaded, deadline, or the batcher closed: not the version's fault
      }
      if (cause instanceof RuntimeException re) {
        return new LoadedVersion.Scored<>(null, re);
      }
      return new LoadedVersion.Scored<>(
          null,
          new ServingException(
              "The micro-batch of '" + model + "' v" + lv.version + " failed: " + cause, cause));
    }
  }

  private DeadlineExceededException deadlineExceeded(int version, String when) {
    return new DeadlineExceededException(
        "The deadline of a call to '"
            + model
            + "' v"
            + version
            + " passed "
            + when
            + "; give it a longer timeout or lighten the load");
  }

  /**
   * A request enriched with looked-up features, with a note for each feature the lookup did not
   * give (no row for the entity, expired, null), so that "is missing" can say why.
   */
  private static final class Enriched extends HashMap<String, Object> {
    @Nullable Map<String, java.util.function.Supplier<String>> notes;

    Enriched(int capacity) {
      super(capacity);
    }

    void note(String feature, java.util.function.Supplier<String> why) {
      if (notes == null) {
        notes = new HashMap<>();
      }
      notes.put(feature, why);
    }

    /** {@code e} with the lookup's note added to each MISSING problem of a looked-up feature. */
    InvalidInputException explain(InvalidInputException e) {
      Map<String, java.util.function.Supplier<String>> n = Objects.requireNonNull(notes);
      List<InvalidInputException.Problem> problems = new ArrayList<>(e.problems().size());
      boolean explained = false;
      for (InvalidInputException.Problem p : e.problems()) {
        java.util.function.Supplier<String> why =
            p.reason() == InvalidInputException.Reason.MISSING ? n.get(p.field()) : null;
        if (why != null) {
          explained = true;
          problems.add(
              new InvalidInputException.Problem(
                  p.field(), p.reason(), p.detail() + ": " + why.get()));
        } else {
          problems.add(p);
        }
      }
      if (!explained) {
        return e;
      }
      InvalidInputException out =
          new InvalidInputException(
              e.model(),
              e.version(),
              problems,
              "Write the entity's features to the feature store (and materialize them), or send the"
                  + " values in the request; "
                  + InvalidInputException.hints(problems));
      out.initCause(e);
      return out;
    }
  }

  /** Why the lookup gave no value for feature {@code i}, bounded. */
  private String lookupNote(int i, FeatureValue v, Map<String, Object> request) {
    String view = featureViews[i];
    StringBuilder key = new StringBuilder();
    for (String k : viewKeys.getOrDefault(view, List.of())) {
      key.append(key.length() == 0 ? "" : ", ")
          .append(Texts.abbreviate(k))
          .append('=')
          .append(Texts.describe(request.get(k)));
    }
    String where = " for entity key " + key + " in view '" + Texts.abbreviate(view) + "'";
    return switch (v.status()) {
      case NOT_FOUND -> "the feature lookup found no row" + where;
      case EXPIRED ->
          "the feature lookup found only a row older than the view's TTL (event time "
              + v.eventTime()
              + ")"
              + where;
      case NULL_VALUE -> "the feature lookup found a row holding null" + where;
      default -> "the feature lookup gave " + v.status() + where;
    };
  }

  private Map<String, ?> enrich(Map<String, ?> request, Snapshot s) {
    FeatureStore store = Objects.requireNonNull(features);
    List<InvalidInputException.Problem> missingKeys = null;
    Enriched merged = new Enriched(request.size() + featureNames.length * 2);
    try {
      // one read of the caller's map; keys that are not texts are reported by validation
      for (Map.Entry<?, ?> e : ((Map<?, ?>) request).entrySet()) {
        if (e.getKey() instanceof String k) {
          merged.put(k, e.getValue());
        } else {
          @SuppressWarnings("unchecked")
          Map<Object, Object> raw = (Map<Object, Object>) (Map<?, ?>) merged;
          raw.put(e.getKey(), e.getValue());
        }
      }
    } catch (RuntimeException e) {
      InvalidInputException invalid =
          new InvalidInputException(
              model,
              s.byTarget()[0].version,
              List.of(
                  new InvalidInputException.Problem(
                      "(request)",
                      InvalidInputException.Reason.UNREADABLE,
                      "the request could not be read: " + Texts.typeName(e))),
              "Send a map that can be read");
      invalid.initCause(e);
      throw invalid;
    }
    for (String k : entityKeys) {
      if (merged.get(k) == null) {
        if (missingKeys == null) {
          missingKeys = new ArrayList<>();
        }
        missingKeys.add(
            new InvalidInputException.Problem(
                k,
                InvalidInputException.Reason.MISSING,
                "entity key of the online features " + featureRefs + " is missing"));
      }
    }
    if (missingKeys != null) {
      throw new InvalidInputException(
          model,
          s.byTarget()[0].version,
          missingKeys,
          "Send the entity key field(s) "
              + Texts.list(entityKeys, 10)
              + " with each request:"
              + " the online features are looked up by them");
    }
    OnlineFeatures found;
    try {
      found = store.online(merged, featureRefs);
    } catch (FeatureDataException e) { // a missing or mistyped key: the request is at fault
      // other failures (a closed store, a database error) propagate as they are
      LoadedVersion<?> lv = s.byTarget()[0];
      InvalidInputException invalid =
          new InvalidInputException(
              model,
              lv.version,
              List.of(
                  new InvalidInputException.Problem(
                      "entity key",
                      InvalidInputException.Reason.MISSING,
                      "the online feature lookup refused the request: "
                          + Texts.abbreviate(String.valueOf(e.getMessage()), 3 * Texts.MAX))));
      invalid.initCause(e);
      throw invalid;
    }
    for (int i = 0; i < featureNames.length; i++) {
      if (merged.get(featureNames[i]) == null) {
        FeatureValue v = found.value(0, i);
        if (v.isPresent()) {
          merged.put(featureNames[i], v.value());
        } else {
          int feature = i; // the note is written only if validation reports the feature missing
          merged.note(featureNames[i], () -> lookupNote(feature, v, merged));
        }
      }
    }
    return merged;
  }

  private <T extends Output<T>> void publish(
      LoadedVersion<T> lv, Prediction p, Map<String, ?> input) {
    Map<String, Object> inputs = Collections.unmodifiableMap(new HashMap<>(input));
    java.time.Instant now = clock.instant();
    events.offer(
        (java.util.function.Supplier<PredictionEvent>)
            () ->
                new PredictionEvent(
                    p.id(),
                    p.model(),
                    p.version(),
                    p.route(),
                    inputs,
                    p.output(),
                    p.scores(),
                    now,
                    lv.schema.fillWarnings(inputs, policy)));
  }

  List<Prediction> predictAll(List<? extends Map<String, ?>> requests) {
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i) == null) {
        throw new NullPointerException("requests[" + i + "]");
      }
    }
    List<BatchAccess.RowResult> results = predictEach(requests);
    List<Prediction> out = new ArrayList<>(results.size());
    for (BatchAccess.RowResult r : results) {
      RuntimeException e = r.error();
      if (e != null) {
        throw e;
      }
      out.add(Objects.requireNonNull(r.prediction()));
    }
    return out;
  }

  // ---------------------------------------------------------------- batch path

  /** One request of a batch on its way: routed, encoded, predicted, then answered. */
  private static final class Row {
    final Map<String, ?> input;
    final LoadedVersion<?> lv;
    final int target;
    final String id;
    @Nullable Example<?> example;
    @Nullable RuntimeException early; // failed before the model call (its input)
    LoadedVersion.@Nullable Scored<?> scored;
    long end; // when its group's model call ended
    long deadline = Long.MAX_VALUE; // its group's: the timeout counted from the call's start
    long prepNanos; // its own enrichment, routing and encoding
    long callNanos; // its group's model call

    Row(Map<String, ?> input, LoadedVersion<?> lv, int target, String id) {
      this.input = input;
      this.lv = lv;
      this.target = target;
      this.id = id;
    }
  }

  /**
   * The outcome of each request, in order (the path of {@code predictAll} and {@code BatchJob}).
   * Each request is enriched, routed (with a lease on its version), given an id and encoded as
   * {@link #predict} does; then the encoded requests of each version go to the model in one call
   * ({@link LoadedVersion#predictBatch}, which falls back to one by one); then each request is
   * judged, counted, published and mirrored as {@link #serve} does, in list order. The batch takes
   * one permit (a refused batch counts one overloaded call). The timeout bounds each group's model
   * call as it bounds one {@code predict}, counted from the call's start, so a list is never
   * refused only because it is long. Meters and canary get each row's own time: its preparation
   * plus its group's model call, never the other groups'; the prediction's latency is the caller's
   * wait.
   */
  List<BatchAccess.RowResult> predictEach(List<? extends Map<String, ?>> requests) {
    int n = requests.size();
    List<BatchAccess.RowResult> out = new ArrayList<>(n);
    if (n == 0) {
      return out;
    }
    long start = ticker.getAsLong();
    Snapshot s = snapshot;
    if (closed || s == null) {
      ModelUnavailableException e = unavailable();
      for (int i = 0; i < n; i++) {
        out.add(new BatchAccess.RowResult(null, e));
      }
      return out;
    }
    Semaphore p = permits;
    if (p != null && !p.tryAcquire()) {
      OverloadedException e =
          new OverloadedException(
              "'"
                  + model
                  + "' is serving "
                  + maxConcurrency
                  + " calls already (maxConcurrency); retry later or raise the bound");
      // one refused call, however many rows it carried (a BatchJob retries it with backoff)
      s.byTarget()[0].meters.record(0, Outcome.OVERLOADED, ticker.getAsLong() - start);
      for (int i = 0; i < n; i++) {
        out.add(new BatchAccess.RowResult(null, e));
      }
      return out;
    }
    enterCall();
    @Nullable Row[] rows = new Row[n];
    try {
      @Nullable RuntimeException[] failed = new RuntimeException[n];
      // 1. per request: enrich, route and lease, id, encode
      Map<LoadedVersion<?>, List<Row>> groups = new LinkedHashMap<>();
      long rowStart = start;
      for (int i = 0; i < n; i++) {
        Map<String, ?> input = null;
        try {
          Map<String, ?> request = Objects.requireNonNull(requests.get(i), "request");
          input = features == null ? request : enrich(request, s);
          Row row = routeRow(input);
          rows[i] = row;
          try {
            row.example = row.lv.encode(input, policy);
            groups.computeIfAbsent(row.lv, k -> new ArrayList<>()).add(row);
          } catch (RuntimeException e) {
            row.early = e;
          } finally {
            long now = ticker.getAsLong();
            row.prepNanos = now - rowStart;
            rowStart = now;
          }
        } catch (InvalidInputException e) {
          failed[i] = explained(input, e);
        } catch (RuntimeException e) {
          failed[i] = e;
        }
      }
      // 2. one model call per version
      for (Map.Entry<LoadedVersion<?>, List<Row>> g : groups.entrySet()) {
        predictGroup(g.getKey(), g.getValue());
      }
      // 3. per request, in order: judge, count, publish, release, mirror
      for (int i = 0; i < n; i++) {
        Row row = rows[i];
        if (row == null) {
          out.add(new BatchAccess.RowResult(null, Objects.requireNonNull(failed[i])));
          continue;
        }
        rows[i] = null;
        Prediction result;
        try {
          result = answer(row.lv, row, start);
        } catch (InvalidInputException e) {
          out.add(new BatchAccess.RowResult(null, explained(row.input, e)));
          continue;
        } catch (RuntimeException e) {
          out.add(new BatchAccess.RowResult(null, e));
          continue;
        } finally {
          row.lv.release();
        }
        out.add(new BatchAccess.RowResult(result, null));
        if (shadowIndex >= 0) {
          mirror(row.id, row.input);
        }
      }
      return out;
    } finally {
      for (Row row : rows) {
        if (row != null) {
          row.lv.release(); // a batch ended by an Error: no lease outlives it
        }
      }
      exitCall();
      if (p != null) {
        p.release();
      }
    }
  }

  /**
   * The chunk path of {@code BatchJob} for rows of numbers ({@link DenseRow}s): when the service
   * serves one version and nothing in it looks at single rows (no feature lookup, shadow,
   * prediction events or timeout), the rows are encoded by the schema's short read, predicted in
   * one model call under one lease and one permit, given a run of ids, and each counted as {@link
   * #predictEach} counts a successful row (its share of the encoding plus the model call). Null,
   * having predicted or counted nothing, outside that case, for a row the short read does not take
   * (its full validation decides), and when the model fails or gives no usable output for a row
   * (its failure is judged by {@code predictEach}, which the caller uses then): the rows then take
   * {@link #predictEach} and are answered exactly as before.
   */
  BatchAccess.@Nullable DenseResult predictDense(List<DenseRow> rows) {
    int n = rows.size();
    if (n == 0
        || features != null
        || shadowIndex >= 0
        || routing.mode() != Routing.Mode.SINGLE
        || events.active()
        || defaultTimeoutNanos != Long.MAX_VALUE) {
      return null;
    }
    long start = ticker.getAsLong();
    Snapshot s = snapshot;
    if (closed || s == null) {
      return null;
    }
    Semaphore p = permits;
    if (p != null && !p.tryAcquire()) {
      return null; // predictEach counts the refusal and the caller retries
    }
    enterCall();
    try {
      while (true) {
        Snapshot now = snapshot;
        if (closed || now == null) {
          return null;
        }
        LoadedVersion<?> lv = now.byTarget()[0];
        if (lv.acquire()) {
          try {
            return predictDense(lv, rows, start);
          } finally {
            lv.release();
          }
        }
      }
    } finally {
      exitCall();
      if (p != null) {
        p.release();
      }
    }
  }

  private <T extends Output<T>> BatchAccess.@Nullable DenseResult predictDense(
      LoadedVersion<T> lv, List<DenseRow> rows, long start) {
    if (lv.model instanceof DenseClassifier dc && lv.adapter instanceof LabelAdapter) {
      return predictMatrix(lv, dc, rows, start);
    }
    int n = rows.size();
    List<Example<T>> examples = new ArrayList<>(n);
    for (DenseRow row : rows) {
      Example<T> example = lv.encodeDense(row);
      if (example == null) {
        return null;
      }
      examples.add(example);
    }
    long callStart = ticker.getAsLong();
    List<LoadedVersion.Scored<T>> scored = LoadedVersion.predictBatch(lv.model, examples);
    long end = ticker.getAsLong();
    List<String> outputs = new ArrayList<>(n);
    List<Map<String, Double>> scores = new ArrayList<>(n);
    for (LoadedVersion.Scored<T> sc : scored) {
      org.tribuo.@Nullable Prediction<T> tribuo = sc.prediction();
      if (sc.error() != null || tribuo == null || !lv.adapter.usable(tribuo)) {
        return null;
      }
      try {
        outputs.add(lv.adapter.output(tribuo));
        scores.add(lv.adapter.scores(tribuo));
      } catch (RuntimeException e) {
        return null; // predictEach reports the output that cannot be reported
      }
    }
    return denseAnswer(lv, n, end - start, end - callStart, outputs, scores);
  }

  /**
   * {@link #predictDense} for a classifier that predicts a matrix ({@link DenseClassifier}, an ONNX
   * graph): the rows' values go into one matrix in the model's column order, with the checks of the
   * schema's short read, and come back as label indexes and scores: no example, Tribuo prediction
   * or label object per row. The outputs and scores are those the row-by-row path reports for the
   * same rows.
   */
  private BatchAccess.@Nullable DenseResult predictMatrix(
      LoadedVersion<?> lv, DenseClassifier dc, List<DenseRow> rows, long start) {
    int n = rows.size();
    List<String> columns = dc.denseColumns();
    String[] labels = dc.denseLabels().toArray(new String[0]);
    int c = labels.length;
    if ((long) n * Math.max(1, columns.size()) > DenseBatches.MAX_CELLS
        || c > ScoreMap.MAX
        || new HashSet<>(Arrays.asList(labels)).size() != c) {
      return null;
    }
    double[] data = lv.schema.denseMatrix(rows, columns);
    if (data == null) {
      return null;
    }
    int[] chosen = new int[n];
    double[] values = new double[n * c];
    long callStart = ticker.getAsLong();
    try {
      dc.predictDense(data, n, chosen, values);
    } catch (RuntimeException e) {
      return null; // predictEach predicts the rows again and judges the failure
    }
    long end = ticker.getAsLong();
    List<String> outputs = new ArrayList<>(n);
    List<Map<String, Double>> scores = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      outputs.add(labels[chosen[i]]);
      scores.add(new ScoreMap(labels, Arrays.copyOfRange(values, i * c, i * c + c)));
    }
    return denseAnswer(lv, n, end - start, end - callStart, outputs, scores);
  }

  /**
   * Counts the {@code n} rows of a chunk answered by {@link #predictDense} as {@link #predictEach}
   * counts successful rows (each its share of the preparation plus the model call) and gives them a
   * run of ids.
   */
  private BatchAccess.DenseResult denseAnswer(
      LoadedVersion<?> lv,
      int n,
      long totalNanos,
      long callNanos,
      List<String> outputs,
      List<Map<String, Double>> scores) {
    long nanos = (totalNanos - callNanos) / n + callNanos;
    for (int i = 0; i < n; i++) {
      lv.meters.record(0, Outcome.OK, nanos);
    }
    long first = ids.getAndAdd(n) + 1;
    return new BatchAccess.DenseResult(idPrefix, first, lv.version, outputs, scores);
  }

  /** {@code e}, with the feature lookup's notes when the input was enriched. */
  private static InvalidInputException explained(
      @Nullable Map<String, ?> input, InvalidInputException e) {
    return input instanceof Enriched en && en.notes != null ? en.explain(e) : e;
  }

  /** Routes one request of a batch as {@link #route} does: its target, a lease, its id. */
  private Row routeRow(Map<String, ?> input) {
    while (true) {
      Snapshot s = serving();
      int target = pick(s, input);
      LoadedVersion<?> lv = s.byTarget()[target];
      if (lv.acquire()) {
        return new Row(input, lv, target, idPrefix + Long.toHexString(ids.incrementAndGet()));
      }
    }
  }

  /**
   * Predicts the encoded rows of one version in one model call (one by one if that fails), timed on
   * its own: the timeout counts from the start of this call, as it counts for one {@code predict}.
   */
  @SuppressWarnings("unchecked")
  private <T extends Output<T>> void predictGroup(LoadedVersion<T> lv, List<Row> rows) {
    List<Example<T>> examples = new ArrayList<>(rows.size());
    for (Row r : rows) {
      examples.add((Example<T>) Objects.requireNonNull(r.example));
    }
    long callStart = ticker.getAsLong();
    long timeoutNanos = defaultTimeoutNanos;
    long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : callStart + timeoutNanos;
    List<LoadedVersion.Scored<T>> scored = LoadedVersion.predictBatch(lv.model, examples);
    long end = ticker.getAsLong();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      r.scored = scored.get(i);
      r.end = end;
      r.deadline = deadline;
      r.callNanos = end - callStart;
    }
  }

  /**
   * The prediction of one row of a batch, judged, counted and published as {@link #serve} judges,
   * counts and publishes a single call.
   */
  @SuppressWarnings("unchecked")
  private <T extends Output<T>> Prediction answer(LoadedVersion<T> lv, Row row, long start) {
    int target = row.target;
    Outcome outcome = Outcome.ERROR;
    boolean versionFault = false;
    try {
      RuntimeException early = row.early;
      if (early != null) {
        throw early;
      }
      Example<T> example = (Example<T>) Objects.requireNonNull(row.example);
      LoadedVersion.Scored<T> scored = (LoadedVersion.Scored<T>) Objects.requireNonNull(row.scored);
      org.tribuo.@Nullable Prediction<T> tribuo = scored.prediction();
      RuntimeException failed = scored.error();
      if (failed != null || tribuo == null || !lv.adapter.usable(tribuo)) { // usable(null) is false
        RuntimeException e = lv.failure(model, example, failed);
        versionFault = !(e instanceof InvalidInputException);
        throw e;
      }
      if (row.deadline != Long.MAX_VALUE && row.end - row.deadline > 0) {
        throw deadlineExceeded(lv.version, "while it was predicted");
      }
      String output;
      Map<String, Double> scores;
      try {
        output = lv.adapter.output(tribuo);
        scores = lv.adapter.scores(tribuo);
      } catch (RuntimeException e) {
        versionFault = true;
        throw new ServingException(
            "Version "
                + lv.version
                + " of '"
                + model
                + "' gave an output that cannot be reported: "
                + Texts.abbreviate(String.valueOf(e), 300),
            e);
      }
      long nanos = row.prepNanos + row.callNanos; // never the time of the other groups' calls
      Prediction result =
          new Prediction(
              row.id,
              model,
              lv.version,
              output,
              scores,
              Duration.ofNanos(row.end - start), // what the caller waited for
              routes.get(target));
      outcome = Outcome.OK;
      lv.meters.record(target, outcome, nanos);
      if (target == 1 && canaryPolicy != null) {
        canaryCall(lv.version, false, nanos);
      }
      if (events.active()
          && (sampleRate >= 1.0
              || (sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < sampleRate))) {
        publish(lv, result, row.input);
      }
      return result;
    } catch (InvalidInputException e) {
      outcome = Outcome.INVALID;
      throw e;
    } catch (DeadlineExceededException e) {
      outcome = Outcome.DEADLINE;
      throw e;
    } catch (ServingException e) {
      throw e;
    } catch (RuntimeException e) {
      versionFault = true; // not reached by the request's own problems: those are caught above
      throw new ServingException(
          "Version "
              + lv.version
              + " of '"
              + model
              + "' failed to predict: "
              + Texts.abbreviate(String.valueOf(e), 300),
          e);
    } finally {
      if (outcome != Outcome.OK) {
        long nanos = row.prepNanos + row.callNanos; // no call time for a row never predicted
        lv.meters.record(target, outcome, nanos);
        if (target == 1 && canaryPolicy != null) {
          if (versionFault) {
            canaryCall(lv.version, true, nanos);
          } else if (outcome == Outcome.DEADLINE) {
            canaryCall(lv.version, false, nanos);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- shadow and canary

  private void mirror(String id, Map<String, ?> input) {
    Shadow sh = Objects.requireNonNull(shadow);
    ThreadPoolExecutor ex = Objects.requireNonNull(shadowExecutor);
    if (sh.fraction() < 1.0 && ThreadLocalRandom.current().nextDouble() >= sh.fraction()) {
      return;
    }
    Map<String, Object> copy = new HashMap<>(input); // the caller may reuse its map
    try {
      ex.execute(() -> runShadow(id, copy));
    } catch (RejectedExecutionException e) {
      meters.shadowDropped();
    }
  }

  private void runShadow(String id, Map<String, ?> input) {
    LoadedVersion<?> lv;
    while (true) {
      Snapshot s = snapshot;
      if (s == null || closed) {
        return;
      }
      lv = s.byTarget()[shadowIndex];
      if (lv.acquire()) {
        break;
      }
    }
    try {
      shadowPredict(lv, id, input);
    } finally {
      lv.release();
    }
  }

  private <T extends Output<T>> void shadowPredict(
      LoadedVersion<T> lv, String id, Map<String, ?> input) {
    long start = ticker.getAsLong();
    Map<String, Object> inputs = Collections.unmodifiableMap(new HashMap<>(input));
    try {
      org.tribuo.Prediction<T> p = lv.predictChecked(model, lv.encode(input, policy));
      lv.meters.record(shadowIndex, Outcome.OK, ticker.getAsLong() - start);
      events.offer(
          new PredictionEvent(
              id,
              model,
              lv.version,
              Routing.SHADOW,
              inputs,
              lv.adapter.output(p),
              lv.adapter.scores(p),
              clock.instant(),
              lv.schema.fillWarnings(inputs, policy)));
    } catch (RuntimeException e) {
      lv.meters.record(
          shadowIndex,
          e instanceof InvalidInputException ? Outcome.INVALID : Outcome.ERROR,
          ticker.getAsLong() - start);
      events.offer(
          new PredictionEvent(
              id,
              model,
              lv.version,
              Routing.SHADOW,
              inputs,
              "",
              Map.of(),
              clock.instant(),
              List.of("failed: " + e.getMessage())));
    }
  }

  private void canaryCall(int version, boolean failed, long nanos) {
    CanaryMonitor m = canary;
    Snapshot s = snapshot;
    if (m == null || s == null || s.byTarget()[1].version != version) {
      return; // a call that started on a canary version since replaced
    }
    String reason = m.record(failed, nanos);
    if (reason != null && canaryTripped.compareAndSet(false, true)) {
      try {
        loader.execute(() -> rollBackCanary(version, reason));
      } catch (RejectedExecutionException e) {
        LOG.warn(
            "Canary v{} of '{}' passed a bound ({}) while the service closes",
            version,
            model,
            reason);
      }
    }
  }

  private void rollBackCanary(int version, String reason) {
    if (closed) {
      return;
    }
    Snapshot s = Objects.requireNonNull(snapshot);
    if (s.byTarget()[1].version != version || !s.canaryActive()) {
      return; // the canary moved on before this rollback ran
    }
    rolledBackCanaries.add(version);
    snapshot = new Snapshot(s.byTarget(), false);
    meters.canaryRolledBack();
    LOG.warn("Canary v{} of '{}' rolled back: {}", version, model, reason);
    boolean aliasMoved = false;
    Target t = targets.get(1);
    CanaryPolicy cp = Objects.requireNonNull(canaryPolicy);
    if (cp.rollbackAlias() && t.alias() != null) {
      try {
        registry.withComment("canary rolled back: " + reason).rollback(model, t.alias());
        aliasMoved = true;
      } catch (RuntimeException e) {
        LOG.warn("Could not roll alias '{}' of '{}' back", t.alias(), model, e);
      }
    }
    events.offer(
        new ServingEvent.CanaryRolledBack(model, version, reason, aliasMoved, clock.instant()));
  }

  // ---------------------------------------------------------------- loading and hot swap

  private void onRegistryEvent(RegistryEvent event) {
    if (!closed && model.equals(event.model())) {
      scheduleReconcile();
    }
  }

  private void scheduleReconcile() {
    if (reconcilePending.compareAndSet(false, true)) {
      try {
        loader.execute(
            () -> {
              reconcilePending.set(false);
              reconcile(false);
            });
      } catch (RejectedExecutionException e) {
        reconcilePending.set(false);
        if (!closed) {
          LOG.warn("The loader of '{}' is busy; the registry change is picked up later", model);
        }
      }
    }
  }

  /** Re-resolves every target now and waits (bounded) until the service follows. */
  void refresh(Duration wait) {
    if (closed) {
      throw unavailable();
    }
    registry.refresh();
    Future<?> f;
    try {
      f = loader.submit(() -> reconcile(false));
    } catch (RejectedExecutionException e) {
      throw new ServingException("The loader of '" + model + "' is closed or busy; retry later", e);
    }
    try {
      f.get(Math.max(1, toNanos(wait)), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new ServingException("Refreshing '" + model + "' did not finish: " + e, e);
    }
  }

  /**
   * Resolves every target and loads what changed; publishes one new snapshot. Runs on the loader
   * thread (or the building thread before the service is published).
   *
   * <p>Before the first snapshot is published, what loaded is kept in {@link #pending}: with {@code
   * awaitFirstVersion} a target may have no loadable version yet, and the snapshot is published
   * once every target has one. A snapshot never holds a target without a version.
   */
  private void reconcile(boolean initial) {
    if (closed) {
      return;
    }
    Snapshot old = snapshot;
    LoadedVersion<?>[] before = old == null ? pending : old.byTarget();
    LoadedVersion<?>[] next = before.clone();
    boolean failFast = initial && !awaitFirstVersion;
    boolean canaryActive = old == null || old.canaryActive();
    boolean changed = false;
    List<ServingEvent.Swapped> swaps = new ArrayList<>(); // sent once the new snapshot is out
    Set<Integer> named = new HashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      Optional<ModelVersion> mv;
      try {
        mv = registry.resolve(model, t.reference());
      } catch (RuntimeException e) {
        if (initial) { // a registry that fails is not waited for
          throw new ModelUnavailableException(
              "Cannot resolve " + t + " of '" + model + "': " + e.getMessage(), e);
        }
        if (next[i] == null) {
          waiting[i] = "cannot resolve " + t + " of '" + model + "': " + reason(e);
        }
        LOG.warn("Cannot resolve {} of '{}'; {}", t, model, keeps(old, i), e);
        continue;
      }
      if (mv.isEmpty()) {
        if (initial) {
          if (registry.findModel(model).isEmpty()) { // a misspelled name, not a missing alias
            List<String> known = new ArrayList<>();
            registry.listModels().forEach(m -> known.add(m.name()));
            throw new ModelUnavailableException(
                "The registry has no model named '"
                    + Texts.abbreviate(model)
                    + "'"
                    + suggestion(model, known, "models"));
          }
          if (failFast) {
            throw new ModelUnavailableException(
                "'"
                    + model
                    + "' has no version for "
                    + t
                    + "; register one or set the alias first");
          }
        }
        if (next[i] == null) {
          waiting[i] = "'" + model + "' has no version for " + t + " yet";
        }
        if (!initial) { // at start, one line says what is waited for
          LOG.warn("{} of '{}' resolves to nothing now; {}", t, model, keeps(old, i));
        }
        continue;
      }
      int v = mv.get().version();
      named.add(v);
      if (i == 1 && canaryPolicy != null) {
        boolean rolledBack = rolledBackCanaries.contains(v);
        if (!rolledBack && !canaryActive) {
          canaryActive = true; // the canary target moved to a new candidate
          canary = new CanaryMonitor(canaryPolicy);
          canaryTripped.set(false);
          changed = true;
        }
        if (rolledBack && canaryActive) {
          canaryActive = false;
          changed = true;
        }
      }
      if (next[i] != null && next[i].version == v) {
        continue;
      }
      LoadedVersion<?> lv = loaded.get(v);
      if (lv == null) {
        String failed = failedVersions.get(v);
        if (failed != null) { // not retried while a target still names it
          if (next[i] == null) {
            waiting[i] = failed;
          }
          continue;
        }
        try {
          lv = load(mv.get(), initial);
        } catch (RuntimeException e) {
          meters.loadFailed();
          String reason = e.getMessage() == null ? e.toString() : e.getMessage();
          failedVersions.put(v, "v" + v + " of '" + model + "' failed to load: " + reason(e));
          events.offer(new ServingEvent.LoadFailed(model, v, reason, clock.instant()));
          if (failFast) {
            throw new ModelUnavailableException(
                "Cannot load v" + v + " of '" + model + "' for " + t + ": " + reason, e);
          }
          if (next[i] == null) {
            waiting[i] = failedVersions.get(v);
          }
          LOG.error(
              "v{} of '{}' failed to load or warm and takes no traffic; {}",
              v,
              model,
              keeps(old, i),
              e);
          continue;
        }
        loaded.put(v, lv);
      }
      if (old != null) { // a version loaded before the first snapshot never served
        swaps.add(
            new ServingEvent.Swapped(
                model, routes.get(i), old.byTarget()[i].version, v, clock.instant()));
      }
      next[i] = lv;
      waiting[i] = null;
      changed = true;
    }
    failedVersions.keySet().retainAll(named); // retried once no target names it
    if (closed) {
      retireAll(); // close() ran while this loaded: release everything, publish nothing
      return;
    }
    if (old == null) {
      String why = waitingFor(next);
      if (why != null) { // nothing is published while a target has no version
        pending = next;
        notLoaded = why;
        retireUnused(before, next);
        return;
      }
      pending = new LoadedVersion<?>[targets.size()];
      if (!initial) {
        LOG.info("'{}' has a version for every target now and starts serving", model);
      }
    } else if (!changed) {
      return;
    }
    snapshot = new Snapshot(next, canaryActive);
    for (ServingEvent.Swapped swap : swaps) { // a listener that predicts on it gets the new version
      meters.swapped(); // counted once the swap is published, beside its event
      events.offer(swap);
      LOG.info(
          "'{}' {} swapped from v{} to v{}",
          model,
          swap.target(),
          swap.fromVersion(),
          swap.toVersion());
    }
    retireUnused(before, next);
  }

  /** Why the targets of {@code next} without a version have none, or null if each has one. */
  private @Nullable String waitingFor(LoadedVersion<?>[] next) {
    List<String> why = new ArrayList<>();
    for (int i = 0; i < next.length; i++) {
      if (next[i] == null) {
        String w = waiting[i];
        why.add(w != null ? w : "'" + model + "' has no version for " + targets.get(i) + " yet");
      }
    }
    return why.isEmpty() ? null : String.join("; ", why);
  }

  /** What answers target {@code i} while its new version is not taken. */
  private String keeps(@Nullable Snapshot old, int i) {
    return old != null
        ? "v" + old.byTarget()[i].version + " keeps serving"
        : "'" + model + "' serves nothing until every target has a version that loads";
  }

  /** The message of a failure, bounded. */
  private static String reason(RuntimeException e) {
    return Texts.abbreviate(e.getMessage() == null ? e.toString() : e.getMessage(), 500);
  }

  /**
   * Keeps the {@value #RETAINED} versions that stopped serving most recently (so that moving an
   * alias back needs no reload) and retires the others.
   */
  private void retireUnused(LoadedVersion<?> @Nullable [] previous, LoadedVersion<?>[] serving) {
    Set<Integer> inUse = new HashSet<>();
    for (LoadedVersion<?> lv : serving) {
      if (lv != null) { // a target without a version before the first snapshot
        inUse.add(lv.version);
      }
    }
    recent.removeIf(inUse::contains);
    if (previous != null) {
      for (LoadedVersion<?> lv : previous) {
        if (lv != null && !inUse.contains(lv.version)) {
          recent.remove(lv.version); // just replaced: the most recent
          recent.addFirst(lv.version);
        }
      }
    }
    while (recent.size() > RETAINED) {
      LoadedVersion<?> lv = loaded.remove(recent.removeLast());
      if (lv != null) {
        lv.retire();
      }
    }
  }

  private LoadedVersion<?> load(ModelVersion mv, boolean initial) {
    long t0 = System.nanoTime();
    ModelSignature signature = mv.signature().orElse(null);
    String outputType = signature == null ? "Label" : signature.outputType();
    OutputAdapter<?> adapter = OutputAdapter.forType(outputType);
    LoadedVersion<?> lv = load(mv, signature, adapter);
    try {
      for (Map<String, ?> r : warmUp) {
        warm(lv, r);
      }
      if (!initial) {
        warmCalls(lv);
      }
    } catch (RuntimeException e) {
      lv.closeResources();
      throw new ServingException(
          "Version " + mv.version() + " of '" + model + "' failed its warm-up: " + e.getMessage(),
          e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    LOG.info("Loaded v{} of '{}' in {} ms", mv.version(), model, took.toMillis());
    events.offer(new ServingEvent.VersionLoaded(model, mv.version(), took, clock.instant()));
    return lv;
  }

  private <T extends Output<T>> LoadedVersion<T> load(
      ModelVersion mv, @Nullable ModelSignature signature, OutputAdapter<T> adapter) {
    Model<T> m = registry.loadTribuo(mv, adapter.type());
    InputSchema schema = InputSchema.of(model, mv.version(), signature, m, ignoredFields);
    ServingMeters.VersionMeters vm = countingFills(meters.version(mv.version(), routes));
    MicroBatcher<Example<T>, LoadedVersion.Scored<T>> batcher = null;
    if (batchSize > 0) {
      try {
        batcher =
            new MicroBatcher<>(
                model + " v" + mv.version(),
                batch -> LoadedVersion.predictBatch(m, batch),
                batchSize,
                batchDelay,
                batchQueue,
                daemon("mlops-serving-batch-" + model + "-v" + mv.version()));
      } catch (RuntimeException e) {
        vm.close();
        throw e;
      }
    }
    int version = mv.version();
    AtomicInteger once = new AtomicInteger();
    @SuppressWarnings({"unchecked", "rawtypes"})
    LoadedVersion<T>[] self = new LoadedVersion[1];
    self[0] =
        new LoadedVersion<>(
            version,
            signature,
            m,
            adapter,
            schema,
            vm,
            batcher,
            () -> {
              if (once.getAndIncrement() == 0) {
                Runnable release =
                    () -> {
                      self[0].closeResources();
                      events.offer(
                          new ServingEvent.VersionReleased(model, version, clock.instant()));
                    };
                try {
                  loader.execute(release);
                } catch (RejectedExecutionException e) {
                  release.run();
                }
              }
            });
    return self[0];
  }

  /** {@code vm}, also counting filled values in the service's own counter. */
  private ServingMeters.VersionMeters countingFills(ServingMeters.VersionMeters vm) {
    return new ServingMeters.VersionMeters() {
      @Override
      public void record(int route, Outcome outcome, long nanos) {
        vm.record(route, outcome, nanos);
      }

      @Override
      public void filled(int count) {
        filled.add(count);
        vm.filled(count);
      }

      @Override
      public void dropped(int count) {
        vm.dropped(count);
      }

      @Override
      public void close() {
        vm.close();
      }
    };
  }

  long filledValues() {
    return filled.sum();
  }

  private <T extends Output<T>> void warm(LoadedVersion<T> lv, Map<String, ?> request) {
    org.tribuo.Prediction<T> p = lv.predictChecked(model, lv.encode(request, policy));
    lv.adapter.output(p);
    lv.adapter.scores(p);
  }

  /** How long the warm-up calls of one version may take at most. */
  private static final long WARM_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * The {@link InferenceService.Builder#warmUpCalls warm-up calls} of a version loaded while the
   * service runs: the given warm-up requests in turn (one failing fails the version), else a
   * request made from the signature (one the version refuses only ends the warming).
   */
  private <T extends Output<T>> void warmCalls(LoadedVersion<T> lv) {
    int calls = warmUpCalls - warmUp.size();
    if (calls <= 0) {
      return;
    }
    long start = ticker.getAsLong();
    if (!warmUp.isEmpty()) {
      for (int i = 0; i < calls && ticker.getAsLong() - start < WARM_UP_NANOS; i++) {
        warm(lv, warmUp.get(i % warmUp.size()));
      }
    } else {
      Map<String, Object> sample = lv.schema.sample(lv.model.getFeatureIDMap());
      try {
        for (int i = 0; i < calls && ticker.getAsLong() - start < WARM_UP_NANOS; i++) {
          warm(lv, sample);
        }
      } catch (RuntimeException e) {
        LOG.debug(
            "v{} of '{}' refused a made-up warm-up request; warming ends", lv.version, model, e);
      }
    }
    lv.schema.forgetOrder(); // the first real request sets the order its callers use
  }

  // ---------------------------------------------------------------- accessors and close

  /**
   * The snapshot answering now.
   *
   * @throws ModelUnavailableException if the service is closed or has no version loaded yet
   */
  private Snapshot serving() {
    Snapshot s = snapshot;
    if (s == null || closed) {
      throw unavailable();
    }
    return s;
  }

  /** Why no snapshot answers: the service closed, or (read while none was published) why not. */
  private ModelUnavailableException unavailable() {
    if (closed) {
      return new ModelUnavailableException("The service of '" + model + "' is closed");
    }
    return new ModelUnavailableException(
        "The service of '"
            + model
            + "' has not loaded a version yet: "
            + notLoaded
            + "; it serves as soon as the registry names a version that loads for every target");
  }

  boolean isLoaded() {
    return snapshot != null && !closed;
  }

  Optional<String> notLoadedReason() {
    if (snapshot != null || closed) {
      return Optional.empty();
    }
    return Optional.of(notLoaded);
  }

  int activeVersion() {
    return serving().byTarget()[0].version;
  }

  Optional<ModelSignature> signature() {
    Snapshot s = serving();
    return Optional.ofNullable(s.byTarget()[0].signature);
  }

  /** The version answering each route now. */
  Map<String, Integer> versions() {
    Snapshot s = snapshot;
    if (s == null) {
      return Map.of();
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < routes.size(); i++) {
      if (i == 1 && canaryPolicy != null && !s.canaryActive()) {
        continue;
      }
      out.put(routes.get(i), s.byTarget()[i].version);
    }
    return Collections.unmodifiableMap(out);
  }

  List<String> enrichedFeatures() {
    return features == null ? List.of() : List.of(featureNames);
  }

  List<String> entityKeys() {
    return entityKeys;
  }

  boolean canaryActive() {
    Snapshot s = snapshot;
    return s != null && canaryPolicy != null && s.canaryActive();
  }

  long droppedEvents() {
    return events.dropped();
  }

  long listenerFailures() {
    return events.listenerFailures();
  }

  void awaitEvents(Duration timeout) {
    events.await(timeout);
  }

  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (registryListener != null) {
      try {
        registryListener.close();
      } catch (RuntimeException e) {
        LOG.warn("Removing the registry listener of '{}' failed", model, e);
      }
    }
    if (shadowExecutor != null) {
      shutdown(shadowExecutor);
    }
    // retire everything on the loader, then stop it
    try {
      loader.execute(this::retireAll);
    } catch (RejectedExecutionException e) {
      retireAll();
    }
    shutdown(loader);
    if (loader.isTerminated()) { // else a load still running retires everything when it ends
      retireAll();
    }
    events.close(CLOSE_MILLIS);
    meters.close();
  }

  private void retireAll() {
    List<LoadedVersion<?>> all = new ArrayList<>(loaded.values());
    loaded.clear();
    recent.clear();
    pending = new LoadedVersion<?>[targets.size()];
    snapshot = null;
    for (LoadedVersion<?> lv : all) {
      lv.retire();
    }
  }

  private static void shutdown(ThreadPoolExecutor ex) {
    ex.shutdown();
    try {
      if (!ex.awaitTermination(CLOSE_MILLIS, TimeUnit.MILLISECONDS)) {
        ex.shutdownNow();
        ex.awaitTermination(CLOSE_MILLIS, TimeUnit.MILLISECONDS);
      }
      if (ex.isTerminated() && ex.getThreadFactory() instanceof Daemons threads) {
        threads.join(CLOSE_MILLIS);
      }
    } catch (InterruptedException e) {
      ex.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
