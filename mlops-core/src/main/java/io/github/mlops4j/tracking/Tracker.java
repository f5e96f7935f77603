package io.github.mlops4j.tracking;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.artifacts.PathNames;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.StoreOptions;
import io.github.mlops4j.store.StoreSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 */
public final class Tracker implements AutoCloseable {
  /** Tag holding the user that started a run. */
  public static final String USER_TAG = "mlops.user";

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
  private final AtomicBoolean closed = new AtomicBoolean();

  private Tracker(Builder b, Store store, boolean ownsStore) {
    this.store = store;
    this.ownsStore = ownsStore;
    this.clock = b.clock;
    this.limits = b.limits;
    this.user = b.user;
    this.closeTimeout = b.closeTimeout;
    try {
      store.migrate(TrackingDao.COMPONENT, TrackingDao.SCHEMA_VERSION);
    } catch (RuntimeException e) {
      if (ownsStore) {
        store.close();
      }
      throw e;
    }
    this.dao = new TrackingDao(store);
    this.captureEnvironment = b.captureEnvironment;
    this.workingDirectory = b.workingDirectory;
    this.writer = new MetricWriter(store, b.backpressure, b.queueCapacity, b.maxBatchPoints,
        "mlops4j-metric-writer");
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

  Run start(@Nullable String experimentName, @Nullable String experimentId,
      @Nullable String runName, @Nullable String parentRunId, Map<String, String> tags) {
    checkOpen();
    String expId = experimentId != null ? experimentId
        : experimentIds.computeIfAbsent(Objects.requireNonNull(experimentName),
            name -> dao.getOrCreateExperiment(name, clock.millis()).id());
    String runId = UUID.randomUUID().toString().replace("-", "");
    String name = runName != null ? runName : "run-" + runId.substring(0, 8);
    Map<String, String> allTags = new LinkedHashMap<>(environment());
    allTags.put(USER_TAG, user);
    allTags.putAll(tags);
    dao.insertRun(runId, expId, name, parentRunId, user, clock.millis(), allTags);
    return new Run(this, runId, expId, name);
  }

  /**
   * A handle to keep logging to a run that is still running, for example one started by another
   * thread or process.
   *
   * @throws RunNotFoundException if no such run exists
   * @throws IllegalStateException if the run has ended
   */
  public Run resumeRun(String runId) {
    checkOpen();
    RunInfo info = findRun(runId).orElseThrow(() -> new RunNotFoundException(runId));
    if (info.status() != RunStatus.RUNNING) {
      throw new IllegalStateException("Run " + runId + " has ended with status " + info.status()
          + " and cannot be resumed");
    }
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

  void enqueue(String runId, String key, double value, long step) {
    if (closed.get()) {
      throw closedError();
    }
    writer.add(new MetricWriter.Point(runId, key, value, step, clock.millis()));
  }

  /** Soft-deletes a run: searches skip it unless asked for deleted runs. */
  public void deleteRun(String runId) {
    checkOpen();
    dao.setDeleted(runId, true, clock.millis());
  }

  /** Restores a deleted run. */
  public void restoreRun(String runId) {
    checkOpen();
    dao.setDeleted(runId, false, clock.millis());
  }

  // ---------------------------------------------------------------- reads

  /**
   * The run's status, times, params, latest metrics, tags, inputs and artifacts; empty if no run
   * has this id. Metrics still in the queue are not visible until flushed.
   */
  public Optional<RunInfo> findRun(String runId) {
    checkOpen();
    return dao.findRun(Objects.requireNonNull(runId, "runId"));
  }

  /**
   * Every stored point of metric {@code key} of a run, in the order they were logged.
   *
   * @throws RunNotFoundException if no run has this id
   */
  public List<MetricPoint> metricHistory(String runId, String key) {
    checkOpen();
    return dao.metricHistory(Objects.requireNonNull(runId, "runId"),
        Objects.requireNonNull(key, "key"));
  }

  /**
   * Every active run of {@code experiment} that matches {@code filter}, newest first.
   *
   * @throws InvalidFilterException if the filter is malformed, pointing at the offending position
   */
  public List<RunInfo> searchRuns(String experiment, String filter) {
    RunQuery.Builder query = RunQuery.builder().experiments(experiment).filter(filter)
        .maxResults(RunQuery.MAX_RESULTS_LIMIT);
    RunPage page = searchRuns(query.build());
    if (page.nextPageToken() == null) {
      return page.runs();
    }
    List<RunInfo> all = new java.util.ArrayList<>(page.runs());
    while (page.nextPageToken() != null) {
      page = searchRuns(query.pageToken(page.nextPageToken()).build());
      all.addAll(page.runs());
    }
    return List.copyOf(all);
  }

  /** One page of a search with order and paging. */
  public RunPage searchRuns(RunQuery query) {
    checkOpen();
    return dao.search(Objects.requireNonNull(query, "query"));
  }

  /**
   * Ids of the runs nested directly under {@code parentRunId}, oldest first (runs started in the
   * same millisecond by run id).
   */
  public List<String> childRuns(String parentRunId) {
    checkOpen();
    return dao.childRuns(parentRunId);
  }

  public List<Experiment> experiments() {
    checkOpen();
    return dao.experiments();
  }

  public Optional<Experiment> findExperiment(String name) {
    checkOpen();
    return dao.findExperiment(StoredText.check(Objects.requireNonNull(name, "name"),
        "Experiment name"));
  }

  /** Returns the experiment, creating it if needed; safe across threads and processes. */
  public Experiment createExperiment(String name) {
    checkOpen();
    return dao.getOrCreateExperiment(limits.checkName(name, "Experiment name"), clock.millis());
  }

  // ---------------------------------------------------------------- lineage and artifacts

  /**
   * Ids of every run that used the dataset version with this digest, oldest first (runs started
   * in the same millisecond by run id).
   */
  public List<String> runsUsingDataset(String digest) {
    checkOpen();
    return dao.runsUsingDataset(Objects.requireNonNull(digest, "digest"));
  }

  /** The dataset versions a run used. */
  public List<RunInput> inputs(String runId) {
    return findRun(runId).orElseThrow(() -> new RunNotFoundException(runId)).inputs();
  }

  /**
   * Opens an artifact of a run for reading. The content is checked against its SHA-256 as it is
   * read: a file changed on disk fails at the end of the stream.
   */
  public InputStream openArtifact(String runId, String artifactPath) {
    PathNames.checkRelative(artifactPath, "artifact path");
    RunInfo run = findRun(runId).orElseThrow(() -> new RunNotFoundException(runId));
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
   * Metric points dropped because their run had ended in the store (through another handle,
   * tracker or process) before the writer stored them. Each such run is also logged once as a
   * warning, and later {@code logMetric} calls on it throw {@link RunEndedException}.
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

  /** {@link #close(Duration)} with the builder's close timeout (default 30 s). */
  @Override
  public void close() {
    close(closeTimeout);
  }

  /**
   * Stores every queued metric point, stops the writer thread and releases the store, waiting at
   * most {@code timeout}. Runs still running stay {@link RunStatus#RUNNING}.
   *
   * @throws TrackingException if points could not be stored in time; the message gives how many
   */
  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long lost = writer.close(Objects.requireNonNull(timeout, "timeout"));
    if (ownsStore) {
      store.close();
    }
    if (lost > 0) {
      throw new TrackingException(null, lost + " metric points could not be stored within "
          + timeout + " and are lost (a write already inside the database may still complete)");
    }
  }

  TrackingDao dao() {
    return dao;
  }

  Clock clock() {
    return clock;
  }

  TrackingLimits limits() {
    return limits;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw closedError();
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException("The tracker is closed; open a new one to log or read");
  }

  /** Configures a {@link Tracker}; setters check their arguments at once. */
  public static final class Builder extends StoreOptions<Builder> {
    private Clock clock = Clock.systemUTC();
    private TrackingLimits limits = TrackingLimits.mlflowDefaults();
    private Backpressure backpressure = Backpressure.BLOCK;
    private int queueCapacity = 65_536;
    private int maxBatchPoints = 50_000;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private boolean captureEnvironment = true;
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private String user = System.getProperty("user.name", "unknown");

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }





    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
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
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be >= 1, was " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Most points the writer stores in one transaction (default 50,000). */
    public Builder maxBatchPoints(int maxBatchPoints) {
      if (maxBatchPoints < 1) {
        throw new IllegalArgumentException("maxBatchPoints must be >= 1, was " + maxBatchPoints);
      }
      this.maxBatchPoints = maxBatchPoints;
      return this;
    }

    /** How long {@link Tracker#close()} and {@link Run#close()} wait for the queue (default 30 s). */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "closeTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must not be negative, was " + timeout);
      }
      this.closeTimeout = timeout;
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

    public Tracker build() {
      StoreSource.Opened opened = openStore();
      return new Tracker(this, opened.store(), opened.owned());
    }
  }
}
