package io.github.mlops4j.tracking;

import io.github.mlops4j.store.Store;
import io.github.mlops4j.store.internal.Dialect;
import io.github.mlops4j.store.internal.StoreAccess;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous metric pipeline: a bounded queue filled by callers and drained by one writer
 * thread that stores each batch in one transaction.
 *
 * <p>Points of one series in one batch become one row of {@code metric_chunks} (a packed blob of
 * {@code (step, timestamp, value bits)} triples, so NaN payloads round-trip bit for bit), and the
 * series' row of {@code latest_metrics} is updated when the batch holds a later point. A flush is a
 * barrier in the same queue: it completes when every point enqueued before it is committed.
 *
 * <p>The same transaction first reads (and on PostgreSQL share-locks) the status of the batch's
 * runs: points of a run that is no longer {@link RunStatus#RUNNING} in the store (ended through
 * another handle or process after they were queued) are dropped, counted in {@link #rejected()} and
 * logged once per run; the run is remembered so that later {@code logMetric} calls on it fail at
 * once ({@link #endedStatus}).
 */
final class MetricWriter {
  private static final Logger LOG = LoggerFactory.getLogger(MetricWriter.class);

  /** Points per stored chunk at most; a series' points in one batch are split beyond this. */
  static final int MAX_CHUNK_POINTS = 4096;

  static final int POINT_BYTES = 24;

  /** Ended runs remembered for the logMetric fast path before the memory is cleared. */
  static final int MAX_ENDED_RUNS = 10_000;

  /** A point waiting to be written. */
  static final class Point {
    final String runId;
    final String key;
    final double value;
    final long step;
    final long timestamp;

    /**
     * When the point was queued, in milliseconds on the tracker's clock (for {@link
     * MetricWriter#lag}).
     */
    final long queuedAt;

    Point(String runId, String key, double value, long step, long timestamp, long queuedAt) {
      this.runId = runId;
      this.key = key;
      this.value = value;
      this.step = step;
      this.timestamp = timestamp;
      this.queuedAt = queuedAt;
    }
  }

  private static final class Barrier {
    final CountDownLatch done = new CountDownLatch(1);
  }

  private record SeriesKey(String runId, String key) {}

  /** Points of one series in a batch, in arrival order. */
  private static final class SeriesBuffer {
    long[] steps = new long[16];
    long[] timestamps = new long[16];
    long[] bits = new long[16];
    int size;
    int latest = -1;

    void add(Point p) {
      if (size == steps.length) {
        steps = java.util.Arrays.copyOf(steps, size * 2);
        timestamps = java.util.Arrays.copyOf(timestamps, size * 2);
        bits = java.util.Arrays.copyOf(bits, size * 2);
      }
      steps[size] = p.step;
      timestamps[size] = p.timestamp;
      bits[size] = Double.doubleToRawLongBits(p.value);
      if (latest < 0 || after(p.step, p.timestamp, p.value, latest)) {
        latest = size;
      }
      size++;
    }

    /**
     * Whether a point comes after point {@code i} as the latest value: a higher step, then a later
     * timestamp, then (MLflow's rule for ties) a larger value, NaN below every number. Points equal
     * in all three keep the first logged. The upsert of {@code latest_metrics} applies the same
     * order across batches.
     */
    private boolean after(long step, long timestamp, double value, int i) {
      return comesAfter(
          step, timestamp, value, steps[i], timestamps[i], Double.longBitsToDouble(bits[i]));
    }
  }

  /**
   * Whether point (step, timestamp, value) replaces point (otherStep, otherTimestamp, otherValue)
   * as a series' latest value: a higher step, then a later timestamp, then (MLflow's rule for ties)
   * a larger value, NaN below every number. Equal points keep the first.
   */
  static boolean comesAfter(
      long step,
      long timestamp,
      double value,
      long otherStep,
      long otherTimestamp,
      double otherValue) {
    if (step != otherStep) {
      return step > otherStep;
    }
    if (timestamp != otherTimestamp) {
      return timestamp > otherTimestamp;
    }
    return !Double.isNaN(value) && (Double.isNaN(otherValue) || value > otherValue);
  }

  private final Store store;
  private final Backpressure backpressure;
  private final int capacity;
  private final int maxBatch;
  private final ArrayBlockingQueue<Object> queue;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  /** Runs found ended in the store while points were still queued for them (bounded). */
  private final Map<String, RunStatus> endedRuns = new ConcurrentHashMap<>();

  private final Map<SeriesKey, Long> seriesIds = new HashMap<>();
  private volatile boolean stopping;
  private volatile boolean started;
  private volatile @Nullable Throwable lastFailure;
  private volatile int inFlight;

  /** No point waiting: the value of {@link #inFlightSince} between batches. */
  private static final long NONE = Long.MAX_VALUE;

  /** When the oldest point of the batch being written was queued; {@link #NONE} when none is. */
  private volatile long inFlightSince = NONE;

  /** Points per run of the batch being written (empty when none is). */
  private volatile Map<String, Integer> inFlightByRun = Map.of();

  MetricWriter(Store store, Backpressure backpressure, int capacity, int maxBatch, String name) {
    this.store = store;
    this.backpressure = backpressure;
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::loop, name);
    this.thread.setDaemon(true);
  }

  /** The writer thread starts with the first point, so a read-only tracker owns no thread. */
  private void ensureStarted() {
    if (!started) {
      synchronized (this) {
        if (!started && !stopping) {
          thread.start();
          started = true;
        }
      }
    }
  }

  /** Enqueues a point under the backpressure policy; never does I/O. */
  void add(Point point) {
    ensureStarted();
    switch (backpressure) {
      case BLOCK -> {
        if (!queue.offer(point)) {
          try {
            queue.put(point);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackingException(
                point.runId,
                "Interrupted while waiting for space in the metric queue; metric '"
                    + point.key
                    + "' at step "
                    + point.step
                    + " was not logged",
                e);
          }
        }
      }
      case DROP -> {
        if (!queue.offer(point)) {
          dropped.incrementAndGet();
        }
      }
      case FAIL -> {
        if (!queue.offer(point)) {
          throw new MetricQueueFullException(point.runId, capacity);
        }
      }
    }
  }

  long dropped() {
    return dropped.get();
  }

  long written() {
    return written.get();
  }

  /** Points dropped because their run had ended in the store before they were written. */
  long rejected() {
    return rejected.get();
  }

  /** The status of a run the writer found ended while points were queued for it, else null. */
  @Nullable RunStatus endedStatus(String runId) {
    return endedRuns.get(runId);
  }

  int pending() {
    return queue.size() + inFlight;
  }

  /**
   * How long the oldest point not yet stored has waited at {@code nowMillis} (the tracker clock's
   * time), in milliseconds: the oldest of the batch being written, else the head of the queue; 0
   * when no point waits. Reads one field and, when no batch is being written, the queue's head (a
   * scan only past flush barriers); a snapshot while the writer runs, which may read low for the
   * instant between the writer taking a batch from the queue and marking it as being written.
   */
  long lag(long nowMillis) {
    long since = inFlightSince;
    if (since == NONE) {
      since = oldestQueued();
    }
    return since == NONE ? 0 : Math.max(0, nowMillis - since);
  }

  /** When the first point in the queue was queued, or {@link #NONE}. */
  private long oldestQueued() {
    Object head = queue.peek();
    if (head == null) {
      return NONE;
    }
    if (head instanceof Point p) {
      return p.queuedAt;
    }
    for (Object o : queue) {
      if (o instanceof Point p) {
        return p.queuedAt;
      }
    }
    return NONE;
  }

  /**
   * Waits until every point enqueued before this call is committed.
   *
   * @return false if {@code timeout} passed first
   * @throws TrackingException if the writer failed and the points are still not stored
   */
  boolean flush(Duration timeout) {
    if (!started) {
      return true; // nothing was ever queued
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Barrier barrier = new Barrier();
    try {
      if (!thread.isAlive() || !queue.offer(barrier, remaining(deadline), TimeUnit.NANOSECONDS)) {
        return failIfBroken(false);
      }
      return failIfBroken(barrier.done.await(remaining(deadline), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrackingException(null, "Interrupted while flushing metrics", e);
    }
  }

  private boolean failIfBroken(boolean flushed) {
    Throwable failure = lastFailure;
    if (!flushed && failure != null) {
      throw new TrackingException(
          null,
          pending()
              + " metric points are not yet stored because writing them failed: "
              + failure.getMessage()
              + " (the writer keeps retrying until the tracker closes)",
          failure);
    }
    return flushed;
  }

  /**
   * Stores every queued point, then stops the writer thread, waiting at most {@code timeout}.
   *
   * @return the number of points that could not be stored in time (0 on a clean close)
   */
  long close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      stopping = true;
      if (!started) {
        return 0;
      }
    }
    queue.offer(new Barrier()); // wakes a writer waiting on an empty queue
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
      if (thread.isAlive()) {
        // Out of time: stop the writer. If it is blocked inside the database it ends when that
        // call returns; it is a daemon thread and holds nothing the caller needs.
        thread.interrupt();
        thread.join(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.interrupt();
    }
    long lost = 0;
    for (Object o : queue) {
      if (o instanceof Point) {
        lost++;
      }
    }
    return lost + inFlight;
  }

  /**
   * The points not stored, by run: those still queued and those of the batch being written. Meant
   * for after {@link #close}; a snapshot while the writer runs.
   */
  Map<String, Long> unwrittenByRun() {
    Map<String, Long> out = new HashMap<>();
    inFlightByRun.forEach((run, n) -> out.merge(run, (long) n, Long::sum));
    for (Object o : queue) {
      if (o instanceof Point p) {
        out.merge(p.runId, 1L, Long::sum);
      }
    }
    return out;
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private void loop() {
    List<Object> batch = new ArrayList<>(maxBatch);
    while (true) {
      Object first;
      try {
        first = queue.poll(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return; // close() gave up waiting; what is left is counted as lost
      }
      if (first == null) {
        if (stopping && queue.isEmpty()) {
          return;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      inFlightSince = oldest(batch);
      if (!writeWithRetry(batch)) {
        return;
      }
      for (Object o : batch) {
        if (o instanceof Barrier b) {
          b.done.countDown();
        }
      }
      batch.clear();
      if (stopping && queue.isEmpty()) {
        return;
      }
    }
  }

  /** When the oldest point of a batch was queued, or {@link #NONE} for flush barriers only. */
  private static long oldest(List<Object> batch) {
    long oldest = NONE;
    for (Object o : batch) {
      if (o instanceof Point p && p.queuedAt < oldest) {
        oldest = p.queuedAt;
      }
    }
    return oldest;
  }

  /** Writes the batch, retrying failures until it succeeds or the thread is interrupted. */
  private boolean writeWithRetry(List<Object> batch) {
    Map<SeriesKey, SeriesBuffer> series = group(batch);
    int points = 0;
    for (SeriesBuffer b : series.values()) {
      points += b.size;
    }
    Map<String, Integer> byRun = new HashMap<>();
    for (Map.Entry<SeriesKey, SeriesBuffer> e : series.entrySet()) {
      byRun.merge(e.getKey().runId(), e.getValue().size, Integer::sum);
    }
    inFlightByRun = byRun;
    inFlight = points;
    long backoffMillis = 10;
    while (true) {
      try {
        int stored = points;
        if (!series.isEmpty()) {
          Written result = StoreAccess.write(store, c -> write(c, series));
          seriesIds.putAll(result.created());
          stored -= reject(result.ended(), series);
        }
        written.addAndGet(stored);
        lastFailure = null;
        inFlight = 0;
        inFlightSince = NONE;
        inFlightByRun = Map.of();
        return true;
      } catch (RuntimeException e) {
        lastFailure = e;
        LOG.warn(
            "Writing {} metric points failed, retrying in {} ms: {}",
            points,
            backoffMillis,
            e.getMessage());
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException ie) {
          return false;
        }
        backoffMillis = Math.min(backoffMillis * 2, 1000);
      }
    }
  }

  private static Map<SeriesKey, SeriesBuffer> group(List<Object> batch) {
    Map<SeriesKey, SeriesBuffer> series = new LinkedHashMap<>();
    SeriesKey lastKey = null;
    SeriesBuffer last = null;
    for (Object o : batch) {
      if (o instanceof Point p) {
        if (last == null
            || lastKey == null
            || !lastKey.runId().equals(p.runId)
            || !lastKey.key().equals(p.key)) {
          lastKey = new SeriesKey(p.runId, p.key);
          last = series.computeIfAbsent(lastKey, k -> new SeriesBuffer());
        }
        last.add(p);
      }
    }
    return series;
  }

  /** What one batch's transaction did: series ids it created, runs it found ended. */
  private record Written(Map<SeriesKey, Long> created, Map<String, RunStatus> ended) {}

  /** Counts and reports the points of runs found ended; returns how many points were dropped. */
  private int reject(Map<String, RunStatus> ended, Map<SeriesKey, SeriesBuffer> series) {
    if (ended.isEmpty()) {
      return 0;
    }
    int dropped = 0;
    for (Map.Entry<SeriesKey, SeriesBuffer> e : series.entrySet()) {
      if (ended.containsKey(e.getKey().runId())) {
        dropped += e.getValue().size;
      }
    }
    rejected.addAndGet(dropped);
    if (endedRuns.size() > MAX_ENDED_RUNS) {
      endedRuns.clear(); // only a fast path for logMetric: the store check stays authoritative
    }
    for (Map.Entry<String, RunStatus> e : ended.entrySet()) {
      if (endedRuns.put(e.getKey(), e.getValue()) == null) {
        LOG.warn(
            "Dropped metric points of run {}: it has already ended with status {} in the"
                + " store (ended through another handle or process)",
            e.getKey(),
            e.getValue());
      }
    }
    return dropped;
  }

  /**
   * One transaction: the runs' statuses, then series ids, chunks and latest values of the series
   * whose run is still running.
   */
  private Written write(Connection c, Map<SeriesKey, SeriesBuffer> series) throws SQLException {
    Set<String> runIds = new LinkedHashSet<>();
    for (SeriesKey key : series.keySet()) {
      runIds.add(key.runId());
    }
    Map<String, RunStatus> ended = new HashMap<>();
    Dialect dialect = StoreAccess.dialect(store);
    TrackingDao.statuses(c, dialect, List.copyOf(runIds))
        .forEach(
            (runId, status) -> {
              if (status != RunStatus.RUNNING) {
                ended.put(runId, status);
              }
            });
    Map<SeriesKey, Long> created = new HashMap<>();
    try (PreparedStatement chunk =
            c.prepareStatement(
                "INSERT INTO metric_chunks (series_id, point_count, points) VALUES (?, ?, ?)");
        PreparedStatement latest =
            c.prepareStatement(
                "INSERT INTO latest_metrics (run_id, key, value, value_bits, step, ts)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET"
                    + " value = excluded.value, value_bits = excluded.value_bits,"
                    + " step = excluded.step, ts = excluded.ts"
                    // the order of SeriesBuffer.after; value is NULL for NaN
                    + " WHERE excluded.step > latest_metrics.step"
                    + " OR (excluded.step = latest_metrics.step"
                    + " AND (excluded.ts > latest_metrics.ts"
                    + " OR (excluded.ts = latest_metrics.ts AND excluded.value IS NOT NULL"
                    + " AND (latest_metrics.value IS NULL"
                    + " OR excluded.value > latest_metrics.value))))")) {
      for (Map.Entry<SeriesKey, SeriesBuffer> e : series.entrySet()) {
        SeriesKey key = e.getKey();
        if (ended.containsKey(key.runId())) {
          continue;
        }
        SeriesBuffer b = e.getValue();
        Long id = seriesIds.get(key);
        if (id == null) {
          id = created.get(key);
        }
        if (id == null) {
          id = seriesId(c, key);
          created.put(key, id);
        }
        for (int from = 0; from < b.size; from += MAX_CHUNK_POINTS) {
          int n = Math.min(MAX_CHUNK_POINTS, b.size - from);
          chunk.setLong(1, id);
          chunk.setInt(2, n);
          chunk.setBytes(3, encode(b, from, n));
          chunk.addBatch();
        }
        int i = b.latest;
        double value = Double.longBitsToDouble(b.bits[i]);
        latest.setString(1, key.runId());
        latest.setString(2, key.key());
        if (Double.isNaN(value)) {
          latest.setNull(3, Types.DOUBLE);
        } else {
          latest.setDouble(3, value);
        }
        latest.setLong(4, b.bits[i]);
        latest.setLong(5, b.steps[i]);
        latest.setLong(6, b.timestamps[i]);
        latest.addBatch();
      }
      chunk.executeBatch();
      latest.executeBatch();
    }
    return new Written(created, ended);
  }

  private static long seriesId(Connection c, SeriesKey key) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO metric_series (run_id, key) VALUES (?, ?) ON CONFLICT (run_id, key)"
                + " DO NOTHING")) {
      insert.setString(1, key.runId());
      insert.setString(2, key.key());
      insert.executeUpdate();
    }
    try (PreparedStatement select =
        c.prepareStatement("SELECT series_id FROM metric_series WHERE run_id = ? AND key = ?")) {
      select.setString(1, key.runId());
      select.setString(2, key.key());
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("metric series " + key + " vanished during insert");
        }
        return rs.getLong(1);
      }
    }
  }

  static byte[] encode(SeriesBuffer b, int from, int n) {
    ByteBuffer buf = ByteBuffer.allocate(n * POINT_BYTES);
    for (int i = from; i < from + n; i++) {
      buf.putLong(b.steps[i]).putLong(b.timestamps[i]).putLong(b.bits[i]);
    }
    return buf.array();
  }

  /** Decodes a stored chunk into points of metric {@code key}, appending to {@code out}. */
  static void decode(String key, byte[] blob, int count, List<MetricPoint> out) {
    ByteBuffer buf = points(key, blob, count);
    for (int i = 0; i < count; i++) {
      long step = buf.getLong();
      long ts = buf.getLong();
      double value = Double.longBitsToDouble(buf.getLong());
      out.add(new MetricPoint(key, value, step, java.time.Instant.ofEpochMilli(ts)));
    }
  }

  /**
   * The {@code count} packed {@code (step, timestamp, value bits)} triples of a stored chunk, each
   * {@value #POINT_BYTES} bytes.
   *
   * @throws TrackingException if the blob's length does not match {@code count}
   */
  static ByteBuffer points(String key, byte[] blob, int count) {
    if (count < 0 || blob.length != (long) count * POINT_BYTES) {
      throw new TrackingException(
          null,
          "Corrupt metric chunk for '"
              + Tracker.cut(key)
              + "': "
              + blob.length
              + " bytes for "
              + count
              + " points");
    }
    return ByteBuffer.wrap(blob);
  }
}
