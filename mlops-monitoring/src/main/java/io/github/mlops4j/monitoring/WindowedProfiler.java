package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Monitor}'s windowed profiler: cuts the stream into tumbling windows, copies each row
 * into the buffer (a {@link Chunk}) of one of several {@link Stripe}s chosen by thread, profiles
 * full chunks into the stripe's {@link ProfileAccumulator} (on the executor while it has room, else
 * on the calling thread), and when a window closes hands it to the {@link WindowEvaluator}, which
 * evaluates it once its last chunk is profiled. No global lock on the row path: one lock per
 * stripe, plus one shared counter for count windows. See {@link Monitor} for the guarantees.
 */
final class WindowedProfiler {
  /** Logs under the {@link Monitor}'s name: users configure one logger for the monitor. */
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  /** At most this many values (rows x columns) per chunk of buffered rows. */
  static final int MAX_CHUNK_VALUES = 1 << 16;

  private final String model;
  private final ProfileSchema schema;
  private final boolean countBased;
  private final long windowRows;
  private final long windowMillis;
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
  private final int stripeCount;
  private final int stripeMask;
  private final LongFunction<@Nullable PerformanceAccumulator> performance;
  private final WindowEvaluator evaluator;

  /** Called with the time on rows of the open time window; null without a store. */
  private final @Nullable LongConsumer onTime;

  private final Object rollLock = new Object();
  private volatile Window current;
  private volatile boolean closed;
  private long nextIndex; // guarded by rollLock

  private final LongAdder rowsObserved = new LongAdder();
  private final AtomicLong profilingFailures = new AtomicLong();

  /**
   * @param executor where chunks are profiled and windows evaluated; null for the calling thread
   * @param performance a window's performance accumulator by window index; null without a task
   * @param onTime called with the clock's time by every row of an open time window (it must return
   *     at once unless it has work due); null for none
   */
  WindowedProfiler(
      String model,
      ProfileSchema schema,
      WindowSpec window,
      Clock clock,
      @Nullable Executor executor,
      int batchRows,
      int stripes,
      LongFunction<@Nullable PerformanceAccumulator> performance,
      WindowEvaluator evaluator,
      @Nullable LongConsumer onTime) {
    this.onTime = onTime;
    this.model = model;
    this.schema = schema;
    this.countBased = window.isCountBased();
    this.windowRows = countBased ? window.rowsPerWindow() : Long.MAX_VALUE;
    this.windowMillis = countBased ? 0 : window.duration().toMillis();
    this.clock = clock;
    this.executor = executor == null ? Runnable::run : executor;
    this.direct = executor == null;
    this.numericColumns = schema.numericColumns().size();
    this.categoricalColumns = schema.categoricalColumns().size();
    int columns = Math.max(1, numericColumns + categoricalColumns);
    this.chunkRows = Math.max(1, Math.min(batchRows, MAX_CHUNK_VALUES / columns));
    this.inFlight = new Semaphore(2 * stripes);
    this.maxPooledChunks = 3 * stripes + 2;
    this.stripeCount = stripes;
    this.stripeMask = stripes - 1;
    this.performance = performance;
    this.evaluator = evaluator;
    synchronized (rollLock) {
      this.current = openWindow(clock.millis(), Long.MIN_VALUE);
    }
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

    /**
     * Chunks taken out of the buffer for profiling and not yet in the accumulator; guarded by lock.
     * A chunk leaves this list under profileLock, in the same step that adds it to the accumulator,
     * so a {@link Window#snapshot} sees each row exactly once.
     */
    final List<Chunk> handedOff = new ArrayList<>(4);

    /** Guards accumulator; held while chunks are profiled. */
    final ReentrantLock profileLock = new ReentrantLock();

    @Nullable ProfileAccumulator accumulator;
  }

  /** One tumbling window: its stripes, its labels' performance and its profiling progress. */
  static final class Window {
    final long index;
    final long startMillis;
    final long endMillis; // exclusive; Long.MAX_VALUE for count windows
    final AtomicLong claimed = new AtomicLong();
    private final Stripe[] stripes;
    final ReentrantLock perfLock = new ReentrantLock();
    final @Nullable PerformanceAccumulator performance;

    /** Chunks handed to profiling and not done yet, plus 1 while the window is open. */
    final AtomicInteger unprofiled = new AtomicInteger(1);

    final CountDownLatch profiled = new CountDownLatch(1);
    long closedMillis; // written under rollLock before the window is queued

    Window(
        long index,
        long startMillis,
        long endMillis,
        int stripes,
        @Nullable PerformanceAccumulator performance) {
      this.index = index;
      this.startMillis = startMillis;
      this.endMillis = endMillis;
      this.stripes = new Stripe[stripes];
      for (int i = 0; i < stripes; i++) {
        this.stripes[i] = new Stripe();
      }
      this.performance = performance;
    }

    boolean isProfiled() {
      return profiled.getCount() == 0;
    }

