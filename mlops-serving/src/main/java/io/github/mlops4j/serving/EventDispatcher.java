package io.github.mlops4j.serving;

import io.github.mlops4j.internal.FailureLog;
import io.github.mlops4j.serving.metrics.ServingMeters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the listener on one daemon thread through a bounded queue; events that do not
 * fit are dropped and counted, so the caller never waits for the listener.
 *
 * <p>Events are numbered as they are queued (under the queue's lock, so numbers follow queue
 * order); the event thread publishes how many it has delivered, so {@link #await} waits on a
 * condition for the number queued when it was called, with no polling. A listener that throws is
 * counted; its first failure is logged with the stack trace, later ones at most once per {@link
 * FailureLog#DEFAULT_INTERVAL} of the service's clock.
 */
final class EventDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  private final String model;
  private final @Nullable PredictionListener listener;
  private final int capacity;
  private final ServingMeters.Service meters;
  private final FailureLog failures;
  private final LongAdder dropped = new LongAdder();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // guarded by lock
  private long enqueued; // guarded by lock
  private boolean stopping; // guarded by lock

  /** Events taken from the queue and handed to the listener; written by the event thread. */
  private volatile long delivered;

  /** Threads in {@link #await}; changed under the lock, read by the event thread. */
  private volatile int waiters;

  /** The event thread has ended (closed, or killed by an Error). */
  private volatile boolean finished;

  private final @Nullable Thread thread;

  EventDispatcher(
      String model,
      @Nullable PredictionListener listener,
      int capacity,
      ServingMeters.Service meters,
      Clock clock) {
    this(
        model,
        listener,
        capacity,
        meters,
        new FailureLog(clock, FailureLog.DEFAULT_INTERVAL, FailureLog.Sink.warn(LOG)));
  }

  EventDispatcher(
      String model,
      @Nullable PredictionListener listener,
      int capacity,
      ServingMeters.Service meters,
      FailureLog failures) {
    this.model = model;
    this.listener = listener;
    this.capacity = capacity;
    this.meters = meters;
    this.failures = failures;
    if (listener == null) {
      thread = null;
      finished = true;
    } else {
      thread = new Thread(this::run, "mlops-serving-events-" + model);
      thread.setDaemon(true);
      thread.start();
    }
  }

  boolean active() {
    return listener != null;
  }

  /** Queues an event (a {@link PredictionEvent}, a {@link ServingEvent} or a supplier of one). */
  void offer(Object event) {
    if (listener == null) {
      return;
    }
    boolean full;
    lock.lock();
    try {
      if (stopping) {
        return; // closed: nothing is delivered any more
      }
      full = queue.size() >= capacity;
      if (!full) {
        queue.addLast(event);
        enqueued++;
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
    if (full) {
      dropped.increment();
      meters.eventDropped();
    }
  }

  long dropped() {
    return dropped.sum();
  }

  /** Listener calls that threw. */
  long listenerFailures() {
    return failures.failures();
  }

  FailureLog failureLog() {
    return failures;
  }

  /**
   * Waits until every event queued before this call was handed to the listener (events dropped
   * because the queue was full were never queued).
   *
   * @throws ServingException if {@code timeout} passed first, or the thread was interrupted (its
   *     interrupt flag is set again)
   * @throws ModelUnavailableException if the service closed before they were delivered
   * @throws IllegalStateException if called on the event thread (from the listener itself)
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // written under lock; volatile for lock-free reads
  void await(Duration timeout) {
    if (listener == null) {
      return;
    }
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException(
          "awaitEvents was called on the event thread of '"
              + model
              + "' (from the listener itself): it would wait for itself");
    }
    long nanos = ServiceCore.toNanos(timeout);
    lock.lock();
    try {
      long target = enqueued;
      if (delivered >= target) {
        return;
      }
      waiters++;
      try {
        while (delivered < target) {
          if (finished) {
            throw new ModelUnavailableException(
                "The event thread of '"
                    + model
                    + "' stopped"
                    + " (the service closed) with "
                    + (target - delivered)
                    + " event(s) undelivered");
          }
          if (nanos <= 0) {
            throw new ServingException(
                (target - delivered)
                    + " event(s) queued for the"
                    + " listener of '"
                    + model
                    + "' before awaitEvents were not delivered within "
                    + timeout
                    + ": the listener is slow or blocked ("
                    + queue.size()
                    + " queued now, "
                    + failures.failures()
                    + " listener failures so far)");
          }
          nanos = progress.awaitNanos(nanos);
        }
      } finally {
        waiters--;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServingException(
          "Interrupted while waiting for the events of '" + model + "' to be delivered", e);
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    PredictionListener l = Objects.requireNonNull(listener);
    long done = 0;
    try {
      while (true) {
        Object e;
        lock.lock();
        try {
          while (queue.isEmpty()) {
            if (stopping) {
              return;
            }
            notEmpty.await();
          }
          e = queue.pollFirst();
        } catch (InterruptedException ie) {
          return;
        } finally {
          lock.unlock();
        }
        deliver(l, e);
        delivered = ++done;
        if (waiters > 0) {
          signalProgress();
        }
      }
    } finally {
      finished = true;
      signalProgress();
    }
  }

  private void signalProgress() {
    lock.lock();
    try {
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void deliver(PredictionListener l, Object e) {
    try {
      if (e instanceof Supplier<?> s) {
        e = s.get();
      }
      if (e instanceof PredictionEvent p) {
        l.onPrediction(p);
      } else if (e instanceof ServingEvent s) {
        l.onEvent(s);
      }
    } catch (RuntimeException | LinkageError ex) {
      meters.listenerFailed();
      failures.failed("Prediction listener of '" + model + "' failed on " + describe(e), ex);
    }
  }

  private static String describe(Object e) {
    if (e instanceof PredictionEvent p) {
      return "prediction " + p.id() + " (version " + p.version() + ", route " + p.route() + ")";
    }
    if (e instanceof ServingEvent s) {
      return s.getClass().getSimpleName();
    }
    return "a prediction event";
  }

  /** Delivers what is queued, then stops; waits at most about {@code millis}. */
  void close(long millis) {
    lock.lock();
    try {
      stopping = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread == null) {
      return;
    }
    try {
      thread.join(Math.max(1, millis));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(Math.max(1, millis / 4));
      }
    } catch (InterruptedException ie) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
  }
}
