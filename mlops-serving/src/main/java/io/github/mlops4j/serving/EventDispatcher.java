package io.github.mlops4j.serving;

import io.github.mlops4j.serving.internal.ServingMeters;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the listener on one daemon thread through a bounded queue; events that do
 * not fit are dropped and counted, so the caller never waits for the listener.
 */
final class EventDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
  private static final Object STOP = new Object();

  private final @Nullable PredictionListener listener;
  private final BlockingQueue<Object> queue;
  private final ServingMeters meters;
  private final LongAdder dropped = new LongAdder();
  private final @Nullable Thread thread;

  EventDispatcher(String model, @Nullable PredictionListener listener, int capacity,
      ServingMeters meters) {
    this.listener = listener;
    this.meters = meters;
    this.queue = new ArrayBlockingQueue<>(listener == null ? 1 : capacity);
    if (listener == null) {
      thread = null;
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
    if (listener != null && !queue.offer(event)) {
      dropped.increment();
      meters.eventDropped();
    }
  }

  long dropped() {
    return dropped.sum();
  }

  private void run() {
    PredictionListener l = listener;
    while (true) {
      Object e;
      try {
        e = queue.take();
      } catch (InterruptedException ie) {
        return;
      }
      if (e == STOP) {
        return;
      }
      try {
        if (e instanceof Supplier<?> s) {
          e = s.get();
        }
        if (e instanceof PredictionEvent p) {
          l.onPrediction(p);
        } else if (e instanceof ServingEvent s) {
          l.onEvent(s);
        }
      } catch (RuntimeException ex) {
        LOG.warn("Prediction listener failed on {}", e, ex);
      }
    }
  }

  /** Delivers what is queued, then stops; waits at most {@code millis}. */
  void close(long millis) {
    if (thread == null) {
      return;
    }
    boolean queued = false;
    try {
      queued = queue.offer(STOP, millis / 2, TimeUnit.MILLISECONDS);
      if (!queued) {
        thread.interrupt();
      }
      thread.join(Math.max(1, millis / 2));
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
