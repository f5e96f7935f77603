package io.github.mlops4j.monitoring;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.FailureLog;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileRow;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a deployed model in-process: profiles feature rows per window, compares each closed
 * window with a reference profile, tells {@link DriftListener}s, and joins delayed labels with
 * predictions to report realized performance per window.
 *
 * <pre>{@code
 * try (Monitor monitor = Monitor.builder()
 *     .model("churn")
 *     .reference(trainingProfile)                 // or .rollingReference()
 *     .window(WindowSpec.rows(10_000))             // or WindowSpec.time(Duration.ofHours(1))
 *     .predictions(PredictionTask.BINARY_CLASSIFICATION)
 *     .listener(DriftListener.onDatasetDrift((w, r) -> retrain.trigger(r)))
 *     .build()) {
 *   monitor.observe(row);                          // on the serving path
 *   monitor.recordPrediction(requestId, score);
 *   // ... later, when the outcome is known
 *   monitor.recordLabel(requestId, 1);
 * }
 * }</pre>
 *
 * <h2>Threads and the serving path</h2>
 *
 * All methods are thread-safe. {@code observe} takes no global lock: it copies the row into the
 * buffer of one of several stripes, chosen by thread, each behind its own lock (a count window also
 * increments one shared counter). A full buffer ({@link Builder#batchRows}, default 256 rows) is
 * profiled into the stripe's {@link io.github.mlops4j.monitoring.profile.ProfileAccumulator}; the
 * stripes' profiles are merged when the window closes. The monitor starts no thread: profiling
 * batches and evaluating windows (merge, drift comparison, listeners) run on the {@link
 * Builder#executor executor} if one is given, otherwise on the calling thread — the call that fills
 * a batch profiles it, the call that closes a window evaluates it. Evaluations run one at a time,
 * in window order.
 *
 * <h2>Windows</h2>
 *
 * Tumbling windows by row count or time ({@link WindowSpec}), time from the injected {@link Clock}.
 * A count window holds exactly its number of rows; a time window closes at the first row, {@link
 * #tick()} or {@link #flush()} at or after its end, so with irregular traffic call {@code tick()}
 * from a scheduler you own. The reference is fixed ({@link Builder#reference}) or rolling ({@link
 * Builder#rollingReference()}: each window is compared with the previous window that had rows; the
 * first window gets no report).
 *
 * <h2>Empty windows and bad input</h2>
 *
 * A window without rows produces no report and no listener call; it is only counted ({@link
 * MonitorStats#emptyWindows()}). Missing values ({@code null}, NaN, ±infinity, or a column absent
 * from a map row) are counted per column in the profiles and reported in each column's {@code
 * DataQuality}. An unknown column, a value of the wrong type or an array of the wrong length throws
 * {@link IllegalArgumentException} naming the column; the row is not counted in any window ({@link
 * MonitorStats#rowsRejected()}).
 *
 * <h2>Delayed labels</h2>
 *
 * {@link #recordPrediction} keeps the prediction under its id until {@link #recordLabel} brings the
 * outcome, in a bounded store: at most {@link Builder#maxPendingPredictions} (default 100 000)
 * predictions, each for at most {@link Builder#predictionTimeToLive} (default 1 day); the oldest
 * are evicted first. Joined pairs count in the performance of the window in which the label
 * arrived.
 *
 * <h2>Several replicas</h2>
 *
 * With {@link Builder#store store(...)} the replicas of a service share their time windows: each
 * writes its profile of the open window to the workspace store every {@link Builder#flushInterval
 * flush interval} and when the window closes, and {@link Builder#gracePeriod} after the window's
 * end each replica merges every replica's part (in replica-id order) and compares the merge with
 * the reference. The merge's exact parts equal those of one monitor over all rows; {@link
 * WindowSummary#replicas()} names the replicas counted, those not final (a replica that died
 * mid-window: its rows after its last flush are lost) and the parts rejected (not a profile of this
 * schema, or of another window length). Only time windows can be shared, and a store needs an
 * {@link Builder#executor executor}: the store is read and written there, or on the thread calling
 * {@link #tick()}, {@link #flush()} or {@link #close()}, never on the {@code observe} thread
 * (unless the executor rejects a task, which then runs on the calling thread). Without a store
 * nothing of this runs.
 *
 * <h2>Closing</h2>
 *
 * {@link #close()} refuses further input, waits up to {@link Builder#closeTimeout} for rows of
 * closed windows still being profiled on the executor and evaluates those windows; it does not
 * evaluate the open window (a partial window would compare a small sample): call {@link #flush()}
 * first for that.
 *
 * @since 0.1.0
 */
public final class Monitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  private static final String[] NO_CATEGORIES = new String[0];

  private final String model;
  private final ProfileSchema schema;
  private final Set<String> ignoredColumns;
  private final @Nullable Profile fixedReference;
  private final WindowSpec windowSpec;
  private final ProfileDrift drift;
  private final Clock clock;

  private final DriftListeners listeners;
  private final WindowEvaluator evaluator;
  private final LabelJoin labels;
  private final WindowedProfiler windows;
  private final LongAdder rowsRejected = new LongAdder();

  /** Writes this replica's part of shared windows; null for a monitor of its own rows only. */
  private final @Nullable ReplicaFlush shared;

  private Monitor(Builder b, ProfileSchema schema, @Nullable WindowParts shared) {
    this.model = Objects.requireNonNull(b.model);
    this.schema = schema;
    this.ignoredColumns = b.ignoredColumns;
    this.fixedReference = b.reference;
    this.windowSpec = b.window;
    this.drift = b.drift;
    this.clock = b.clock;
    this.listeners = new DriftListeners(model, clock, b.failureSink, b.listeners);
    this.evaluator =
        new WindowEvaluator(
            model,
            schema,
            fixedReference,
            drift,
            b.historySize,
            b.closeTimeout,
            listeners,
            clock,
            shared,
            b.gracePeriod);
    ReplicaFlush replica =
        shared == null
            ? null
            : new ReplicaFlush(model, schema, shared, evaluator, b.flushInterval, clock.millis());
    this.shared = replica;
    this.labels =
        new LabelJoin(
            model,
            b.task,
            b.decisionThreshold,
            b.maxAucPairs,
            b.maxPendingPredictions,
            b.predictionTtl,
            clock);
    this.windows =
        new WindowedProfiler(
            model,
            schema,
            windowSpec,
            clock,
            b.executor,
            b.batchRows,
            b.stripes,
            labels::newWindow,
            evaluator,
            replica == null ? null : replica::onTime);
    if (replica != null) {
      replica.attach(windows);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- observe ------------------------------------------------------------------------------

  /**
   * Profiles one row of a schema that has only numeric columns.
   *
   * @param values one value per numeric column in schema order; NaN or ±infinity = missing
   * @throws IllegalArgumentException if the length is wrong or the schema has categorical columns
   * @throws IllegalStateException if the monitor is closed
   */
  public void observe(double[] values) {
    observe(values, null);
  }

  /**
   * Profiles one row given as arrays in schema order ({@link ProfileSchema#numericColumns()},
   * {@link ProfileSchema#categoricalColumns()}).
   *
   * @param categories categorical and binary values ({@code null} = missing); may be null when the
   *     schema has none
   * @throws IllegalArgumentException if a length is wrong
   * @throws IllegalStateException if the monitor is closed
   */
  public void observe(double[] values, @Nullable String @Nullable [] categories) {
    try {
      ProfileRow.checkLengths(schema, values, categories);
    } catch (IllegalArgumentException e) {
      rowsRejected.increment();
      throw e;
    }
    windows.add(values, categories == null ? NO_CATEGORIES : categories);
  }

  /**
   * Profiles one row given by column name; see {@link ProfileRow#of(ProfileSchema, Map)} for the
   * accepted types. Entries whose key was declared with {@link Builder#ignoreColumns} (entity keys,
   * request ids) are skipped.
   *
   * @throws IllegalArgumentException naming the column for an unknown column (neither in the schema
   *     nor ignored) or a wrong type
   * @throws IllegalStateException if the monitor is closed
   */
  public void observe(Map<String, ?> row) {
    ProfileRow r;
    try {
      r = ProfileRow.of(schema, row, ignoredColumns);
    } catch (IllegalArgumentException e) {
      rowsRejected.increment();
      throw e;
    }
    windows.add(r.numeric(), r.categorical());
  }

  /**
   * Closes the current time window if its end has passed (no-op for count windows or before the
   * end). Call it periodically when rows may stop arriving, so windows still close on time. With a
   * {@link Builder#store store}, it also writes this replica's part of the open window when the
   * {@link Builder#flushInterval flush interval} has passed, and evaluates the shared windows whose
   * end plus the {@link Builder#gracePeriod grace period} has passed.
   *
   * @return whether a window was closed
   */
  public boolean tick() {
    boolean rolled = windows.tick();
    ReplicaFlush replica = shared;
    if (replica != null) {
      long now = clock.millis();
      replica.onTime(now);
      evaluator.evaluateDue(now);
    }
    return rolled;
  }

  /**
   * Closes the current window now, even if it is not full or not over, and evaluates every closed
   * window on the calling thread before returning.
   *
   * <p>With a {@link Builder#store store} the window is shared with the other replicas and ends at
   * its aligned end: {@code flush()} does not close it. It writes this replica's part of the open
   * window now and evaluates the shared windows whose end plus the grace period has passed.
   *
   * @return the summary of the window just closed; empty if it had no rows and no labels. With a
   *     store: the summary of the last shared window evaluated by this call, if any
   */
  public Optional<WindowSummary> flush() {
    windows.ensureOpen();
    ReplicaFlush replica = shared;
    if (replica != null) {
      WindowSummary before = evaluator.lastWindow();
      long now = clock.millis();
      windows.tick();
      replica.flushPart(now);
      evaluator.awaitProfiled();
      evaluator.evaluateReady();
      evaluator.evaluateDue(now);
      WindowSummary after = evaluator.lastWindow();
      return after != before ? Optional.ofNullable(after) : Optional.empty();
    }
    WindowedProfiler.Window w = windows.current();
    boolean rolled = windows.roll(w, clock.millis());
    evaluator.awaitProfiled();
    evaluator.evaluateReady();
    WindowSummary last = evaluator.lastWindow();
    return rolled && last != null && last.window().index() == w.index
        ? Optional.of(last)
        : Optional.empty();
  }

  // ---- predictions and labels ---------------------------------------------------------------

  /**
   * Keeps a prediction until its label arrives: a score (binary classification) or a predicted
   * value (regression).
   *
   * @throws IllegalArgumentException if the value is not finite or the task predicts classes
   * @throws IllegalStateException if no {@link Builder#predictions task} was set or the monitor is
   *     closed
   */
  public void recordPrediction(String id, double prediction) {
    labels.recordPrediction(windows, id, prediction);
  }

  /**
   * Keeps a predicted class until its label arrives (multiclass classification).
   *
   * @throws IllegalArgumentException if the task is not multiclass classification
   * @throws IllegalStateException if no task was set or the monitor is closed
   */
  public void recordPrediction(String id, String predictedClass) {
    labels.recordPrediction(windows, id, predictedClass);
  }

  /**
   * Brings the label of an earlier prediction: 0 or 1 for binary classification, the actual value
   * for regression.
   *
   * @return whether a pending prediction was found; if not (unknown id, already labelled, evicted)
   *     the label is counted in {@link MonitorStats#labelsUnmatched()} and dropped
   * @throws IllegalArgumentException if the label is invalid for the task
   */
  public boolean recordLabel(String id, double label) {
    return labels.recordLabel(windows, id, label);
  }

  /** Brings a binary label: {@code true} = positive class. */
  public boolean recordLabel(String id, boolean positive) {
    return labels.recordLabel(windows, id, positive);
  }

  /**
   * Brings the actual class of an earlier prediction (multiclass classification).
   *
   * @return whether a pending prediction was found
   * @throws IllegalArgumentException if the task is not multiclass classification
   */
  public boolean recordLabel(String id, String actualClass) {
    return labels.recordLabel(windows, id, actualClass);
  }

  // ---- state --------------------------------------------------------------------------------

  /** The model name given to the builder (the {@code model} tag of metrics). */
  public String model() {
    return model;
  }

  public ProfileSchema schema() {
    return schema;
  }

  /** The columns {@link #observe(Map)} skips ({@link Builder#ignoreColumns}); empty by default. */
  public Set<String> ignoredColumns() {
    return ignoredColumns;
  }

  public WindowSpec windowSpec() {
    return windowSpec;
  }

  /** The drift configuration used at window end. */
  public ProfileDrift drift() {
    return drift;
  }

  /** The prediction task, if predictions are tracked. */
  public Optional<PredictionTask> predictionTask() {
    return Optional.ofNullable(labels.task());
  }

  /** The fixed reference, if any (empty for a rolling reference). */
  public Optional<Profile> reference() {
    return Optional.ofNullable(fixedReference);
  }

  /** The most recently evaluated window with rows or labels. */
  public Optional<WindowSummary> lastWindow() {
    return Optional.ofNullable(evaluator.lastWindow());
  }

  /** The most recent evaluated windows, oldest first, at most {@link Builder#historySize}. */
  public List<WindowSummary> recentWindows() {
    return evaluator.recentWindows();
  }

  /** Counters since the monitor was built. */
  public MonitorStats stats() {
    return new MonitorStats(
        windows.rowsObserved(),
        rowsRejected.sum(),
        evaluator.windowsClosed(),
        evaluator.emptyWindows(),
        labels.pendingPredictions(),
        labels.labelsMatched(),
        labels.labelsUnmatched(),
        labels.evicted(),
        listeners.failures(),
        windows.profilingFailures(),
        evaluator.evaluationFailures());
  }

  /**
   * Adds a listener for the following windows; close the returned subscription (or call {@link
   * #removeListener}) to remove it. Closing the subscription twice removes the listener once.
   */
  public Subscription addListener(DriftListener listener) {
    listeners.add(listener);
    return Subscription.onClose(() -> listeners.remove(listener));
  }

  /** Removes a listener; returns whether it was registered. */
  public boolean removeListener(DriftListener listener) {
    return listeners.remove(listener);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return windows.isClosed();
  }

  /**
   * Refuses further input and evaluates windows that already closed, on the calling thread. The
   * open window is discarded: call {@link #flush()} first to evaluate it. Idempotent.
   *
   * <p>With a {@link Builder#store store}, the open window's part is written as this replica's
   * final part (the other replicas evaluate that window), and the shared windows whose end plus the
   * grace period has passed are evaluated.
   */
  @Override
  public void close() {
    if (shared != null && !windows.isClosed()) {
      windows.roll(windows.current(), clock.millis());
    }
    windows.close();
    evaluator.awaitProfiled();
    evaluator.evaluateReady();
  }

  /** {@code s} cut to 100 characters, with an ellipsis and the length when longer. */
  static String cut(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "... (" + s.length() + " chars)";
  }

  @Override
  public String toString() {
    return "Monitor{" + model + ", " + windowSpec + ", " + schema.columns().size() + " columns}";
  }

  /** Configures a {@link Monitor}; setters validate their argument at once. */
  public static final class Builder {
    private @Nullable String model;
    private @Nullable ProfileSchema schema;
    private @Nullable Profile reference;
    private boolean rolling;
    private WindowSpec window = WindowSpec.rows(10_000);
    private ProfileDrift drift = ProfileDrift.defaults();
    private Clock clock = Clock.systemUTC();
    private @Nullable Executor executor;
    private int batchRows = 256;
    private Duration closeTimeout = Duration.ofSeconds(10);
    private int stripes = defaultStripes();
    private int historySize = 8;
    private @Nullable PredictionTask task;
    private double decisionThreshold = 0.5;
    private int maxAucPairs = 100_000;
    private int maxPendingPredictions = 100_000;
    private Duration predictionTtl = Duration.ofDays(1);
    private final List<DriftListener> listeners = new ArrayList<>();
    private Set<String> ignoredColumns = Set.of();
    private @Nullable Store store;
    private @Nullable String replicaId;
    private Duration flushInterval = Duration.ofSeconds(10);
    private Duration gracePeriod = Duration.ofSeconds(30);
    FailureLog.Sink failureSink = FailureLog.Sink.warn(LOG);

    /** Largest stored part read back; larger ones are rejected unread. Tests lower it. */
    int maxPartBytes = 16 << 20;

    private Builder() {}

    private static int defaultStripes() {
      int n = Math.max(2, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()));
      return Integer.highestOneBit(n - 1) << 1;
    }

    /**
     * The model's name: the {@code model} tag of metrics, so a bounded identifier such as {@code
     * churn} or {@code churn-v3} (1 to 100 characters).
     */
    public Builder model(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank() || model.length() > 100) {
        throw new IllegalArgumentException(
            "model must be 1 to 100 non-blank characters, was '" + model + "'");
      }
      this.model = model;
      return this;
    }

    /** The columns to profile; defaults to the fixed reference's schema. */
    public Builder schema(ProfileSchema schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /**
     * Columns that {@link Monitor#observe(Map)} skips instead of refusing as unknown: request
     * fields that are not features, such as entity keys ({@code applicant_id}) or request ids, so a
     * serving request can be observed as it is. Replaces the columns given before; none by default.
     * A column of the schema cannot be ignored ({@link #build()} refuses it); a column neither in
     * the schema nor ignored is still refused by {@code observe}.
     *
     * @throws IllegalArgumentException if a name is blank
     */
    public Builder ignoreColumns(String... columns) {
      Objects.requireNonNull(columns, "columns");
      Set<String> set = new java.util.LinkedHashSet<>();
      for (String c : columns) {
        Objects.requireNonNull(c, "column");
        if (c.isBlank()) {
          throw new IllegalArgumentException("An ignored column name must not be blank");
        }
        set.add(c);
      }
      this.ignoredColumns = Collections.unmodifiableSet(set);
      return this;
    }

    /** Compares every window with this profile (for example of the training data). */
    public Builder reference(Profile reference) {
      this.reference = Objects.requireNonNull(reference, "reference");
      this.rolling = false;
      return this;
    }

    /** Compares every window with the previous window that had rows. */
    public Builder rollingReference() {
      this.rolling = true;
      this.reference = null;
      return this;
    }

    /** How the stream is cut into windows; default {@code WindowSpec.rows(10_000)}. */
    public Builder window(WindowSpec window) {
      this.window = Objects.requireNonNull(window, "window");
      return this;
    }

    /** Drift methods and thresholds; default {@link ProfileDrift#defaults()}. */
    public Builder drift(ProfileDrift drift) {
      this.drift = Objects.requireNonNull(drift, "drift");
      return this;
    }

    /** Time source for windows, prediction ages and report times; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where rows are profiled and windows evaluated. By default there is no executor: the thread
     * whose row fills a batch profiles it (one call in {@code batchRows} does the work of the whole
     * batch) and the thread that closes a window evaluates it. With an executor, full batches and
     * evaluations run there, so the serving path only copies rows; while the executor has {@code 2
     * x stripes} batches in hand, further batches are profiled by the caller (back-pressure). The
     * monitor never shuts the executor down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Rows copied into a stripe's buffer before they are profiled together, [1, 65 536]; default
     * 256. Capped so that a buffer holds at most 65 536 values. 1 profiles every row at once.
     */
    public Builder batchRows(int rows) {
      Checks.inRange(rows, 1, 65_536, "batchRows");
      this.batchRows = rows;
      return this;
    }

    /**
     * How long {@link #flush()} and {@link #close()} wait for rows still being profiled on the
     * executor; default 10 s.
     */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      Checks.notNegative(timeout, "closeTimeout");
      this.closeTimeout = timeout;
      return this;
    }

    /** Number of profile stripes, a power of two in [1, 256]; default 2 × cores, at most 64. */
    public Builder stripes(int stripes) {
      Checks.powerOfTwoInRange(stripes, 1, 256, "stripes");
      this.stripes = stripes;
      return this;
    }

    /**
     * Number of recent window summaries kept for {@link #recentWindows()}, [1, 1000]; default 8.
     */
    public Builder historySize(int size) {
      Checks.inRange(size, 1, 1000, "historySize");
      this.historySize = size;
      return this;
    }

    /** Tracks predictions and delayed labels for this task. */
    public Builder predictions(PredictionTask task) {
      this.task = Objects.requireNonNull(task, "task");
      return this;
    }

    /** Score at or above which a binary prediction is positive, for accuracy; default 0.5. */
    public Builder decisionThreshold(double threshold) {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("decisionThreshold must be finite, was " + threshold);
      }
      this.decisionThreshold = threshold;
      return this;
    }

    /**
     * Labelled pairs per window kept for the exact AUC, [2, 10 000 000]; beyond it a uniform sample
     * of this size (seeded by the window index) is used. Default 100 000 (about 1 MB).
     */
    public Builder maxAucPairs(int pairs) {
      Checks.inRange(pairs, 2, 10_000_000, "maxAucPairs");
      this.maxAucPairs = pairs;
      return this;
    }

    /**
     * Predictions kept waiting for their label, [16, 100 000 000]; default 100 000. When full, the
     * oldest are evicted.
     */
    public Builder maxPendingPredictions(int max) {
      Checks.inRange(max, 16, 100_000_000, "maxPendingPredictions");
      this.maxPendingPredictions = max;
      return this;
    }

    /** How long a prediction waits for its label before it is evicted; default 1 day. */
    public Builder predictionTimeToLive(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      Checks.positive(ttl, "predictionTimeToLive");
      this.predictionTtl = ttl;
      return this;
    }

    /**
     * Shares time windows with the other replicas of the service through the workspace store
     * (SQLite or PostgreSQL): each replica writes its profile of the open window to the store every
     * {@link #flushInterval flush interval} and when the window closes, and a window's drift is
     * computed on the merge of every replica's part, {@link #gracePeriod} after its end. Only time
     * windows can be shared ({@link #build()} refuses a count window). The store is not closed by
     * the monitor. Requires an {@link #executor executor}: every read and write of the store runs
     * there (or on the thread calling {@link Monitor#tick()}, {@link Monitor#flush()} or {@link
     * Monitor#close()}), never on the {@code observe} thread; {@link #build()} throws {@link
     * IllegalStateException} without one. See {@code docs/monitoring.md}, "Several replicas".
     */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * This replica's id in the store, unique among the replicas that live at the same time (1 to
     * 100 characters, no control characters). Default: the host name, the process id and 8 random
     * hex digits drawn at {@link #build()} ({@code host-1-9f2c01ab}), so two monitors of one model
     * in one process, or containers where the pid is always 1, do not collide, and a restarted
     * process is a new replica (the part of the one that died counts as not final). A replica that
     * restarts with the same explicit id in the same window replaces its earlier part.
     */
    public Builder replicaId(String id) {
      Objects.requireNonNull(id, "id");
      if (id.isBlank() || id.length() > 100 || id.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "replicaId must be 1 to 100 characters without control characters, was '"
                + cut(id.replaceAll("\\p{Cntrl}", "?"))
                + "'");
      }
      this.replicaId = id;
      return this;
    }

    /**
     * How often this replica writes its part of the open window to the {@link #store store}, by the
     * injected clock, from {@code observe} or {@link Monitor#tick()} (the monitor starts no
     * thread), [1 ms, 1 day]; default 10 s. Rows seen since the last write are what a replica that
     * dies loses.
     */
    public Builder flushInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      Checks.positive(interval, "flushInterval");
      if (interval.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("flushInterval must be at most 1 day, was " + interval);
      }
      this.flushInterval = interval;
      return this;
    }

    /**
     * How long after a shared window's end its parts are merged and compared, [0, 1 day]; default
     * 30 s. Longer than the flush interval plus the time until every replica's next row or tick
     * after the window's end, so that live replicas have written their final part.
     */
    public Builder gracePeriod(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      Checks.notNegative(grace, "gracePeriod");
      if (grace.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("gracePeriod must be at most 1 day, was " + grace);
      }
      this.gracePeriod = grace;
      return this;
    }

    /** Adds a listener. */
    public Builder listener(DriftListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the monitor. The builder is left unchanged: it can build again, with or without other
     * settings (a schema taken from the reference is not remembered).
     *
     * @throws IllegalArgumentException if the reference's columns differ from the schema's
     * @throws IllegalStateException if the model, the reference or the schema is missing, or a
     *     {@link #store store} is given with a count window or without an {@link #executor
     *     executor}
     * @throws io.github.mlops4j.store.StoreException if the store's schema cannot be migrated
     */
    public Monitor build() {
      if (model == null) {
        throw Checks.missing("Monitor.Builder", "model", "model(name); it tags the metrics");
      }
      if (reference == null && !rolling) {
        throw Checks.missing(
            "Monitor.Builder", "a reference", "reference(profile) or rollingReference()");
      }
      ProfileSchema s = schema;
      if (s == null) {
        if (reference == null) {
          throw Checks.missing(
              "Monitor.Builder", "a schema (the reference is rolling)", "schema(schema)");
        }
        s = reference.schema();
      }
      for (String c : ignoredColumns) {
        if (s.hasColumn(c)) {
          throw new IllegalArgumentException(
              "Column '"
                  + cut(c)
                  + "' is a column of the profile schema; it cannot also be ignored");
        }
      }
      if (reference != null) {
        if (!reference.schema().columns().equals(s.columns())) {
          throw new IllegalArgumentException(
              "The reference profile has columns "
                  + reference.schema().columns()
                  + " but the schema has "
                  + s.columns());
        }
        for (String c : s.columns()) {
          if (reference.schema().type(c) != s.type(c)) {
            throw new IllegalArgumentException(
                "Column '"
                    + c
                    + "' is "
                    + s.type(c)
                    + " in the schema but "
                    + reference.schema().type(c)
                    + " in the reference");
          }
        }
      }
      WindowParts parts = null;
      if (store != null) {
        if (executor == null) {
          throw Checks.missing(
              "Monitor.Builder",
              "an executor when a store is given (the store is written and read there, never on"
                  + " the observe() thread)",
              "executor(executor)");
        }
        if (window.isCountBased()) {
          throw new IllegalStateException(
              "Monitor.Builder: only time windows can be shared across replicas through"
                  + " store(...), but the window is "
                  + window
                  + "; use window(WindowSpec.time(...))");
        }
        Duration retention = Duration.ofDays(7);
        if (window.duration().compareTo(retention.dividedBy(10)) > 0) {
          retention = window.duration().multipliedBy(10);
        }
        parts =
            new WindowParts(
                store,
                model,
                replicaId != null ? replicaId : defaultReplicaId(),
                s,
                maxPartBytes,
                retention.toMillis());
      }
      return new Monitor(this, s, parts);
    }

    /**
     * The host name, the process id and 8 random hex digits ({@code host-1234-9f2c01ab}), drawn at
     * each call; the host from {@code HOSTNAME} or the resolver.
     */
    static String defaultReplicaId() {
      String host = System.getenv("HOSTNAME");
      if (host == null || host.isBlank()) {
        try {
          host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
          host = "unknown-host";
        }
      }
      String id =
          host.strip()
              + "-"
              + ProcessHandle.current().pid()
              + "-"
              + String.format(
                  java.util.Locale.ROOT, "%08x", new java.security.SecureRandom().nextInt());
      return id.length() <= 100 ? id : id.substring(id.length() - 100);
    }
  }
}
