package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileRow;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
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
 * All methods are thread-safe. {@code observe} takes no global lock: it copies the row into the
 * buffer of one of several stripes, chosen by thread, each behind its own lock (a count window
 * also increments one shared counter). A full buffer ({@link Builder#batchRows}, default 256 rows)
 * is profiled into the stripe's {@link ProfileAccumulator}; the stripes' profiles are merged when
 * the window closes. The monitor starts no thread: profiling batches and evaluating windows
 * (merge, drift comparison, listeners) run on the {@link Builder#executor executor} if one is
 * given, otherwise on the calling thread — the call that fills a batch profiles it, the call that
 * closes a window evaluates it. Evaluations run one at a time, in window order.
 *
 * <h2>Windows</h2>
 * Tumbling windows by row count or time ({@link WindowSpec}), time from the injected
 * {@link Clock}. A count window holds exactly its number of rows; a time window closes at the
 * first row, {@link #tick()} or {@link #flush()} at or after its end, so with irregular traffic
 * call {@code tick()} from a scheduler you own. The reference is fixed ({@link
 * Builder#reference}) or rolling ({@link Builder#rollingReference()}: each window is compared with
 * the previous window that had rows; the first window gets no report).
 *
 * <h2>Empty windows and bad input</h2>
 * A window without rows produces no report and no listener call; it is only counted
 * ({@link MonitorStats#emptyWindows()}). Missing values ({@code null}, NaN, ±infinity, or a
 * column absent from a map row) are counted per column in the profiles and reported in each
 * column's {@code DataQuality}. An unknown column, a value of the wrong type or an array of the
 * wrong length throws {@link IllegalArgumentException} naming the column; the row is not counted
 * in any window ({@link MonitorStats#rowsRejected()}).
 *
 * <h2>Delayed labels</h2>
 * {@link #recordPrediction} keeps the prediction under its id until {@link #recordLabel} brings
 * the outcome, in a bounded store: at most {@link Builder#maxPendingPredictions} (default
 * 100 000) predictions, each for at most {@link Builder#predictionTimeToLive} (default 1 day);
 * the oldest are evicted first. Joined pairs count in the performance of the window in which the
 * label arrived.
 *
 * <h2>Closing</h2>
 * {@link #close()} refuses further input, waits up to {@link Builder#closeTimeout} for rows of
 * closed windows still being profiled on the executor and evaluates those windows; it does not
 * evaluate the open window (a partial window would compare a small sample): call {@link #flush()}
 * first for that.
 */
public final class Monitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  private static final String[] NO_CATEGORIES = new String[0];

  /** At most this many values (rows x columns) per chunk of buffered rows. */
  static final int MAX_CHUNK_VALUES = 1 << 16;

  private final String model;
  private final ProfileSchema schema;
  private final Set<String> ignoredColumns;
  private final @Nullable Profile fixedReference;
  private final WindowSpec windowSpec;
  private final boolean countBased;
  private final long windowRows;
  private final long windowMillis;
  private final ProfileDrift drift;
  private final Clock clock;
  private final Executor executor;
  private final boolean direct;
  private final int chunkRows;
  private final int numericColumns;
  private final int categoricalColumns;
  private final Semaphore inFlight;
  private final ConcurrentLinkedQueue<Chunk> chunkPool = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooledChunks = new AtomicInteger();
  private final int maxPooledChunks;
  private final Duration closeTimeout;
  private final int stripeMask;
  private final int historySize;
  private final @Nullable PredictionTask task;
  private final double decisionThreshold;
  private final int maxAucPairs;
  private final @Nullable PendingPredictions pending;
  private final CopyOnWriteArrayList<DriftListener> listeners;
  /** Per listener: its failures, logged with a stack trace once, then summarized per interval. */
  private final Map<DriftListener, FailureLog> failureLogs = new ConcurrentHashMap<>();
  private final FailureLog.Sink failureSink;

  private final Object rollLock = new Object();
  private final ReentrantLock evalLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Window> closedWindows = new ConcurrentLinkedQueue<>();
  private volatile Window current;
  private volatile boolean closed;
  private volatile @Nullable WindowSummary lastWindow;
  private final ArrayDeque<WindowSummary> history = new ArrayDeque<>();
  private @Nullable Profile previousProfile; // guarded by evalLock
  private long nextIndex; // guarded by rollLock

  private final LongAdder rowsObserved = new LongAdder();
  private final LongAdder rowsRejected = new LongAdder();
  private final AtomicLong windowsClosed = new AtomicLong();
  private final AtomicLong emptyWindows = new AtomicLong();
  private final LongAdder labelsMatched = new LongAdder();
  private final LongAdder labelsUnmatched = new LongAdder();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicLong profilingFailures = new AtomicLong();
  private final AtomicLong evaluationFailures = new AtomicLong();

  private Monitor(Builder b, ProfileSchema schema) {
    this.model = Objects.requireNonNull(b.model);
    this.schema = schema;
    this.ignoredColumns = b.ignoredColumns;
    this.fixedReference = b.reference;
    this.windowSpec = b.window;
    this.countBased = b.window.isCountBased();
    this.windowRows = countBased ? b.window.rowsPerWindow() : Long.MAX_VALUE;
    this.windowMillis = countBased ? 0 : b.window.duration().toMillis();
    this.drift = b.drift;
    this.clock = b.clock;
    this.executor = b.executor == null ? Runnable::run : b.executor;
    this.direct = b.executor == null;
    this.numericColumns = schema.numericColumns().size();
    this.categoricalColumns = schema.categoricalColumns().size();
    int columns = Math.max(1, numericColumns + categoricalColumns);
    this.chunkRows = Math.max(1, Math.min(b.batchRows, MAX_CHUNK_VALUES / columns));
    this.inFlight = new Semaphore(2 * b.stripes);
    this.maxPooledChunks = 3 * b.stripes + 2;
    this.closeTimeout = b.closeTimeout;
    this.stripeMask = b.stripes - 1;
    this.historySize = b.historySize;
    this.task = b.task;
    this.decisionThreshold = b.decisionThreshold;
    this.maxAucPairs = b.maxAucPairs;
    this.pending = b.task == null ? null
        : new PendingPredictions(b.maxPendingPredictions, b.predictionTtl.toMillis(), b.clock);
    this.listeners = new CopyOnWriteArrayList<>(b.listeners);
    this.failureSink = b.failureSink;
    this.current = openWindow(clock.millis(), Long.MIN_VALUE);
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- windows ------------------------------------------------------------------------------

  /** Rows buffered row-major before they are profiled. */
  private static final class Chunk {
    final double[] numeric;
    final @Nullable String[] categorical;
    int rows;

    Chunk(int capacity, int nn, int nc) {
      this.numeric = new double[capacity * nn];
      this.categorical = new String[capacity * nc];
    }
  }

  private static final class Stripe {
    /** Guards buffer and closed; held only while a row is copied. */
    final ReentrantLock lock = new ReentrantLock();
    @Nullable Chunk buffer;
    boolean closed;
    /** Guards accumulator; held while chunks are profiled. */
    final ReentrantLock profileLock = new ReentrantLock();
    @Nullable ProfileAccumulator accumulator;
  }

  private final class Window {
    final long index;
    final long startMillis;
    final long endMillis; // exclusive; Long.MAX_VALUE for count windows
    final AtomicLong claimed = new AtomicLong();
    final Stripe[] stripes;
    final ReentrantLock perfLock = new ReentrantLock();
    final @Nullable PerformanceAccumulator performance;
    /** Chunks handed to profiling and not done yet, plus 1 while the window is open. */
    final AtomicInteger unprofiled = new AtomicInteger(1);
    final CountDownLatch profiled = new CountDownLatch(1);
    long closedMillis; // written under rollLock before the window is queued

    Window(long index, long startMillis, long endMillis) {
      this.index = index;
      this.startMillis = startMillis;
      this.endMillis = endMillis;
      this.stripes = new Stripe[stripeMask + 1];
      for (int i = 0; i < stripes.length; i++) {
        stripes[i] = new Stripe();
      }
      this.performance = task == null ? null
          : new PerformanceAccumulator(task, decisionThreshold, maxAucPairs, index);
    }

    boolean isProfiled() {
      return profiled.getCount() == 0;
    }
  }

  /** Opens the window containing {@code now}; {@code notBefore} is the previous window's end. */
  private Window openWindow(long now, long notBefore) {
    long index = nextIndex++;
    if (countBased) {
      return new Window(index, now, Long.MAX_VALUE);
    }
    if (notBefore != Long.MIN_VALUE && now < notBefore) {
      return new Window(index, now, notBefore); // the rest of a flushed window's period
    }
    long start = Math.floorDiv(now, windowMillis) * windowMillis;
    return new Window(index, start, start + windowMillis);
  }

  private int probe() {
    long id = Thread.currentThread().getId();
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & stripeMask;
  }

  private Chunk newChunk() {
    Chunk c = chunkPool.poll();
    if (c != null) {
      pooledChunks.decrementAndGet();
      c.rows = 0;
      return c;
    }
    return new Chunk(chunkRows, numericColumns, categoricalColumns);
  }

  private void recycle(Chunk c) {
    if (pooledChunks.incrementAndGet() <= maxPooledChunks) {
      Arrays.fill(c.categorical, 0, c.rows * categoricalColumns, null);
      chunkPool.offer(c);
    } else {
      pooledChunks.decrementAndGet();
    }
  }

  /** Profiles a chunk: on the executor while it has room, else on this thread. */
  private void dispatch(Window w, Stripe s, Chunk chunk) {
    if (direct || !inFlight.tryAcquire()) {
      profile(w, s, chunk, false); // no executor, or it is behind: the caller does the work
      return;
    }
    try {
      executor.execute(() -> profile(w, s, chunk, true));
    } catch (RejectedExecutionException e) {
      inFlight.release();
      profile(w, s, chunk, false);
    }
  }

  private void profile(Window w, Stripe s, Chunk chunk, boolean permit) {
    try {
      s.profileLock.lock();
      try {
        ProfileAccumulator acc = s.accumulator;
        if (acc == null) {
          acc = ProfileAccumulator.create(schema);
          s.accumulator = acc;
        }
        acc.updateRows(chunk.numeric, chunk.categorical, chunk.rows);
      } finally {
        s.profileLock.unlock();
      }
    } catch (RuntimeException e) {
      profilingFailures.incrementAndGet();
      LOG.error("Monitor '{}': profiling {} rows of window {} failed", model, chunk.rows,
          w.index, e);
    } finally {
      recycle(chunk);
      if (permit) {
        inFlight.release();
      }
      chunkDone(w);
    }
  }

  /** Counts a chunk (or the open token) done; the last one schedules evaluation. */
  private void chunkDone(Window w) {
    if (w.unprofiled.decrementAndGet() == 0) {
      w.profiled.countDown();
      schedule(this::evaluateReady);
    }
  }

  private void schedule(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        LOG.warn("Monitor '{}': the executor rejected a window evaluation; running it on the"
            + " calling thread", model, e);
      }
      task.run();
    }
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
   * @param categories categorical and binary values ({@code null} = missing); may be null when
   *     the schema has none
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
    add(values, categories == null ? NO_CATEGORIES : categories);
  }

  /**
   * Profiles one row given by column name; see {@link ProfileRow#of(ProfileSchema, Map)} for the
   * accepted types. Entries whose key was declared with {@link Builder#ignoreColumns} (entity
   * keys, request ids) are skipped.
   *
   * @throws IllegalArgumentException naming the column for an unknown column (neither in the
   *     schema nor ignored) or a wrong type
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
    add(r.numeric(), r.categorical());
  }

  private void add(double[] numeric, @Nullable String[] categorical) {
    ensureOpen();
    int probe = probe();
    int spins = 0;
    while (true) {
      Window w = current;
      if (!countBased) {
        long now = clock.millis();
        if (now >= w.endMillis) {
          roll(w, now);
          continue;
        }
      }
      Stripe s = w.stripes[probe];
      long position = 0;
      Chunk full = null;
      s.lock.lock();
      try {
        if (s.closed) {
          continue; // the window is closing: go to the new one
        }
        if (countBased) {
          position = w.claimed.incrementAndGet();
          if (position > windowRows) {
            continue; // belongs to the next window, which is about to open (see below)
          }
        }
        Chunk c = s.buffer;
        if (c == null) {
          c = newChunk();
          s.buffer = c;
        }
        System.arraycopy(numeric, 0, c.numeric, c.rows * numericColumns, numericColumns);
        if (categoricalColumns > 0) {
          System.arraycopy(categorical, 0, c.categorical, c.rows * categoricalColumns,
              categoricalColumns);
        }
        if (++c.rows == chunkRows) {
          s.buffer = null;
          w.unprofiled.incrementAndGet();
          full = c;
        }
      } finally {
        s.lock.unlock();
        if (position > windowRows) {
          spins = awaitNext(w, spins);
        }
      }
      rowsObserved.increment();
      if (full != null) {
        dispatch(w, s, full);
      }
      if (position == windowRows) {
        roll(w, clock.millis());
      }
      return;
    }
  }

  /** Waits for the thread that took the window's last row to open the next window. */
  private int awaitNext(Window w, int spins) {
    while (current == w) {
      if (++spins < 64) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    return spins;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Monitor '" + model + "' is closed");
    }
  }

  /**
   * Closes window {@code w} if it is still current: opens the next window, hands the rows still
   * buffered in w's stripes to profiling; the last chunk profiled schedules the evaluation.
   */
  private boolean roll(Window w, long now) {
    synchronized (rollLock) {
      if (current != w) {
        return false;
      }
      current = openWindow(now, w.endMillis);
      w.closedMillis = countBased ? now : Math.min(now, w.endMillis);
      closedWindows.add(w);
    }
    for (Stripe s : w.stripes) {
      Chunk partial;
      s.lock.lock();
      try {
        s.closed = true; // writers still holding w retry with the new window
        partial = s.buffer;
        s.buffer = null;
        if (partial != null) {
          w.unprofiled.incrementAndGet();
        }
      } finally {
        s.lock.unlock();
      }
      if (partial != null) {
        dispatch(w, s, partial);
      }
    }
    chunkDone(w); // the open token
    return true;
  }

  /**
   * Closes the current time window if its end has passed (no-op for count windows or before the
   * end). Call it periodically when rows may stop arriving, so windows still close on time.
   *
   * @return whether a window was closed
   */
  public boolean tick() {
    ensureOpen();
    if (countBased) {
      return false;
    }
    Window w = current;
    long now = clock.millis();
    return now >= w.endMillis && roll(w, now);
  }

  /**
   * Closes the current window now, even if it is not full or not over, and evaluates every closed
   * window on the calling thread before returning.
   *
   * @return the summary of the window just closed; empty if it had no rows and no labels
   */
  public Optional<WindowSummary> flush() {
    ensureOpen();
    Window w = current;
    boolean rolled = roll(w, clock.millis());
    awaitProfiled();
    evaluateReady();
    WindowSummary last = lastWindow;
    return rolled && last != null && last.window().index() == w.index ? Optional.of(last)
        : Optional.empty();
  }

  /** Waits, at most {@code closeTimeout} in all, until every closed window is profiled. */
  private void awaitProfiled() {
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    for (Window w : closedWindows) {
      try {
        if (!w.profiled.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          LOG.warn("Monitor '{}': rows of window {} are still being profiled after {}; it will"
              + " be evaluated when they are done", model, w.index, closeTimeout);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Evaluates closed windows in window order, as long as the oldest one is fully profiled. */
  private void evaluateReady() {
    evalLock.lock();
    try {
      Window w;
      while ((w = closedWindows.peek()) != null && w.isProfiled()) {
        closedWindows.poll();
        try {
          evaluate(w);
        } catch (RuntimeException e) {
          evaluationFailures.incrementAndGet();
          LOG.error("Monitor '{}': evaluating window {} failed", model, w.index, e);
        }
      }
    } finally {
      evalLock.unlock();
    }
  }

  private void evaluate(Window w) {
    List<Profile> parts = new ArrayList<>();
    for (Stripe s : w.stripes) {
      s.profileLock.lock();
      try {
        if (s.accumulator != null) {
          parts.add(s.accumulator.take());
          s.accumulator = null;
        }
      } finally {
        s.profileLock.unlock();
      }
    }
    Performance perf = null;
    if (w.performance != null) {
      w.perfLock.lock();
      try {
        w.performance.closed = true;
        perf = w.performance.result();
      } finally {
        w.perfLock.unlock();
      }
    }
    Profile profile = parts.isEmpty() ? Profile.empty(schema)
        : parts.size() == 1 ? parts.get(0) : Profile.merge(parts);
    if (profile.rows() == 0 && (perf == null || perf.labelled() == 0)) {
      emptyWindows.incrementAndGet();
      return;
    }
    WindowInfo info = new WindowInfo(w.index, Instant.ofEpochMilli(w.startMillis),
        Instant.ofEpochMilli(w.closedMillis), profile.rows());
    Profile reference = fixedReference != null ? fixedReference : previousProfile;
    DriftReport report = null;
    if (profile.rows() > 0) {
      if (reference != null) {
        report = drift.compare(reference, profile);
      }
      if (fixedReference == null) {
        previousProfile = profile;
      }
    }
    WindowSummary summary = new WindowSummary(info, profile, report, perf);
    synchronized (history) {
      history.addLast(summary);
      while (history.size() > historySize) {
        history.removeFirst();
      }
    }
    lastWindow = summary;
    windowsClosed.incrementAndGet();
    if (report != null) {
      for (DriftListener l : listeners) {
        try {
          l.onWindow(info, report);
        } catch (RuntimeException e) {
          listenerFailures.incrementAndGet();
          failureLog(l).failed("Monitor '" + model + "': drift listener "
              + l.getClass().getName() + " failed on window " + w.index, e);
        }
      }
    }
  }

  // ---- predictions and labels ---------------------------------------------------------------

  /**
   * Keeps a prediction until its label arrives: a score (binary classification) or a predicted
   * value (regression).
   *
   * @throws IllegalArgumentException if the value is not finite or the task predicts classes
   * @throws IllegalStateException if no {@link Builder#predictions task} was set or the monitor
   *     is closed
   */
  public void recordPrediction(String id, double prediction) {
    PendingPredictions p = predictionStore(id);
    if (task == PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException("The task is MULTICLASS_CLASSIFICATION: record the"
          + " predicted class as a String");
    }
    if (!Double.isFinite(prediction)) {
      throw new IllegalArgumentException("Prediction for id '" + id + "' must be finite, was "
          + prediction);
    }
    p.put(id, prediction, null);
  }

  /**
   * Keeps a predicted class until its label arrives (multiclass classification).
   *
   * @throws IllegalArgumentException if the task is not multiclass classification
   * @throws IllegalStateException if no task was set or the monitor is closed
   */
  public void recordPrediction(String id, String predictedClass) {
    PendingPredictions p = predictionStore(id);
    Objects.requireNonNull(predictedClass, "predictedClass");
    if (task != PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException("The task is " + task + ": record a double prediction");
    }
    p.put(id, Double.NaN, predictedClass);
  }

  /**
   * Brings the label of an earlier prediction: 0 or 1 for binary classification, the actual
   * value for regression.
   *
   * @return whether a pending prediction was found; if not (unknown id, already labelled,
   *     evicted) the label is counted in {@link MonitorStats#labelsUnmatched()} and dropped
   * @throws IllegalArgumentException if the label is invalid for the task
   */
  public boolean recordLabel(String id, double label) {
    PendingPredictions p = predictionStore(id);
    if (task == PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException("The task is MULTICLASS_CLASSIFICATION: record the"
          + " actual class as a String");
    }
    if (task == PredictionTask.BINARY_CLASSIFICATION && label != 0 && label != 1) {
      throw new IllegalArgumentException("A binary label must be 0 or 1, was " + label
          + " (id '" + id + "')");
    }
    if (!Double.isFinite(label)) {
      throw new IllegalArgumentException("Label for id '" + id + "' must be finite, was " + label);
    }
    PendingPredictions.Pending prediction = p.take(id);
    if (prediction == null) {
      labelsUnmatched.increment();
      return false;
    }
    addPerformance(prediction, label, null);
    return true;
  }

  /** Brings a binary label: {@code true} = positive class. */
  public boolean recordLabel(String id, boolean positive) {
    if (task != null && task != PredictionTask.BINARY_CLASSIFICATION) {
      throw new IllegalArgumentException("The task is " + task + ": a boolean label applies only"
          + " to BINARY_CLASSIFICATION");
    }
    return recordLabel(id, positive ? 1.0 : 0.0);
  }

  /**
   * Brings the actual class of an earlier prediction (multiclass classification).
   *
   * @return whether a pending prediction was found
   * @throws IllegalArgumentException if the task is not multiclass classification
   */
  public boolean recordLabel(String id, String actualClass) {
    PendingPredictions p = predictionStore(id);
    Objects.requireNonNull(actualClass, "actualClass");
    if (task != PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException("The task is " + task + ": record a double label");
    }
    PendingPredictions.Pending prediction = p.take(id);
    if (prediction == null) {
      labelsUnmatched.increment();
      return false;
    }
    addPerformance(prediction, Double.NaN, actualClass);
    return true;
  }

  private PendingPredictions predictionStore(String id) {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    if (pending == null) {
      throw new IllegalStateException("Monitor '" + model + "' tracks no predictions: set"
          + " Monitor.builder().predictions(task)");
    }
    return pending;
  }

  private void addPerformance(PendingPredictions.Pending prediction, double label,
      @Nullable String actualClass) {
    while (true) {
      Window w = current;
      PerformanceAccumulator acc = w.performance;
      w.perfLock.lock();
      try {
        if (acc.closed) {
          continue;
        }
        switch (task) {
          case BINARY_CLASSIFICATION -> acc.addBinary(prediction.value(), label == 1);
          case REGRESSION -> acc.addRegression(prediction.value(), label);
          default -> acc.addClass(Objects.requireNonNull(prediction.label()), actualClass);
        }
      } finally {
        w.perfLock.unlock();
      }
      labelsMatched.increment();
      return;
    }
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
    return Optional.ofNullable(task);
  }

  /** The fixed reference, if any (empty for a rolling reference). */
  public Optional<Profile> reference() {
    return Optional.ofNullable(fixedReference);
  }

  /** The most recently evaluated window with rows or labels. */
  public Optional<WindowSummary> lastWindow() {
    return Optional.ofNullable(lastWindow);
  }

  /** The most recent evaluated windows, oldest first, at most {@link Builder#historySize}. */
  public List<WindowSummary> recentWindows() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** Counters since the monitor was built. */
  public MonitorStats stats() {
    return new MonitorStats(rowsObserved.sum(), rowsRejected.sum(), windowsClosed.get(),
        emptyWindows.get(), pending == null ? 0 : pending.size(), labelsMatched.sum(),
        labelsUnmatched.sum(), pending == null ? 0 : pending.evicted(), listenerFailures.get(),
        profilingFailures.get(), evaluationFailures.get());
  }

  /** Adds a listener for the following windows. */
  public void addListener(DriftListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener; returns whether it was registered. */
  public boolean removeListener(DriftListener listener) {
    failureLogs.remove(listener);
    return listeners.remove(listener);
  }

  private FailureLog failureLog(DriftListener l) {
    return failureLogs.computeIfAbsent(l,
        k -> new FailureLog(clock, FailureLog.DEFAULT_INTERVAL, failureSink));
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Refuses further input and evaluates windows that already closed, on the calling thread. The
   * open window is discarded: call {@link #flush()} first to evaluate it. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    awaitProfiled();
    evaluateReady();
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
    FailureLog.Sink failureSink = FailureLog.Sink.warn(LOG);

    private Builder() {}

    private static int defaultStripes() {
      int n = Math.max(2, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()));
      return Integer.highestOneBit(n - 1) << 1;
    }

    /**
     * The model's name: the {@code model} tag of metrics, so a bounded identifier such as
     * {@code churn} or {@code churn-v3} (1 to 100 characters).
     */
    public Builder model(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank() || model.length() > 100) {
        throw new IllegalArgumentException("model must be 1 to 100 non-blank characters, was '"
            + model + "'");
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
     * fields that are not features, such as entity keys ({@code applicant_id}) or request ids, so
     * a serving request can be observed as it is. Replaces the columns given before; none by
     * default. A column of the schema cannot be ignored ({@link #build()} refuses it); a column
     * neither in the schema nor ignored is still refused by {@code observe}.
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
     * whose row fills a batch profiles it (one call in {@code batchRows} does the work of the
     * whole batch) and the thread that closes a window evaluates it. With an executor, full
     * batches and evaluations run there, so the serving path only copies rows; while the executor
     * has {@code 2 x stripes} batches in hand, further batches are profiled by the caller
     * (back-pressure). The monitor never shuts the executor down.
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
      if (rows < 1 || rows > 65_536) {
        throw new IllegalArgumentException("batchRows must be in [1, 65536], was " + rows);
      }
      this.batchRows = rows;
      return this;
    }

    /**
     * How long {@link #flush()} and {@link #close()} wait for rows still being profiled on the
     * executor; default 10 s.
     */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must not be negative, was " + timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /** Number of profile stripes, a power of two in [1, 256]; default 2 × cores, at most 64. */
    public Builder stripes(int stripes) {
      if (stripes < 1 || stripes > 256 || Integer.bitCount(stripes) != 1) {
        throw new IllegalArgumentException("stripes must be a power of two in [1, 256], was "
            + stripes);
      }
      this.stripes = stripes;
      return this;
    }

    /** Number of recent window summaries kept for {@link #recentWindows()}, [1, 1000]; default 8. */
    public Builder historySize(int size) {
      if (size < 1 || size > 1000) {
        throw new IllegalArgumentException("historySize must be in [1, 1000], was " + size);
      }
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
     * Labelled pairs per window kept for the exact AUC, [2, 10 000 000]; beyond it a uniform
     * sample of this size (seeded by the window index) is used. Default 100 000 (about 1 MB).
     */
    public Builder maxAucPairs(int pairs) {
      if (pairs < 2 || pairs > 10_000_000) {
        throw new IllegalArgumentException("maxAucPairs must be in [2, 10000000], was " + pairs);
      }
      this.maxAucPairs = pairs;
      return this;
    }

    /**
     * Predictions kept waiting for their label, [16, 100 000 000]; default 100 000. When full,
     * the oldest are evicted.
     */
    public Builder maxPendingPredictions(int max) {
      if (max < 16 || max > 100_000_000) {
        throw new IllegalArgumentException("maxPendingPredictions must be in [16, 100000000], was "
            + max);
      }
      this.maxPendingPredictions = max;
      return this;
    }

    /** How long a prediction waits for its label before it is evicted; default 1 day. */
    public Builder predictionTimeToLive(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("predictionTimeToLive must be positive, was " + ttl);
      }
      this.predictionTtl = ttl;
      return this;
    }

    /** Adds a listener. */
    public Builder listener(DriftListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the monitor. The builder is left unchanged: it can build again, with or without
     * other settings (a schema taken from the reference is not remembered).
     *
     * @throws IllegalArgumentException if the model, the reference or the schema is missing, or
     *     the reference's columns differ from the schema's
     */
    public Monitor build() {
      if (model == null) {
        throw new IllegalArgumentException("Set model(name): it tags the monitor's metrics");
      }
      if (reference == null && !rolling) {
        throw new IllegalArgumentException("Set reference(profile) or rollingReference()");
      }
      ProfileSchema s = schema;
      if (s == null) {
        if (reference == null) {
          throw new IllegalArgumentException("Set schema(...) when the reference is rolling");
        }
        s = reference.schema();
      }
      for (String c : ignoredColumns) {
        if (s.hasColumn(c)) {
          throw new IllegalArgumentException("Column '" + cut(c)
              + "' is a column of the profile schema; it cannot also be ignored");
        }
      }
      if (reference != null) {
        if (!reference.schema().columns().equals(s.columns())) {
          throw new IllegalArgumentException("The reference profile has columns "
              + reference.schema().columns() + " but the schema has " + s.columns());
        }
        for (String c : s.columns()) {
          if (reference.schema().type(c) != s.type(c)) {
            throw new IllegalArgumentException("Column '" + c + "' is " + s.type(c)
                + " in the schema but " + reference.schema().type(c) + " in the reference");
          }
        }
      }
      return new Monitor(this, s);
    }
  }
}
