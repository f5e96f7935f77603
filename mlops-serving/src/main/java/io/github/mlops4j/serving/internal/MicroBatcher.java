package io.github.mlops4j.serving.internal;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.serving.DeadlineExceededException;
import io.github.mlops4j.serving.OverloadedException;
import io.github.mlops4j.serving.ServingException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups single requests into batches for a model that predicts more efficiently on many inputs at
 * once (or serializes its callers), and hands every caller exactly its own result.
 *
 * <p>One worker thread drains a bounded queue. A batch is whatever is queued, up to {@code
 * maxBatchSize}; with a positive {@code maxDelay} the worker waits up to that long after the first
 * queued element for more to arrive, with {@code maxDelay} zero it takes what is queued and does
 * not wait. Before a batch runs, entries whose deadline has passed are failed with {@link
 * DeadlineExceededException} and entries whose future was cancelled are dropped; neither is given
 * to the batch function.
 *
 * <p>The batch function must return one output per input, in input order. If it returns another
 * number of outputs, every caller of that batch fails with a {@link ServingException} saying so; if
 * it throws, every caller of that batch (and only of that batch) fails with what it threw.
 *
 * <p>{@link #submit} never blocks: a full queue fails the returned future at once with {@link
 * OverloadedException}. Thread-safe.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class MicroBatcher<I, O> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

  /** How long {@link #close()} waits for the batch that is running to finish. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final String name;
  private final Function<List<I>, List<O>> batchFunction;
  private final int maxBatchSize;
  private final long maxDelayNanos;
  private final int queueCapacity;
  private final Thread worker;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Entry<I, O>> queue;
  private boolean closed; // guarded by lock

  /**
   * Creates a batcher and starts its worker thread.
   *
   * @param name a name for messages and the worker thread, e.g. the model and version
   * @param batchFunction predicts a batch; must return one output per input, in order
   * @param maxBatchSize the largest batch given to {@code batchFunction}, at least 1
   * @param maxDelay how long to wait for more requests after the first one; zero does not wait
   * @param queueCapacity how many requests may wait; more are rejected with {@link
   *     OverloadedException}; at least 1
   * @param threads creates the one worker thread
   * @throws IllegalArgumentException if a size is below 1 or the delay is negative
   */
  public MicroBatcher(
      String name,
      Function<List<I>, List<O>> batchFunction,
      int maxBatchSize,
      Duration maxDelay,
      int queueCapacity,
      ThreadFactory threads) {
    this.name = Objects.requireNonNull(name, "name");
    this.batchFunction = Objects.requireNonNull(batchFunction, "batchFunction");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(threads, "threads");
    Checks.atLeast(maxBatchSize, 1, "maxBatchSize");
    Checks.notNegative(maxDelay, "maxDelay");
    Checks.atLeast(queueCapacity, 1, "queueCapacity");
    this.maxBatchSize = maxBatchSize;
    this.maxDelayNanos = saturatedNanos(maxDelay);
    this.queueCapacity = queueCapacity;
    this.queue = new ArrayDeque<>(Math.min(queueCapacity, 1024));
    this.worker = threads.newThread(this::work);
    if (worker == null) {
      throw new IllegalArgumentException("The thread factory returned no thread for " + name);
    }
    worker.start();
  }

  /**
   * Queues one input. Never blocks.
   *
   * @param input the input
   * @param deadlineNanos the {@link System#nanoTime()} after which the input must not be run, or
   *     {@link Long#MAX_VALUE} for none
   * @return its output; failed with {@link OverloadedException} if the queue is full, with {@link
   *     DeadlineExceededException} if the deadline passes before its batch runs, with {@link
   *     ServingException} if the batcher is closed or the batch function misbehaves, or with what
   *     the batch function threw. Cancelling it before its batch runs keeps it out of the batch.
   */
  public CompletableFuture<O> submit(I input, long deadlineNanos) {
    Objects.requireNonNull(input, "input");
    CompletableFuture<O> future = new CompletableFuture<>();
    long now = System.nanoTime();
    if (deadlineNanos != Long.MAX_VALUE && deadlineNanos - now <= 0) {
      future.completeExceptionally(deadlineExceeded());
      return future;
    }
    Entry<I, O> entry = new Entry<>(input, deadlineNanos, now, future);
    lock.lock();
    try {
      if (closed) {
        future.completeExceptionally(closedException());
        return future;
      }
      if (queue.size() >= queueCapacity) {
        future.completeExceptionally(
            new OverloadedException(
                "Micro-batch queue of '"
                    + name
                    + "' is full ("
                    + queueCapacity
                    + " waiting); retry later or raise its capacity"));
        return future;
      }
      queue.addLast(entry);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    return future;
  }

  /** How many inputs are waiting for a batch right now (for gauges). */
  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** The name given at construction. */
  public String name() {
    return name;
  }

  /**
   * Stops accepting inputs, fails every queued input with a {@link ServingException} saying the
   * batcher is closed, lets the batch that is running finish (waiting up to 5 seconds for it, then
   * interrupting the worker) and returns. Idempotent.
   */
  @Override
  public void close() {
    List<Entry<I, O>> leftover;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      leftover = new ArrayList<>(queue);
      queue.clear();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    ServingException closedError = closedException();
    for (Entry<I, O> e : leftover) {
      e.future.completeExceptionally(closedError);
    }
    if (Thread.currentThread() == worker) {
      return; // closed from inside the batch function: the worker exits after this batch
    }
    try {
      worker.join(CLOSE_WAIT.toMillis());
      if (worker.isAlive()) {
        LOG.warn(
            "Micro-batch worker of '{}' still running after {}; interrupting it", name, CLOSE_WAIT);
        worker.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.interrupt();
    }
  }

  private void work() {
    List<Entry<I, O>> batch = new ArrayList<>(maxBatchSize);
    while (true) {
      batch.clear();
      try {
        if (!takeBatch(batch)) {
          return;
        }
      } catch (InterruptedException e) {
        // Only close() interrupts the worker, once the queue has been failed.
        return;
      }
      run(batch);
    }
  }

  /** Fills {@code batch}; false once closed. */
  private boolean takeBatch(List<Entry<I, O>> batch) throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !closed) {
        notEmpty.await();
      }
      if (closed) {
        return false;
      }
      Entry<I, O> first = queue.pollFirst();
      batch.add(first);
      drain(batch);
      if (maxDelayNanos > 0) {
        long waitUntil = first.enqueuedNanos + maxDelayNanos;
        while (batch.size() < maxBatchSize && !closed) {
          long remaining = waitUntil - System.nanoTime();
          if (remaining <= 0) {
            break;
          }
          notEmpty.awaitNanos(remaining);
          drain(batch);
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void drain(List<Entry<I, O>> batch) {
    while (batch.size() < maxBatchSize && !queue.isEmpty()) {
      batch.add(queue.pollFirst());
    }
  }

  private void run(List<Entry<I, O>> batch) {
    long now = System.nanoTime();
    List<Entry<I, O>> live = new ArrayList<>(batch.size());
    for (Entry<I, O> e : batch) {
      if (e.future.isDone()) {
        continue; // cancelled by its caller
      }
      if (e.deadlineNanos != Long.MAX_VALUE && e.deadlineNanos - now <= 0) {
        e.future.completeExceptionally(deadlineExceeded());
        continue;
      }
      live.add(e);
    }
    if (live.isEmpty()) {
      return;
    }
    List<I> inputs = new ArrayList<>(live.size());
    for (Entry<I, O> e : live) {
      inputs.add(e.input);
    }
    List<O> outputs;
    try {
      outputs = batchFunction.apply(inputs);
    } catch (Throwable t) {
      // Only this batch's callers fail; the worker goes on with the next batch.
      for (Entry<I, O> e : live) {
        e.future.completeExceptionally(t);
      }
      return;
    }
    if (outputs == null || outputs.size() != live.size()) {
      ServingException error =
          new ServingException(
              "Batch function of '"
                  + name
                  + "' returned "
                  + (outputs == null ? "null" : outputs.size() + " outputs")
                  + " for "
                  + live.size()
                  + " inputs; it must return exactly one output per input, in input order");
      for (Entry<I, O> e : live) {
        e.future.completeExceptionally(error);
      }
      return;
    }
    for (int i = 0; i < live.size(); i++) {
      live.get(i).future.complete(outputs.get(i));
    }
  }

  private DeadlineExceededException deadlineExceeded() {
    return new DeadlineExceededException(
        "Deadline passed while waiting in the micro-batch queue"
            + " of '"
            + name
            + "'; the input was not run. Allow a longer timeout or reduce load");
  }

  private ServingException closedException() {
    return new ServingException("Micro-batcher '" + name + "' is closed");
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  @Override
  public String toString() {
    return "MicroBatcher["
        + name
        + ", maxBatchSize="
        + maxBatchSize
        + ", maxDelay="
        + Duration.ofNanos(maxDelayNanos)
        + ", queueCapacity="
        + queueCapacity
        + "]";
  }

  private static final class Entry<I, O> {
    final I input;
    final long deadlineNanos;
    final long enqueuedNanos;
    final CompletableFuture<O> future;

    Entry(I input, long deadlineNanos, long enqueuedNanos, CompletableFuture<O> future) {
      this.input = input;
      this.deadlineNanos = deadlineNanos;
      this.enqueuedNanos = enqueuedNanos;
      this.future = future;
    }
  }
}