    /** Takes the stripes' profiles (not merged); call once the window is profiled. */
    List<Profile> takeProfiles() {
      List<Profile> parts = new ArrayList<>();
      for (Stripe s : stripes) {
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
      return parts;
    }

    /**
     * The profile of the rows of this window so far, without closing it: the stripes' profiles, the
     * chunks handed to profiling but not profiled yet, and the buffered rows. Each row is counted
     * exactly once, so a later snapshot never holds fewer rows than an earlier one.
     */
    Profile snapshot(ProfileSchema schema) {
      ProfileAccumulator out = ProfileAccumulator.create(schema);
      for (Stripe s : stripes) {
        // profileLock, then lock: no thread takes them in the other order
        s.profileLock.lock();
        try {
          if (s.accumulator != null) {
            out.merge(s.accumulator.snapshot());
          }
          s.lock.lock();
          try {
            for (Chunk h : s.handedOff) {
              out.updateRows(h.numeric, h.categorical, h.rows);
            }
            Chunk c = s.buffer;
            if (c != null && c.rows > 0) {
              out.updateRows(c.numeric, c.categorical, c.rows);
            }
          } finally {
            s.lock.unlock();
          }
        } finally {
          s.profileLock.unlock();
        }
      }
      return out.take();
    }

    /** Closes the window's performance to further labels and returns it; null without a task. */
    @Nullable Performance closePerformance() {
      if (performance == null) {
        return null;
      }
      perfLock.lock();
      try {
        performance.closed = true;
        return performance.result();
      } finally {
        perfLock.unlock();
      }
    }
  }

  /** Opens the window containing {@code now}; {@code notBefore} is the previous window's end. */
  private Window openWindow(long now, long notBefore) {
    long index = nextIndex++;
    if (countBased) {
      return window(index, now, Long.MAX_VALUE);
    }
    if (notBefore != Long.MIN_VALUE && now < notBefore) {
      return window(index, now, notBefore); // the rest of a flushed window's period
    }
    long start = Math.floorDiv(now, windowMillis) * windowMillis;
    return window(index, start, start + windowMillis);
  }

  private Window window(long index, long start, long end) {
    return new Window(index, start, end, stripeCount, performance.apply(index));
  }

  /** The open window. */
  Window current() {
    return current;
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
        // under profileLock, with the accumulator update: a snapshot sees the rows once
        s.lock.lock();
        try {
          s.handedOff.remove(chunk);
        } finally {
          s.lock.unlock();
        }
        s.profileLock.unlock();
      }
    } catch (RuntimeException e) {
      profilingFailures.incrementAndGet();
      LOG.error(
          "Monitor '{}': profiling {} rows of window {} failed", model, chunk.rows, w.index, e);
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
      schedule(evaluator::evaluateReady);
    }
  }

  /** Runs a task on the executor, or on the calling thread without one (or when it refuses). */
  void schedule(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        LOG.warn(
            "Monitor '{}': the executor rejected a window evaluation; running it on the"
                + " calling thread",
            model,
            e);
      }
      task.run();
    }
  }

  // ---- rows ---------------------------------------------------------------------------------

  /** Copies one checked row into the open window. */
  void add(double[] numeric, @Nullable String[] categorical) {
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
        if (onTime != null) {
          onTime.accept(now);
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
          System.arraycopy(
              categorical, 0, c.categorical, c.rows * categoricalColumns, categoricalColumns);
        }
        if (++c.rows == chunkRows) {
          s.buffer = null;
          s.handedOff.add(c);
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
  @SuppressWarnings("ThreadPriorityCheck") // yield() only backs off a spin of a few microseconds
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

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Monitor '" + model + "' is closed");
    }
  }

  /** Refuses further rows and labels. */
  void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Closes window {@code w} if it is still current: opens the next window, hands the rows still
   * buffered in w's stripes to profiling; the last chunk profiled schedules the evaluation.
   */
  boolean roll(Window w, long now) {
    synchronized (rollLock) {
      if (current != w) {
        return false;
      }
      current = openWindow(now, w.endMillis);
      w.closedMillis = countBased ? now : Math.min(now, w.endMillis);
      evaluator.enqueue(w);
    }
    for (Stripe s : w.stripes) {
      Chunk partial;
      s.lock.lock();
      try {
        s.closed = true; // writers still holding w retry with the new window
        partial = s.buffer;
        s.buffer = null;
        if (partial != null) {
          s.handedOff.add(partial);
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

  /** Closes the current time window if its end has passed; see {@link Monitor#tick()}. */
  boolean tick() {
    ensureOpen();
    if (countBased) {
      return false;
    }
    Window w = current;
    long now = clock.millis();
    return now >= w.endMillis && roll(w, now);
  }

  long rowsObserved() {
    return rowsObserved.sum();
  }

  long profilingFailures() {
    return profilingFailures.get();
  }
}
