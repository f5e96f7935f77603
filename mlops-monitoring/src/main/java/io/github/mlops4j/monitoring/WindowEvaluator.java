package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.WindowedProfiler.Window;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.time.Clock;
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
  private final Clock clock;
  private final @Nullable WindowParts shared;
  private final long graceMillis;

  private final ReentrantLock evalLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Window> closedWindows = new ConcurrentLinkedQueue<>();
  private volatile @Nullable WindowSummary lastWindow;
  private final ArrayDeque<WindowSummary> history = new ArrayDeque<>();
  private @Nullable Profile previousProfile; // guarded by evalLock

  /** Shared windows closed here, waiting for their end plus the grace period; by evalLock. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  /**
   * A closed shared window: its index, aligned bounds, local performance, failed reads, and this
   * replica's final part until it is written.
   */
  private static final class Pending {
    final long index;
    final long start;
    final long end;
    final @Nullable Performance performance;
    int failures;

    /** This replica's final part while its write has not succeeded; null once written or empty. */
    @Nullable Profile unwritten;

    Pending(long index, long start, long end, @Nullable Performance performance) {
      this.index = index;
      this.start = start;
      this.end = end;
      this.performance = performance;
    }
  }

  /** A shared window whose parts cannot be read is tried on this many evaluations, then dropped. */
  static final int MAX_READ_ATTEMPTS = 3;

  private final AtomicLong windowsClosed = new AtomicLong();
  private final AtomicLong emptyWindows = new AtomicLong();
  private final AtomicLong evaluationFailures = new AtomicLong();

  /**
   * @param fixedReference the reference of every window; null for a rolling reference
   * @param shared the replicas' parts in the store; null for a monitor of its own rows only
   * @param grace how long after a shared window's end its parts are merged
   */
  WindowEvaluator(
      String model,
      ProfileSchema schema,
      @Nullable Profile fixedReference,
      ProfileDrift drift,
      int historySize,
      Duration closeTimeout,
      DriftListeners listeners,
      Clock clock,
      @Nullable WindowParts shared,
      Duration grace) {
    this.clock = clock;
    this.shared = shared;
    this.graceMillis = grace.toMillis();
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
      if (shared != null) {
        evaluateDueLocked(clock.millis());
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
    WindowParts sharedParts = shared;
    if (sharedParts != null) {
      Pending p = new Pending(w.index, w.startMillis, w.endMillis, perf);
      pending.addLast(p);
      if (profile.rows() > 0) {
        p.unwritten = profile;
        writeFinal(sharedParts, p);
      }
      return;
    }
    summarize(w.index, w.startMillis, w.closedMillis, profile, perf, /* replicas= */ null);
  }

  /**
   * Evaluates the shared windows whose end plus the grace period has passed at {@code now}, in
   * window order: merges the replicas' parts and compares the merge with the reference. No-op
   * without a store.
   */
  void evaluateDue(long now) {
    if (shared == null) {
      return;
    }
    evalLock.lock();
    try {
      evaluateDueLocked(now);
    } finally {
      evalLock.unlock();
    }
  }

  /**
   * Writes this replica's final part of {@code p} if it is not written yet; keeps it for the next
   * attempt if the write fails.
   *
   * @return whether the part is written (or there is none)
   */
  private boolean writeFinal(WindowParts sharedParts, Pending p) {
    Profile part = p.unwritten;
    if (part == null) {
      return true;
    }
    try {
      sharedParts.write(p.start, p.end, part, true, clock.millis());
      p.unwritten = null;
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "Monitor '{}': writing this replica's final part of window {} to the store failed; it is"
              + " written again at the next flush or tick, and before the window's parts are"
              + " merged",
          model,
          p.index,
          e);
      return false;
    }
  }

  private void evaluateDueLocked(long now) {
    WindowParts sharedParts = java.util.Objects.requireNonNull(shared);
    for (Pending q : pending) {
      if (q.unwritten != null && !writeFinal(sharedParts, q)) {
        break; // the store is failing: the rest waits for the next attempt
      }
    }
    Pending p;
    while ((p = pending.peek()) != null && now - graceMillis >= p.end) {
      WindowParts.Merged merged;
      try {
        if (!writeFinal(sharedParts, p)) {
          throw new MonitoringException(
              "Monitor '"
                  + model
                  + "': this replica's final part of window "
                  + p.index
                  + " is not written");
        }
        merged = sharedParts.read(p.start, p.end);
      } catch (RuntimeException e) {
        evaluationFailures.incrementAndGet();
        if (++p.failures < MAX_READ_ATTEMPTS) {
          LOG.warn(
              "Monitor '{}': merging the replicas' parts of window {} failed; trying again at"
                  + " the next tick",
              model,
              p.index,
              e);
          return;
        }
        pending.poll();
        LOG.error(
            "Monitor '{}': merging the replicas' parts of window {} failed {} times; the window"
                + " is not evaluated",
            model,
            p.index,
            p.failures,
            e);
        continue;
      }
      pending.poll();
      try {
        summarize(p.index, p.start, p.end, merged.profile(), p.performance, merged.parts());
      } catch (RuntimeException e) {
        evaluationFailures.incrementAndGet();
        LOG.error("Monitor '{}': evaluating window {} failed", model, p.index, e);
      }
    }
  }

  private void summarize(
      long index,
      long start,
      long end,
      Profile profile,
      @Nullable Performance perf,
      @Nullable ReplicaParts replicas) {
    if (profile.rows() == 0 && (perf == null || perf.labelled() == 0)) {
      emptyWindows.incrementAndGet();
      return;
    }
    WindowInfo info =
        new WindowInfo(
            index, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), profile.rows());
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
    WindowSummary summary = new WindowSummary(info, profile, report, perf, replicas);
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
