package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.WindowedProfiler.Window;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Monitor}'s window evaluator: takes closed windows in window order once each is fully
 * profiled, merges the stripes' profiles, compares the result with the fixed or rolling reference,
 * keeps the recent summaries and hands each report to the {@link DriftListeners}. Evaluations run
 * one at a time (one lock), on whichever thread calls {@link #evaluateReady()}.
 */
final class WindowEvaluator {
  /** Logs under the {@link Monitor}'s name: users configure one logger for the monitor. */
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  private final String model;
  private final ProfileSchema schema;
  private final @Nullable Profile fixedReference;
  private final ProfileDrift drift;
  private final int historySize;
  private final Duration closeTimeout;
  private final DriftListeners listeners;

  private final ReentrantLock evalLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Window> closedWindows = new ConcurrentLinkedQueue<>();
  private volatile @Nullable WindowSummary lastWindow;
  private final ArrayDeque<WindowSummary> history = new ArrayDeque<>();
  private @Nullable Profile previousProfile; // guarded by evalLock

  private final AtomicLong windowsClosed = new AtomicLong();
  private final AtomicLong emptyWindows = new AtomicLong();
  private final AtomicLong evaluationFailures = new AtomicLong();

  /**
   * @param fixedReference the reference of every window; null for a rolling reference
   */
  WindowEvaluator(
      String model,
      ProfileSchema schema,
      @Nullable Profile fixedReference,
      ProfileDrift drift,
      int historySize,
      Duration closeTimeout,
      DriftListeners listeners) {
    this.model = model;
    this.schema = schema;
    this.fixedReference = fixedReference;
    this.drift = drift;
    this.historySize = historySize;
    this.closeTimeout = closeTimeout;
    this.listeners = listeners;
  }

  /** Queues a window that just closed; called in window order. */
  void enqueue(Window w) {
    closedWindows.add(w);
  }

  /** Waits, at most {@code closeTimeout} in all, until every closed window is profiled. */
  void awaitProfiled() {
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    for (Window w : closedWindows) {
      try {
        if (!w.profiled.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          LOG.warn(
              "Monitor '{}': rows of window {} are still being profiled after {}; it will"
                  + " be evaluated when they are done",
              model,
              w.index,
              closeTimeout);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Evaluates closed windows in window order, as long as the oldest one is fully profiled. */
  void evaluateReady() {
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
    List<Profile> parts = w.takeProfiles();
    Performance perf = w.closePerformance();
    Profile profile =
        parts.isEmpty()
            ? Profile.empty(schema)
            : parts.size() == 1 ? parts.get(0) : Profile.merge(parts);
    if (profile.rows() == 0 && (perf == null || perf.labelled() == 0)) {
      emptyWindows.incrementAndGet();
      return;
    }
    WindowInfo info =
        new WindowInfo(
            w.index,
            Instant.ofEpochMilli(w.startMillis),
            Instant.ofEpochMilli(w.closedMillis),
            profile.rows());
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
      listeners.dispatch(info, report);
    }
  }

  @Nullable WindowSummary lastWindow() {
    return lastWindow;
  }

  List<WindowSummary> recentWindows() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  long windowsClosed() {
    return windowsClosed.get();
  }

  long emptyWindows() {
    return emptyWindows.get();
  }

  long evaluationFailures() {
    return evaluationFailures.get();
  }
}
