package io.github.mlops4j.tracking;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.governance.DataAccessPolicy;
import io.github.mlops4j.governance.DataAction;
import io.github.mlops4j.governance.ReadAudit;
import io.github.mlops4j.governance.internal.Guard;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.Closest;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreOptions;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.store.internal.StoreSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Experiment tracking in-process: experiments, runs, params, metrics, tags, artifacts, dataset
 * inputs and search, stored in a workspace (an embedded SQLite file by default, PostgreSQL for
 * teams).
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.open(Path.of("workspace"));
 *      Run run = tracker.startRun("churn")) {
 *   run.logParam("lr", "0.05");
 *   for (int epoch = 0; epoch < 10; epoch++) {
 *     run.logMetric("loss", loss(epoch), epoch);     // queued, no I/O on this thread
 *   }
 *   run.logInput(DatasetVersion.of(Path.of("data/train.csv")), "train");
 *   run.logArtifact(Path.of("model.bin"));
 * }
 * }</pre>
 *
 * <p>Metrics go through a bounded queue to one writer thread that stores them in batches. {@link
 * #flush(Duration)} waits for everything queued so far; {@link #close(Duration)} stores everything
 * and stops the writer, waiting at most the given time. After {@code close} returns normally every
 * logged point is on disk. Thread-safe.
 *
 * <p><b>A tracker that is never closed.</b> From the first run it starts or resumes until {@code
 * close}, a tracker has a JVM shutdown hook (one per tracker; a tracker that never runs anything
 * registers none) that stores the queued points when the JVM exits normally or through {@code
 * System.exit}, waiting at most {@link Builder#shutdownFlushTimeout} (default 5 s; {@link
 * Duration#ZERO} registers no hook), then ends the tracker's still-running runs as {@link
 * RunStatus#KILLED} with the tag {@value #END_REASON_TAG}, taking what is left of that time but at
 * least 1 s (so the hook takes at most the timeout plus 1 s). Points that could not be stored in
 * that time are counted in a warning, per run. A {@code close()} called while the hook runs (a
 * host's own shutdown hook closing its beans) waits for it, within its own timeout. A process that
 * dies without running hooks ({@code Runtime.halt}, {@code kill -9}, a crash) leaves its runs
 * running; the next tracker opened on the workspace, in any process on any host, ends them as
 * {@link RunStatus#KILLED} once their heartbeat is older than {@link Builder#runLease} (default 60
 * s) and their process is not seen alive. A run whose tracker is alive is never ended by another
 * process: while a tracker holds running runs (started or {@linkplain #resumeRun resumed} by it)
 * one daemon thread renews their heartbeat every quarter of the lease, and a run held by a live
 * process on the same host is left alone whatever its heartbeat says. Opening a tracker only reads
 * unless some run is due to be ended, so it does not wait for another connection's write.
 *
 * <p><b>Access policy and read audit.</b> With a {@link Builder#accessPolicy DataAccessPolicy},
 * every public method of the tracker, its runs and run builders that reads or writes stored data
 * asks the policy first ({@link DataAction#RUN_READ}, {@link DataAction#RUN_WRITE}, {@link
 * DataAction#ARTIFACT_READ}, {@link DataAction#ARTIFACT_WRITE}), as the {@link Builder#actor
 * actor}, and a refusal reads and changes nothing; with a {@link Builder#readAudit ReadAudit},
 * every read is recorded. Without either (the default) a call pays one null check. See {@code
 * docs/governance.md}.
 *
 * @since 0.1.0
 */
public final class Tracker implements AutoCloseable {
  /** Tag holding the user that started a run. */
  public static final String USER_TAG = "mlops.user";

  /** Tag saying why a run was ended as {@link RunStatus#KILLED} by the library, not by the user. */
  public static final String END_REASON_TAG = "mlops.end_reason";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tracker.class);

  /** Runs named in one log line at most. */
  private static final int LOGGED_RUNS = 10;

  /** Abandoned runs ended per open at most (the rest on later opens). */
  private static final int ABANDONED_PER_OPEN = 1_000;

  private final Store store;
  private final boolean ownsStore;
  private final TrackingDao dao;
  private final MetricWriter writer;
  private final Clock clock;
  private final TrackingLimits limits;
  private final String user;
  private final Duration closeTimeout;
  private final boolean captureEnvironment;
  private final Path workingDirectory;
  private volatile @Nullable Map<String, String> environment;
  private final Map<String, String> experimentIds = new ConcurrentHashMap<>();
  private final List<RunListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final RunOwner owner = RunOwner.forThisProcess();
  private final Duration runLease;
  private final Heartbeat heartbeat;
  private final boolean writable;
  private final Duration shutdownFlushTimeout;
  private final ExitFlush exitFlush;

  /** The access policy, actor and read audit; null when nothing is checked or recorded. */
  private final @Nullable Guard guard;

  /** The registered JVM shutdown hook, from the first run started or resumed until close. */
  private @Nullable Thread shutdownHook;

  /** Whether a hook may still be registered (false once registered, or closed). */
  private boolean hookPending = true;

  private Tracker(Builder b, Store store, boolean ownsStore) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.clock = StoreAccess.clock(b);
    this.limits = b.limits;
    this.user = b.user;
    this.closeTimeout = b.closeTimeout;
    String defaultActor = b.user;
    Supplier<String> actor = b.actor != null ? b.actor : () -> defaultActor;
    this.guard = Guard.of(b.accessPolicy, actor, b.readAudit);
    try {
      StoreAccess.migrate(store, TrackingDao.COMPONENT, TrackingDao.SCHEMA_VERSION);
    } catch (RuntimeException e) {
      if (ownsStore) {
        store.close();
      }
      throw e;
    }
    this.dao = new TrackingDao(store);
    this.captureEnvironment = b.captureEnvironment;
    this.workingDirectory = b.workingDirectory;
    this.writer =
        new MetricWriter(
            store, b.backpressure, b.queueCapacity, b.maxBatchPoints, "mlops4j-metric-writer");
    this.runLease = b.runLease;
    this.heartbeat =
        new Heartbeat(dao, owner, clock, runLease, b.heartbeatScheduler, store::isClosed);
    this.writable = store.openMode() != io.github.mlops4j.store.OpenMode.READ_ONLY;
    this.shutdownFlushTimeout = b.shutdownFlushTimeout;
    this.exitFlush =
        new ExitFlush(closed, writer, dao, owner, clock, heartbeat, b.shutdownFlushTimeout);
    if (writable) {
      try {
        endAbandonedRuns();
      } catch (RuntimeException e) {
        if (ownsStore) {
          store.close();
        }
        throw e;
      }
    }
  }

  /**
   * Called once a run was started or resumed: starts the heartbeat and registers the shutdown hook,
   * so a tracker that never runs anything costs no thread, no hook and no periodic write.
   */
  private void holdsRuns() {
    heartbeat.start();
    if (!writable || shutdownFlushTimeout.isZero()) {
      return;
    }
    synchronized (exitFlush) {
      if (!hookPending || closed.get()) {
        return;
      }
      hookPending = false;
      Thread hook = new Thread(exitFlush, "mlops4j-tracker-exit");
      try {
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
      } catch (IllegalStateException e) {
        // started while the JVM shuts down: nothing to register
      }
    }
  }

  /** Whether the JVM shutdown hook is registered (for tests). */
  boolean hasShutdownHook() {
    synchronized (exitFlush) {
      return shutdownHook != null;
    }
  }

  /** Whether the heartbeat is scheduled (for tests). */
  boolean heartbeatScheduled() {
    return heartbeat.scheduled();
  }

  /** Runs the shutdown hook's work on the calling thread, as the JVM would at exit (for tests). */
  void runExitFlush() {
    exitFlush.run();
  }

  /**
   * Ends as {@link RunStatus#KILLED} the running runs whose holder's heartbeat is older than the
   * lease and whose process is not seen alive; called at open.
   */
  private void endAbandonedRuns() {
    List<TrackingDao.Abandoned> ended =
        dao.endAbandoned(
            clock.millis() - runLease.toMillis(),
            ABANDONED_PER_OPEN,
            a -> RunOwner.processAlive(a.host(), a.pid(), a.started()));
    if (!ended.isEmpty()) {
      List<String> ids =
          ended.stream().map(TrackingDao.Abandoned::runId).limit(LOGGED_RUNS).toList();
      LOG.warn(
          "Ended {} run(s) as KILLED whose process stopped without ending them (no"
              + " heartbeat for more than {}): {}{}",
          ended.size(),
          runLease,
          ids,
          ended.size() > LOGGED_RUNS ? " and " + (ended.size() - LOGGED_RUNS) + " more" : "");
    }
  }

  /** Renews the heartbeat of this tracker's running runs now (the scheduled task's body). */
  void heartbeat() {
    heartbeat.beat();
  }

  /** Opens (creating if needed) the embedded workspace at {@code workspace}. */
  public static Tracker open(Path workspace) {
    return builder().workspace(workspace).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- runs

  /** Starts a run in {@code experiment}, creating the experiment if it does not exist. */
  public Run startRun(String experiment) {
    return newRun(experiment).start();
  }

  /** Options for a new run in {@code experiment} (created if needed): name, parent, tags. */
  public RunBuilder newRun(String experiment) {
    checkOpen();
    return new RunBuilder(this, limits.checkName(experiment, "Experiment name"), null);
  }

  RunBuilder newRunInExperiment(String experimentId) {
    checkOpen();
    return new RunBuilder(this, null, experimentId);
  }

  Run start(
      @Nullable String experimentName,
      @Nullable String experimentId,
      @Nullable String runName,
      @Nullable String parentRunId,
      Map<String, String> tags) {
    checkOpen();
    if (guard != null) {
      guard.write(
          DataAction.RUN_WRITE,
          experimentName != null ? experimentName : Objects.requireNonNull(experimentId));
    }
    String expId =
        experimentId != null
            ? experimentId
            : experimentIds.computeIfAbsent(
                Objects.requireNonNull(experimentName),
                name -> dao.getOrCreateExperiment(name, clock.millis()).id());
    String runId = UUID.randomUUID().toString().replace("-", "");
    String nameTag = tags.get(Run.NAME_TAG);
    if (runName != null && nameTag != null && !nameTag.equals(runName)) {
      throw new IllegalArgumentException(
          "The run name '"
              + cut(runName)
              + "' and the tag "
              + Run.NAME_TAG
              + " '"
              + cut(nameTag)
              + "' differ; the tag is the run name, so set one of them");
    }
    String name =
        runName != null ? runName : nameTag != null ? nameTag : "run-" + runId.substring(0, 8);
    Map<String, String> allTags = new LinkedHashMap<>(environment());
    allTags.put(USER_TAG, user);
    allTags.putAll(tags);
    allTags.remove(Run.NAME_TAG); // the name column is the tag
    long started = clock.millis();
    dao.insertRun(runId, expId, name, parentRunId, user, started, allTags, owner);
    holdsRuns();
    if (!listeners.isEmpty()) {
      String experiment = experimentName != null ? experimentName : experimentName(expId);
      announce(
          new RunEvent.Started(
              runId, expId, experiment, name, parentRunId, Instant.ofEpochMilli(started)));
    }
    return new Run(this, runId, expId, name);
  }

  /** The name of the experiment with this id (a read only when this tracker did not create it). */
  private String experimentName(String experimentId) {
    for (Map.Entry<String, String> e : experimentIds.entrySet()) {
      if (e.getValue().equals(experimentId)) {
        return e.getKey();
      }
    }
    return dao.experiments().stream()
        .filter(x -> x.id().equals(experimentId))
        .map(Experiment::name)
        .findFirst()
        .orElse(experimentId);
  }

  /**
   * Adds a listener to the runs started, given inputs and ended through this tracker; close the
   * returned subscription to remove it. Listeners are called on the thread that made the change,
   * after it is stored; a listener that throws is logged and changes nothing. With no listener,
   * announcing costs nothing.
   *
   * @since 0.1.0
   */
  public io.github.mlops4j.Subscription addListener(RunListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return io.github.mlops4j.Subscription.onClose(() -> listeners.remove(listener));
  }

  /** Whether any listener is registered: events are built only then. */
  boolean hasListeners() {
    return !listeners.isEmpty();
  }

  /** Calls every listener with {@code event}; a failing listener is logged and skipped. */
  void announce(RunEvent event) {
    for (RunListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("Run listener {} failed on {}: {}", l, event, e.toString());
      }
    }
  }

  /**
   * A handle to keep logging to a run that is still running, for example one started by another
   * thread or process, or one left running by a process that crashed.
   *
   * <p>This tracker takes the run over, whoever held it: the run's holder becomes this tracker (its
   * token, host, process and heartbeat), so no other process ends it while this tracker is alive,
   * this tracker's {@link #close} lets go of it and its shutdown hook ends it. A tracker that held
   * it before, even one still alive and logging to it, no longer renews, lets go of or ends it; if
   * this tracker's process then dies without running its hooks, the run is ended as {@link
   * RunStatus#KILLED} after the lease, whoever still logs to it.
   *
   * @throws RunNotFoundException if no such run exists
   * @throws IllegalStateException if the run has ended
   */
  public Run resumeRun(String runId) {
    checkOpen();
    if (guard != null) {
      guard.write(DataAction.RUN_WRITE, Objects.requireNonNull(runId, "runId"));
    }
    RunInfo info = dao.findRun(runId).orElseThrow(() -> new RunNotFoundException(runId));
    if (info.status() != RunStatus.RUNNING) {
      throw new IllegalStateException(
          "Run " + runId + " has ended with status " + info.status() + " and cannot be resumed");
    }
    if (!dao.takeOver(runId, owner, clock.millis())) {
      RunStatus now = dao.findRun(runId).map(RunInfo::status).orElse(RunStatus.KILLED);
      throw new IllegalStateException(
          "Run " + runId + " has ended with status " + now + " and cannot be resumed");
    }
    holdsRuns();
    return new Run(this, runId, info.experimentId(), info.runName());
  }

  /** Captured on the first run rather than at open, which stays fast (git may be slow). */
  private Map<String, String> environment() {
    Map<String, String> env = environment;
    if (env == null) {
      synchronized (this) {
        env = environment;
        if (env == null) {
          env = captureEnvironment ? Map.copyOf(Environment.capture(workingDirectory)) : Map.of();
          environment = env;
        }
      }
    }
    return env;
  }

  /** Ends the run in the store; returns null, or the status it already had (nothing written). */
  @Nullable RunStatus endRun(Run run, RunStatus status, Map<String, String> tags) {
    checkOpen();
    writer.flush(closeTimeout);
    return dao.endRun(run.id(), status, clock.millis(), tags);
  }

  /** The stored status of a run the metric writer found ended, else null. */
  @Nullable RunStatus endedElsewhere(String runId) {
    return writer.endedStatus(runId);
  }

  /** The tracker clock's time, in milliseconds: the timestamp of a point logged now. */
  long nowMillis() {
    return clock.millis();
  }

  /**
   * Queues a point; {@code queuedAtMillis} is the tracker clock's now (the timestamp itself for a
   * point logged now, so that the common case reads the clock once).
   */
  void enqueue(
      String runId,
      String key,
      double value,
      long step,
      long timestampMillis,
      long queuedAtMillis) {
    if (closed.get()) {
      throw closedError();
    }
    writer.add(new MetricWriter.Point(runId, key, value, step, timestampMillis, queuedAtMillis));
  }

  /** Soft-deletes a run: searches skip it unless asked for deleted runs. */
  public void deleteRun(String runId) {
    checkOpen();
    if (guard != null) {
      guard.write(DataAction.RUN_WRITE, Objects.requireNonNull(runId, "runId"));
    }
    dao.setDeleted(runId, true, clock.millis());
  }

  /** Restores a deleted run. */
  public void restoreRun(String runId) {
    checkOpen();
    if (guard != null) {
      guard.write(DataAction.RUN_WRITE, Objects.requireNonNull(runId, "runId"));
    }
    dao.setDeleted(runId, false, clock.millis());
  }

  // ---------------------------------------------------------------- reads

  /**
   * The run's status, times, params, latest metrics, tags, inputs and artifacts; empty if no run
   * has this id. Metrics still in the queue are not visible until flushed.
   */
  public Optional<RunInfo> findRun(String runId) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    Guard g = guard;
    return g == null
        ? dao.findRun(runId)
        : g.read(DataAction.RUN_READ, runId, () -> dao.findRun(runId));
  }

  /**
   * Every stored point of metric {@code key} of a run, in the order they were logged.
   *
   * @throws RunNotFoundException if no run has this id
   */
  public List<MetricPoint> metricHistory(String runId, String key) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(key, "key");
    Guard g = guard;
    return g == null
        ? dao.metricHistory(runId, key)
        : g.read(DataAction.RUN_READ, runId, () -> dao.metricHistory(runId, key));
  }

  /** Most points {@link #metricHistory(String, String, int, String)} returns per page. */
  public static final int MAX_HISTORY_PAGE = 100_000;

  /** Most buckets {@link #downsampleMetric} returns. */
  public static final int MAX_BUCKETS = 100_000;

  /**
   * One page of the points of metric {@code key} of a run, in the order they were logged. Pass the
   * returned {@link MetricHistoryPage#nextPageToken()} to read the next page; memory is bounded by
   * the page (and about 1.5 MB of stored chunks), whatever the length of the series, so a series
   * too long for {@link #metricHistory(String, String)} can be streamed. Points logged while paging
   * appear on later pages; a page never repeats or skips a stored point.
   *
   * @param maxResults points per page, 1 to {@link #MAX_HISTORY_PAGE}
   * @param pageToken null (or empty) for the first page, else a token this method returned for the
   *     same run and key
   * @throws RunNotFoundException if no run has this id
   * @throws IllegalArgumentException if {@code maxResults} is out of range or the token was not
   *     issued for this run and key
   * @since 0.1.0
   */
  public MetricHistoryPage metricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(key, "key");
    Checks.inRange(maxResults, 1, MAX_HISTORY_PAGE, "maxResults");
    long[] cursor = HistoryToken.decode(runId, key, pageToken);
    Guard g = guard;
    TrackingDao.HistoryPage page =
        g == null
            ? dao.metricHistory(runId, key, maxResults, cursor[0], (int) cursor[1])
            : g.read(
                DataAction.RUN_READ,
                runId,
                () -> dao.metricHistory(runId, key, maxResults, cursor[0], (int) cursor[1]));
    TrackingDao.Cursor next = page.next();
    return new MetricHistoryPage(
        page.points(),
        next == null ? null : HistoryToken.encode(runId, key, next.chunkId(), next.index()));
  }

  /**
   * Metric {@code key} of a run summarized for plotting: its points' x range (steps or timestamps)
   * split into {@code buckets} intervals of equal width, each with the count, min, max and last
   * point of the points that fall in it; empty intervals are left out. Reads the series twice in
   * one pass each, with memory bounded by {@code buckets}, so it suits series of millions of
   * points.
   *
   * @param buckets at most this many buckets, 1 to {@link #MAX_BUCKETS}
   * @return the non-empty buckets in x order; empty if the run never logged {@code key}
   * @throws RunNotFoundException if no run has this id
   * @since 0.1.0
   */
  public List<MetricBucket> downsampleMetric(
      String runId, String key, int buckets, MetricAxis axis) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(axis, "axis");
    Checks.inRange(buckets, 1, MAX_BUCKETS, "buckets");
    Guard g = guard;
    return g == null
        ? dao.downsample(runId, key, buckets, axis)
        : g.read(DataAction.RUN_READ, runId, () -> dao.downsample(runId, key, buckets, axis));
  }

  /**
   * Every active run of {@code experiment} that matches {@code filter}, newest first. A filter key
   * that no run of the experiment has is logged as in {@link #searchRuns(RunQuery)}.
   *
   * @throws ExperimentNotFoundException if no experiment has this name; the message lists the known
   *     ones with a close name (or some of them)
   * @throws InvalidFilterException if the filter is malformed, pointing at the offending position
   */
  public List<RunInfo> searchRuns(String experiment, String filter) {
    checkOpen();
    Guard g = guard;
    return g == null
        ? searchAll(experiment, filter)
        : g.read(
            DataAction.RUN_READ,
            Objects.requireNonNull(experiment, "experiment"),
            () -> searchAll(experiment, filter));
  }

  private List<RunInfo> searchAll(String experiment, String filter) {
    RunQuery.Builder query =
        RunQuery.builder()
            .experiments(experiment)
            .filter(filter)
            .maxResults(RunQuery.MAX_RESULTS_LIMIT);
    RunPage page = search(query.build());
    if (page.nextPageToken() == null) {
      return page.runs();
    }
    List<RunInfo> all = new java.util.ArrayList<>(page.runs());
    while (page.nextPageToken() != null) {
      page = search(query.pageToken(page.nextPageToken()).build());
      all.addAll(page.runs());
    }
    return List.copyOf(all);
  }

  /**
   * One page of a search with order and paging.
   *
   * <p>A filter on a metric, param or tag key that no run of the searched experiments has matches
   * nothing, which is rarely meant: such a key is logged once per tracker at WARN with the closest
   * existing keys of that kind with a close name (at most {@value #MAX_KEY_SUGGESTIONS}).
   *
   * @throws ExperimentNotFoundException if a named experiment does not exist; the message lists the
   *     closest known ones
   * @throws InvalidFilterException if the filter is malformed
   */
  public RunPage searchRuns(RunQuery query) {
    checkOpen();
    Objects.requireNonNull(query, "query");
    Guard g = guard;
    return g == null
        ? search(query)
        : g.read(DataAction.RUN_READ, query.experiments(), 0, () -> search(query));
  }

  private RunPage search(RunQuery query) {
    checkOpen();
    Filter filter = FilterParser.parse(query.filter());
    RunPage page = dao.search(query, filter);
    warnUnknownKeys(query, filter);
    return page;
  }

  /** Closest keys named in an unknown-key warning at most. */
  static final int MAX_KEY_SUGGESTIONS = 5;

  /** Keys remembered as existing or as already warned about, per tracker, before forgetting. */
  private static final int MAX_REMEMBERED_KEYS = 10_000;

  private final java.util.Set<String> checkedKeys = ConcurrentHashMap.newKeySet();

  private void warnUnknownKeys(RunQuery query, Filter filter) {
    java.util.Set<Filter.Field> fields = new java.util.LinkedHashSet<>();
    collectFields(filter, fields);
    for (Filter.Field f : fields) {
      if (f.kind() != Filter.Kind.METRIC
          && f.kind() != Filter.Kind.PARAM
          && f.kind() != Filter.Kind.TAG) {
        continue;
      }
      if (f.kind() == Filter.Kind.TAG && f.key().equals(Run.NAME_TAG)) {
        continue; // every run has it
      }
      // One check per kind, key and experiments: a key found once stays found, a key warned
      // about is not warned about again.
      String id = f.kind() + "\u0000" + f.key() + "\u0000" + query.experiments();
      if (checkedKeys.contains(id) || dao.keyExists(f.kind(), f.key(), query.experiments())) {
        remember(id);
        continue;
      }
      remember(id);
      List<String> known = dao.keys(f.kind(), query.experiments());
      List<String> closest = Closest.to(f.key(), known, MAX_KEY_SUGGESTIONS);
      String where =
          query.experiments().isEmpty()
              ? "any experiment"
              : "experiment(s) " + query.experiments().stream().map(Tracker::cut).toList();
      LOG.warn(
          "Search filter uses {}.{}, but no run in {} has that {}; it matches nothing." + " {}",
          f.kind().prefix(),
          cut(f.key()),
          where,
          f.kind().name().toLowerCase(java.util.Locale.ROOT),
          known.isEmpty()
              ? "No run there has any " + f.kind().prefix() + "."
              : closest.isEmpty()
                  ? "None of its " + f.kind().prefix() + " has a close name."
                  : "Closest "
                      + f.kind().prefix()
                      + ": "
                      + closest.stream().map(Tracker::cut).toList());
    }
  }

  private void remember(String id) {
    if (checkedKeys.size() >= MAX_REMEMBERED_KEYS) {
      checkedKeys.clear(); // a warning may then repeat, once
    }
    checkedKeys.add(id);
  }

  private static void collectFields(Filter filter, java.util.Set<Filter.Field> out) {
    if (filter instanceof Filter.And a) {
      a.children().forEach(c -> collectFields(c, out));
    } else if (filter instanceof Filter.Or o) {
      o.children().forEach(c -> collectFields(c, out));
    } else if (filter instanceof Filter.Not n) {
      collectFields(n.child(), out);
    } else if (filter instanceof Filter.Comparison c) {
      out.add(c.field());
    }
  }

  /**
   * Ids of the runs nested directly under {@code parentRunId}, oldest first (runs started in the
   * same millisecond by run id).
   */
  public List<String> childRuns(String parentRunId) {
    checkOpen();
    Objects.requireNonNull(parentRunId, "parentRunId");
    Guard g = guard;
    return g == null
        ? dao.childRuns(parentRunId)
        : g.read(DataAction.RUN_READ, parentRunId, () -> dao.childRuns(parentRunId));
  }

  /** Every experiment. */
  public List<Experiment> experiments() {
    checkOpen();
    Guard g = guard;
    return g == null
        ? dao.experiments()
        : g.read(DataAction.RUN_READ, List.of(), 0, dao::experiments);
  }

  /** The experiment with this name, if it exists. */
  public Optional<Experiment> findExperiment(String name) {
    checkOpen();
    String checked = StoredText.check(Objects.requireNonNull(name, "name"), "Experiment name");
    Guard g = guard;
    return g == null
        ? dao.findExperiment(checked)
        : g.read(DataAction.RUN_READ, checked, () -> dao.findExperiment(checked));
  }

  /** Returns the experiment, creating it if needed; safe across threads and processes. */
  public Experiment createExperiment(String name) {
    checkOpen();
    String checked = limits.checkName(name, "Experiment name");
    if (guard != null) {
      guard.write(DataAction.RUN_WRITE, checked);
    }
    return dao.getOrCreateExperiment(checked, clock.millis());
  }

  /**
   * Writes a complete run recorded elsewhere, with its own id, times, status and metric timestamps,
   * in one transaction: after a crash the run is either there whole or not at all. The experiment
   * is created if needed. The run is held by no tracker, so no tracker ends it, even one imported
   * as {@link RunStatus#RUNNING} ({@link #resumeRun} takes it over).
   *
   * <p>Keys, values and names are checked against this tracker's {@link TrackingLimits}, artifact
   * paths as {@link Run#logArtifact(Path, String)} checks them; every artifact's content must
   * already be in the workspace's artifact store ({@code store().artifacts().put(...)}).
   *
   * @return true if the run was written; false if a run with its id exists already, in which case
   *     nothing was written (whatever that run holds)
   * @throws IllegalArgumentException if a key, value, name or artifact path breaks the rules, two
   *     artifacts have the same path, or an artifact's content is not in the store
   * @throws RunNotFoundException if the run's parent does not exist
   */
  public boolean importRun(ImportedRun run) {
    checkOpen();
    Objects.requireNonNull(run, "run");
    if (guard != null) {
      guard.write(DataAction.RUN_WRITE, run.runId());
    }
    limits.checkName(run.experiment(), "Experiment name");
    limits.checkName(run.runName(), "Run name");
    StoredText.check(run.user(), "User");
    run.params()
        .forEach(
            (k, v) -> {
              limits.checkKey(k, "Param");
              limits.checkValue(v, limits.maxParamValueLength(), "Param", k);
            });
    Run.checkTags(limits, run.tags());
    for (MetricPoint p : run.metrics()) {
      limits.checkKey(p.key(), "Metric");
    }
    java.util.Set<String> paths = new java.util.HashSet<>();
    for (ArtifactInfo a : run.artifacts()) {
      PathNames.checkRelative(a.path(), "artifact path");
      if (!paths.add(a.path())) {
        throw new IllegalArgumentException(
            "Run " + run.runId() + " has two artifacts at '" + cut(a.path()) + "'");
      }
      if (!store.artifacts().contains(a.digest())) {
        throw new IllegalArgumentException(
            "Artifact '" + cut(a.path()) + "' of run " + run.runId() + " is not in the store");
      }
    }
    if (dao.findRun(run.runId()).isPresent()) {
      return false;
    }
    String experimentId = dao.getOrCreateExperiment(run.experiment(), clock.millis()).id();
    return ImportedRunWriter.write(store, experimentId, run, clock.millis());
  }

  // ---------------------------------------------------------------- lineage and artifacts

  /**
   * Ids of every run that used the dataset version with this digest, oldest first (runs started in
   * the same millisecond by run id).
   */
  public List<String> runsUsingDataset(String digest) {
    checkOpen();
    Objects.requireNonNull(digest, "digest");
    Guard g = guard;
    return g == null
        ? dao.runsUsingDataset(digest)
        : g.read(DataAction.RUN_READ, digest, () -> dao.runsUsingDataset(digest));
  }

  /** The dataset versions a run used. */
  public List<RunInput> inputs(String runId) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    Guard g = guard;
    return g == null ? inputsOf(runId) : g.read(DataAction.RUN_READ, runId, () -> inputsOf(runId));
  }

  private List<RunInput> inputsOf(String runId) {
    return dao.findRun(runId).orElseThrow(() -> new RunNotFoundException(runId)).inputs();
  }

  /**
   * Opens an artifact of a run for reading. The content is checked against its SHA-256 as it is
   * read: a file changed on disk fails at the end of the stream.
   */
  public InputStream openArtifact(String runId, String artifactPath) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    PathNames.checkRelative(artifactPath, "artifact path");
    Guard g = guard;
    return g == null
        ? open(runId, artifactPath)
        : g.read(
            DataAction.ARTIFACT_READ,
            List.of(runId, artifactPath),
            0,
            () -> open(runId, artifactPath));
  }

  private InputStream open(String runId, String artifactPath) {
    RunInfo run = dao.findRun(runId).orElseThrow(() -> new RunNotFoundException(runId));
    for (ArtifactInfo a : run.artifacts()) {
      if (a.path().equals(artifactPath)) {
        return store.artifacts().open(a.digest());
      }
    }
    throw new TrackingException(runId, "Run " + runId + " has no artifact '" + artifactPath + "'");
  }

  /** The workspace store, for sharing with other mlops4j services of the same workspace. */
  public Store store() {
    return store;
  }

  // ---------------------------------------------------------------- queue and lifecycle

  /**
   * Waits until every metric point logged before this call is stored.
   *
   * @return false if {@code timeout} passed first (the points are still queued, not lost)
   * @throws TrackingException if storing them failed and is still failing
   */
  public boolean flush(Duration timeout) {
    checkOpen();
    return writer.flush(Objects.requireNonNull(timeout, "timeout"));
  }

  /** Metric points dropped under {@link Backpressure#DROP} since the tracker opened. */
  public long droppedMetricPoints() {
    return writer.dropped();
  }

  /**
   * Metric points dropped because their run had ended in the store (through another handle, tracker
   * or process) before the writer stored them. Each such run is also logged once as a warning, and
   * later {@code logMetric} calls on it throw {@link RunEndedException}.
   */
  public long rejectedMetricPoints() {
    return writer.rejected();
  }

  /** Metric points stored since the tracker opened. */
  public long storedMetricPoints() {
    return writer.written();
  }

  /** Metric points logged and not yet stored. */
  public int pendingMetricPoints() {
    return writer.pending();
  }

  /**
   * How far the metric writer is behind: how long the oldest metric point logged and not yet stored
   * has waited, measured on the tracker's clock from the {@code logMetric} call that queued it (not
   * from the point's own timestamp, which may be in the past); {@link Duration#ZERO} when every
   * point is stored. It grows while the store is slow or failing (the writer retries a failed batch
   * until it is stored) and stays near zero while the writer keeps up. Costs no I/O and no lock on
   * the logging path; a snapshot while the writer runs.
   *
   * @since 0.1.0
   */
  public Duration metricWriterLag() {
    return Duration.ofMillis(writer.lag(clock.millis()));
  }

  /** {@link #close(Duration)} with the builder's close timeout (default 30 s). */
  @Override
  public void close() {
    close(closeTimeout);
  }

  /**
   * Stores every queued metric point, stops the writer thread and releases the store, waiting at
   * most {@code timeout}. Runs still running stay {@link RunStatus#RUNNING} and are let go: no
   * process ends them later (resume them with {@link #resumeRun}). Removes the shutdown hook.
   *
   * @throws TrackingException if points could not be stored in time; the message gives how many
   */
  public void close(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (!closed.compareAndSet(false, true)) {
      // Closed already, or the shutdown hook is storing the points: wait for it, within timeout.
      exitFlush.awaitDone(timeout);
      return;
    }
    Thread hook;
    synchronized (exitFlush) {
      hookPending = false;
      hook = shutdownHook;
      shutdownHook = null;
    }
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook found the tracker closed and does nothing
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long lost = writer.close(timeout);
    if (heartbeat.stop(remaining(deadline)) && writable) {
      // This tracker had runs: let go of those still running, within what is left of the bound.
      String failure =
          runWithin(() -> dao.release(owner), deadline, Duration.ZERO, "mlops4j-run-release");
      if (failure != null) {
        LOG.warn(
            "Could not let go of this tracker's running runs within {} ({}); they will be"
                + " ended as KILLED once their heartbeat is older than {}",
            timeout,
            failure,
            runLease);
      }
    }
    if (ownsStore) {
      store.close();
    }
    if (lost > 0) {
      throw new TrackingException(
          null,
          lost
              + " metric points could not be stored within "
              + timeout
              + " and are lost (a write already inside the database may still complete)");
    }
  }

  TrackingDao dao() {
    return dao;
  }

  Clock clock() {
    return clock;
  }

  /**
   * The limits this tracker checks keys, values and names against, so a caller can check a whole
   * batch before writing any of it.
   */
  public TrackingLimits limits() {
    return limits;
  }

  /** The access policy, actor and read audit of this tracker's runs; null when there is none. */
  @Nullable Guard guard() {
    return guard;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw closedError();
    }
  }

  /**
   * Runs {@code work} on a daemon thread and waits until {@code deadline} (a {@link
   * System#nanoTime} value), but at least {@code atLeast}.
   *
   * @return null if it completed, else what went wrong (it may still complete later)
   */
  private static @Nullable String runWithin(
      Runnable work, long deadline, Duration atLeast, String name) {
    java.util.concurrent.atomic.AtomicReference<@Nullable RuntimeException> error =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                work.run();
              } catch (RuntimeException e) {
                error.set(e);
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    long wait = Math.max(deadline - System.nanoTime(), atLeast.toNanos());
    try {
      t.join(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(wait)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    if (t.isAlive()) {
      return "out of time";
    }
    RuntimeException e = error.get();
    return e == null ? null : String.valueOf(e.getMessage());
  }

  /** Cuts a value for a message to about 100 characters, giving its length when cut. */
  static String cut(String value) {
    return value.length() <= 100
        ? value
        : value.substring(0, 100) + "... (" + value.length() + " characters)";
  }

  /** What is left of {@code deadline} (a {@link System#nanoTime} value), never negative. */
  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /** Runs the heartbeat periodically; replaced in tests to run beats explicitly. */
  interface HeartbeatScheduler {
    /** Calls {@code beat} every {@code period}; returns how to stop it. */
    Scheduled start(Runnable beat, Duration period);

    /** A started schedule. */
    interface Scheduled {
      /**
       * Stops the schedule and waits at most {@code timeout} for a beat in progress; called from a
       * beat itself with a zero timeout.
       */
      void stop(Duration timeout);
    }

    /** One daemon thread per tracker, stopped (and awaited) with its schedule. */
    HeartbeatScheduler THREAD =
        thread(
            r -> {
              Thread t = new Thread(r, "mlops4j-run-heartbeat");
              t.setDaemon(true);
              return t;
            });

    /** A thread from {@code threads} per schedule, stopped and awaited with it. */
    static HeartbeatScheduler thread(java.util.concurrent.ThreadFactory threads) {
      return (beat, period) -> {
        java.util.concurrent.ScheduledExecutorService e =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(threads);
        // The handle below cancels it (shutdownNow); the beat logs its own failures.
        var unused =
            e.scheduleWithFixedDelay(
                beat,
                period.toMillis(),
                period.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        return timeout -> {
          e.shutdownNow(); // a beat inside the database ends when that call returns
          if (timeout.isZero()) {
            return;
          }
          try {
            e.awaitTermination(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        };
      };
    }
  }

  /**
   * Renews the heartbeat of the tracker's running runs every quarter of the lease while it holds
   * running runs: scheduled when a run is started or resumed, unscheduled by a beat that finds no
   * running run of the tracker (a later run schedules it again) and by close.
   */
  private static final class Heartbeat {
    private final TrackingDao dao;
    private final RunOwner owner;
    private final Clock clock;
    private final Duration lease;
    private final Duration period;
    private final HeartbeatScheduler scheduler;
    private final java.util.function.BooleanSupplier storeClosed;
    private HeartbeatScheduler.@Nullable Scheduled scheduled;

    /** Runs started or resumed so far: a beat that found no run unschedules only if unchanged. */
    private long starts;

    private boolean stopped;

    Heartbeat(
        TrackingDao dao,
        RunOwner owner,
        Clock clock,
        Duration lease,
        HeartbeatScheduler scheduler,
        java.util.function.BooleanSupplier storeClosed) {
      this.dao = dao;
      this.owner = owner;
      this.clock = clock;
      this.lease = lease;
      this.period = Duration.ofMillis(Math.max(1, lease.toMillis() / 4));
      this.scheduler = scheduler;
      this.storeClosed = storeClosed;
    }

    synchronized void start() {
      if (stopped) {
        return;
      }
      starts++;
      if (scheduled == null) {
        scheduled = scheduler.start(this::beatQuietly, period);
      }
    }

    synchronized boolean scheduled() {
      return scheduled != null;
    }

    /** Renews the heartbeat now; unschedules itself when the tracker holds no running run. */
    void beat() {
      long before;
      synchronized (this) {
        before = starts;
      }
      if (dao.heartbeat(owner, clock.millis()) > 0) {
        return;
      }
      HeartbeatScheduler.Scheduled s;
      synchronized (this) {
        if (starts != before || scheduled == null) {
          return; // a run started meanwhile: keep beating
        }
        s = scheduled;
        scheduled = null;
      }
      s.stop(Duration.ZERO);
    }

    private void beatQuietly() {
      try {
        beat();
      } catch (RuntimeException e) {
        if (storeClosed.getAsBoolean()) {
          // A host closed the store before the tracker: no beat can succeed any more.
          stop(Duration.ZERO);
          LOG.warn(
              "The store of this tracker was closed before the tracker: the heartbeat of its"
                  + " running runs stopped, and another process may end them as KILLED after {}."
                  + " Close a tracker before the store it was given.",
              lease);
          return;
        }
        LOG.warn(
            "Could not renew the heartbeat of this tracker's runs (retried in {}); runs"
                + " without a heartbeat for {} may be ended by another process: {}",
            period,
            lease,
            e.getMessage());
      }
    }

    /**
     * Stops the heartbeat for good, waiting at most {@code timeout} for a beat in progress; returns
     * whether the tracker ever started or resumed a run.
     */
    boolean stop(Duration timeout) {
      HeartbeatScheduler.Scheduled s;
      boolean hadRuns;
      synchronized (this) {
        stopped = true;
        s = scheduled;
        scheduled = null;
        hadRuns = starts > 0;
      }
      if (s != null) {
        s.stop(timeout);
      }
      return hadRuns;
    }
  }

  /**
   * The shutdown hook of an unclosed tracker: stores the queued points within the timeout, then
   * ends the tracker's running runs as KILLED. Holds the tracker's parts, not the tracker, and is
   * removed by close, so a closed tracker is not kept reachable.
   */
  private static final class ExitFlush implements Runnable {
    private final AtomicBoolean closed;
    private final MetricWriter writer;
    private final TrackingDao dao;
    private final RunOwner owner;
    private final Clock clock;
    private final Heartbeat heartbeat;
    private final Duration timeout;
    private final java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(1);
    private volatile boolean running;

    ExitFlush(
        AtomicBoolean closed,
        MetricWriter writer,
        TrackingDao dao,
        RunOwner owner,
        Clock clock,
        Heartbeat heartbeat,
        Duration timeout) {
      this.closed = closed;
      this.writer = writer;
      this.dao = dao;
      this.owner = owner;
      this.clock = clock;
      this.heartbeat = heartbeat;
      this.timeout = timeout;
    }

    @Override
    public void run() {
      running = true; // before the flag, so that a close() that finds the flag set waits
      try {
        if (closed.compareAndSet(false, true)) {
          flushAndEnd();
        }
      } finally {
        running = false;
        done.countDown();
      }
    }

    /** If this hook is storing points (the JVM exits), waits at most {@code timeout} for it. */
    void awaitDone(Duration timeout) {
      if (!running) {
        return; // never ran, or done
      }
      try {
        done.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void flushAndEnd() {
      long deadline = System.nanoTime() + timeout.toNanos();
      long lost = writer.close(timeout);
      Map<String, Long> lostByRun = lost > 0 ? writer.unwrittenByRun() : Map.of();
      if (!heartbeat.stop(remaining(deadline))) {
        return; // no run was started or resumed through this tracker
      }
      List<String> killed = new java.util.concurrent.CopyOnWriteArrayList<>();
      String failure =
          runWithin(
              () ->
                  killed.addAll(
                      dao.killOwned(
                          owner,
                          clock.millis(),
                          Map.of(
                              END_REASON_TAG,
                              "the JVM exited while the run was running and its tracker was not closed"))),
              deadline,
              Duration.ofSeconds(1),
              "mlops4j-tracker-exit-end-runs");
      if (failure != null) {
        LOG.warn(
            "The JVM is exiting and a tracker was not closed: could not end its running runs"
                + " ({}); a later open ends them as KILLED",
            failure);
      }
      if (lost > 0) {
        LOG.warn(
            "The JVM is exiting and a tracker was not closed: {} metric point(s) could not be"
                + " stored within {} and are lost, by run: {}{}. Close the tracker (try-with-"
                + "resources) or raise shutdownFlushTimeout.",
            lost,
            timeout,
            bounded(lostByRun),
            lostByRun.size() > LOGGED_RUNS
                ? " and " + (lostByRun.size() - LOGGED_RUNS) + " more run(s)"
                : "");
      }
      if (!killed.isEmpty()) {
        LOG.warn(
            "The JVM is exiting and a tracker was not closed: stored its queued metric points"
                + " and ended {} running run(s) as KILLED: {}{}",
            killed.size(),
            killed.subList(0, Math.min(LOGGED_RUNS, killed.size())),
            killed.size() > LOGGED_RUNS ? " and " + (killed.size() - LOGGED_RUNS) + " more" : "");
      }
    }

    private static Map<String, Long> bounded(Map<String, Long> byRun) {
      Map<String, Long> out = new java.util.TreeMap<>();
      byRun.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(LOGGED_RUNS)
          .forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("The tracker is closed; open a new one to log or read");
  }

  /** Configures a {@link Tracker}; setters check their arguments at once. */
  public static final class Builder extends StoreOptions<Builder> {
    private TrackingLimits limits = TrackingLimits.mlflowDefaults();
    private Backpressure backpressure = Backpressure.BLOCK;
    private int queueCapacity = 65_536;
    private int maxBatchPoints = 50_000;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Duration shutdownFlushTimeout = Duration.ofSeconds(5);
    private Duration runLease = Duration.ofSeconds(60);
    private boolean captureEnvironment = true;
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private String user = System.getProperty("user.name", "unknown");
    private HeartbeatScheduler heartbeatScheduler = HeartbeatScheduler.THREAD;
    private DataAccessPolicy accessPolicy = DataAccessPolicy.ALLOW_ALL;
    private @Nullable Supplier<String> actor;
    private @Nullable ReadAudit readAudit;

    private Builder() {}

    /** Replaces the heartbeat's thread, so that tests run beats explicitly. */
    Builder heartbeatScheduler(HeartbeatScheduler scheduler) {
      this.heartbeatScheduler = Objects.requireNonNull(scheduler, "heartbeatScheduler");
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    public Builder limits(TrackingLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** What logMetric does when the queue is full (default {@link Backpressure#BLOCK}). */
    public Builder backpressure(Backpressure backpressure) {
      this.backpressure = Objects.requireNonNull(backpressure, "backpressure");
      return this;
    }

    /** Metric points the queue holds before backpressure applies (default 65,536). */
    public Builder queueCapacity(int capacity) {
      Checks.atLeast(capacity, 1, "queueCapacity");
      this.queueCapacity = capacity;
      return this;
    }

    /** Most points the writer stores in one transaction (default 50,000). */
    public Builder maxBatchPoints(int maxBatchPoints) {
      Checks.atLeast(maxBatchPoints, 1, "maxBatchPoints");
      this.maxBatchPoints = maxBatchPoints;
      return this;
    }

    /**
     * How long {@link Tracker#close()} and {@link Run#close()} wait for the queue (default 30 s).
     */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "closeTimeout");
      Checks.notNegative(timeout, "closeTimeout");
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * How long the JVM shutdown hook of a tracker left open waits to store its queued metric points
     * before it ends the tracker's running runs as {@link RunStatus#KILLED} (default 5 s). Ending
     * the runs takes what is left of this time but at least 1 s, so the hook takes at most this
     * plus 1 s. The hook is registered with the first run started or resumed. {@link Duration#ZERO}
     * registers no hook: queued points of an unclosed tracker are then lost at exit, silently, and
     * its runs are ended only by a later open after {@link #runLease}.
     */
    public Builder shutdownFlushTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "shutdownFlushTimeout");
      Checks.notNegative(timeout, "shutdownFlushTimeout");
      this.shutdownFlushTimeout = timeout;
      return this;
    }

    /**
     * How long a running run may go without a heartbeat from its tracker before another tracker
     * opening the workspace may end it as {@link RunStatus#KILLED} (default 60 s, at least 1 s).
     * The tracker renews the heartbeat every quarter of this while it holds running runs. Across
     * hosts, clocks must agree to well within the lease.
     */
    public Builder runLease(Duration lease) {
      Objects.requireNonNull(lease, "runLease");
      Checks.atLeast(lease, Duration.ofSeconds(1), "runLease");
      this.runLease = lease;
      return this;
    }

    /** Whether runs get environment tags (Java, OS, host, git); default true. */
    public Builder captureEnvironment(boolean capture) {
      this.captureEnvironment = capture;
      return this;
    }

    /** The directory whose git checkout is recorded (default: the process's working directory). */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = Objects.requireNonNull(dir, "workingDirectory");
      return this;
    }

    /** The user recorded on runs (default: the {@code user.name} system property). */
    public Builder user(String user) {
      Objects.requireNonNull(user, "user");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
      StoredText.check(user, "user");
      this.user = user;
      return this;
    }

    /**
     * The policy asked before every read and write of runs, experiments and artifacts (default
     * {@link DataAccessPolicy#ALLOW_ALL}); see {@link DataAccessPolicy}.
     *
     * @since 0.1.0
     */
    public Builder accessPolicy(DataAccessPolicy policy) {
      this.accessPolicy = Objects.requireNonNull(policy, "accessPolicy");
      return this;
    }

    /**
     * Who reads and writes, asked on every checked call (default: the {@link #user(String) user}).
     * A server passes the caller of the current request, for example from a thread-local; the
     * supplier must return a non-blank name.
     *
     * @since 0.1.0
     */
    public Builder actor(Supplier<String> actor) {
      this.actor = Objects.requireNonNull(actor, "actor");
      return this;
    }

    /**
     * Records every read of runs, experiments and artifacts (default: none). The tracker does not
     * close it.
     *
     * @since 0.1.0
     */
    public Builder readAudit(ReadAudit audit) {
      this.readAudit = Objects.requireNonNull(audit, "readAudit");
      return this;
    }

    public Tracker build() {
      StoreSource.Opened opened = StoreAccess.openStore(this);
      return new Tracker(this, opened.store(), opened.owned());
    }
  }
}
