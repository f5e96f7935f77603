package io.github.mlops4j.governance;

import io.github.mlops4j.governance.internal.AuditText;
import io.github.mlops4j.internal.Checks;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records who read what: given to {@code Tracker.Builder.readAudit} and {@code
 * FeatureStore.Builder.readAudit}, it receives one entry per read of runs, experiments, artifacts,
 * feature views and features ({@link DataAction#isRead()}), and hands them to a {@link
 * ReadAuditSink} on its own thread. Off unless given: a service without one pays one null check per
 * call.
 *
 * <p><b>Never on the reader's latency path.</b> {@link #record} takes the time from the {@link
 * Builder#clock clock}, decides whether to sample, and puts the entry in a bounded queue; it never
 * waits for the sink or for room. When the queue is full the entry is dropped and counted ({@link
 * #droppedEntries()}); a host that must not lose entries watches that counter (and sizes {@link
 * Builder#queueCapacity}). One daemon thread, started by {@link Builder#build()} and stopped by
 * {@link #close(Duration)}, takes batches of entries from the queue and writes them.
 *
 * <p><b>Sampling.</b> With {@link Builder#sampleRate} below 1 each read is kept with that
 * probability, decided independently per read by a hash of the {@link Builder#seed seed} and the
 * read's sequence number (so a test with a fixed seed and one thread sees the same reads kept every
 * time). Refused reads ({@link ReadAuditEntry.Outcome#DENIED}) are always kept.
 *
 * <p>Entries name ids and counts only (see {@link ReadAuditEntry}); actors and subjects are escaped
 * and cut, so an actor name with line breaks or of megabytes neither forges a log line nor fills
 * the table. The read audit is shared safely by several services and threads; the host owns it and
 * closes it after the services that use it.
 *
 * @since 0.1.0
 */
public final class ReadAudit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadAudit.class);

  /** Default {@link Builder#queueCapacity}. */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  /** Largest {@link Builder#queueCapacity}. */
  public static final int MAX_QUEUE_CAPACITY = 1 << 24;

  private final ReadAuditSink sink;
  private final Clock clock;
  private final double sampleRate;
  private final long sampleThreshold;
  private final long seed;
  private final int capacity;
  private final int maxBatch;
  private final Duration closeTimeout;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sampledOut = new AtomicLong();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final ArrayDeque<ReadAuditEntry> queue;

  // guarded by lock
  private long accepted;
  private long processed;
  private long written;
  private long failed;
  private boolean closing;

  private final Thread worker;

  private ReadAudit(Builder b, ReadAuditSink sink) {
    this.sink = sink;
    this.clock = b.clock;
    this.sampleRate = b.sampleRate;
    // keep a read when the top 53 bits of its hash, as a fraction, are below the rate
    this.sampleThreshold = (long) Math.ceil(b.sampleRate * (1L << 53));
    this.seed = b.seed != null ? b.seed : new SecureRandom().nextLong();
    this.capacity = b.queueCapacity;
    this.maxBatch = b.maxBatch;
    this.closeTimeout = b.closeTimeout;
    this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    this.worker = new Thread(this::drain, "mlops4j-read-audit");
    worker.setDaemon(true);
    worker.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Records that {@code operation} (a read: {@link DataAction#isRead()}) ended with {@code
   * outcome}, unless sampling leaves it out. Never waits: a full queue drops the entry (counted in
   * {@link #droppedEntries()}), and so does a closed read audit. The services call this; a host may
   * call it for reads of its own.
   *
   * @throws IllegalArgumentException if the action is not a read
   */
  public void record(DataOperation operation, ReadAuditEntry.Outcome outcome) {
    if (!operation.action().isRead()) {
      throw new IllegalArgumentException(
          "Only reads are audited; " + operation.action() + " is a write");
    }
    Objects.requireNonNull(outcome, "outcome");
    if (outcome != ReadAuditEntry.Outcome.DENIED && !sampled()) {
      sampledOut.incrementAndGet();
      return;
    }
    ReadAuditEntry entry =
        new ReadAuditEntry(
            clock.instant(),
            AuditText.clean(operation.actor(), AuditText.MAX_ACTOR),
            operation.action(),
            AuditText.subjects(operation.subjects()),
            operation.entityCount(),
            outcome);
    lock.lock();
    try {
      if (closing || queue.size() >= capacity) {
        dropped.incrementAndGet();
        return;
      }
      queue.addLast(entry);
      accepted++;
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the next read is kept: a SplitMix64 hash of the seed and the read's number. */
  private boolean sampled() {
    if (sampleRate >= 1.0) {
      return true;
    }
    long z = seed + sequence.getAndIncrement() * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) < sampleThreshold;
  }

  private void drain() {
    List<ReadAuditEntry> batch = new ArrayList<>();
    while (true) {
      lock.lock();
      try {
        while (queue.isEmpty() && !closing) {
          notEmpty.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return; // closing, and everything is written
        }
        while (!queue.isEmpty() && batch.size() < maxBatch) {
          batch.add(queue.pollFirst());
        }
      } finally {
        lock.unlock();
      }
      boolean ok = false;
      try {
        sink.write(List.copyOf(batch));
        ok = true;
      } catch (RuntimeException e) {
        LOG.warn(
            "Read-audit sink {} failed; {} entries are lost: {}",
            sink,
            batch.size(),
            AuditText.clean(String.valueOf(e), AuditText.MAX_REASON));
      } finally {
        lock.lock();
        try {
          processed += batch.size();
          if (ok) {
            written += batch.size();
          } else {
            failed += batch.size();
          }
          progress.signalAll();
        } finally {
          lock.unlock();
        }
        batch.clear();
      }
    }
  }

  /**
   * Waits until every entry recorded before this call has been handed to the sink (written or
   * failed), at most {@code timeout}.
   *
   * @return false if {@code timeout} passed first
   */
  public boolean flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      long target = accepted;
      while (processed < target) {
        if (nanos <= 0 || !worker.isAlive()) {
          return false;
        }
        try {
          nanos = progress.awaitNanos(nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Entries dropped because the queue was full or the read audit closed. */
  public long droppedEntries() {
    return dropped.get();
  }

  /** Reads left out by sampling. */
  public long sampledOutEntries() {
    return sampledOut.get();
  }

  /** Entries the sink has taken. */
  public long writtenEntries() {
    lock.lock();
    try {
      return written;
    } finally {
      lock.unlock();
    }
  }

  /** Entries lost because the sink threw. */
  public long failedEntries() {
    lock.lock();
    try {
      return failed;
    } finally {
      lock.unlock();
    }
  }

  /** Entries queued and not yet handed to the sink. */
  public int pendingEntries() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** {@link #close(Duration)} with the builder's close timeout (default 5 s). */
  @Override
  public void close() {
    close(closeTimeout);
  }

  /**
   * Stops taking entries, writes those queued and stops the thread, waiting at most {@code
   * timeout}. Entries still queued then are dropped (counted, and logged as a warning); the thread
   * ends after the batch it is writing. Later reads are counted as dropped.
   */
  public void close(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    lock.lock();
    try {
      closing = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout.toNanos())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left;
    lock.lock();
    try {
      left = queue.size();
      queue.clear();
      processed += left;
    } finally {
      lock.unlock();
    }
    if (left > 0) {
      dropped.addAndGet(left);
      LOG.warn("Read audit closed with {} entries not written within {}", left, timeout);
    }
  }

  @Override
  public String toString() {
    return "ReadAudit{sink=" + sink + ", sampleRate=" + sampleRate + "}";
  }

  /**
   * Configures a {@link ReadAudit}: a {@link #sink} is required.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable ReadAuditSink sink;
    private Clock clock = Clock.systemUTC();
    private double sampleRate = 1.0;
    private @Nullable Long seed;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int maxBatch = 1_000;
    private Duration closeTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /** Where entries go; required. */
    public Builder sink(ReadAuditSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** The clock entries are timed by (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The share of reads kept, above 0 and at most 1 (default 1: every read). Refused reads are
     * always kept.
     */
    public Builder sampleRate(double rate) {
      this.sampleRate = Checks.aboveAndAtMost(rate, 0.0, 1.0, "sampleRate");
      return this;
    }

    /** Fixes the sampling decisions (default: a random seed); for tests and reproducible audits. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Entries the queue holds before new ones are dropped, 1 to 2^24 (default 10,000). */
    public Builder queueCapacity(int capacity) {
      this.queueCapacity = Checks.inRange(capacity, 1, MAX_QUEUE_CAPACITY, "queueCapacity");
      return this;
    }

    /** Most entries handed to the sink in one call, 1 to 100,000 (default 1,000). */
    public Builder maxBatch(int maxBatch) {
      this.maxBatch = Checks.inRange(maxBatch, 1, 100_000, "maxBatch");
      return this;
    }

    /** How long {@link ReadAudit#close()} waits for the queue to be written (default 5 s). */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Checks.notNegative(timeout, "closeTimeout");
      return this;
    }

    /**
     * Starts the read audit's thread.
     *
     * @throws IllegalStateException if no sink was given
     */
    public ReadAudit build() {
      ReadAuditSink s = sink;
      if (s == null) {
        throw Checks.missing("ReadAudit.Builder", "sink", "sink(ReadAuditSink)");
      }
      return new ReadAudit(this, s);
    }
  }
}
