package io.github.mlops4j.monitoring;

import io.github.mlops4j.monitoring.WindowedProfiler.Window;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Monitor}'s delayed-label join: keeps predictions in a bounded {@link
 * PendingPredictions} store until their label arrives, then adds the pair to the performance of the
 * window that is open when the label arrives. Thread-safe.
 */
final class LabelJoin {
  private final String model;
  private final @Nullable PredictionTask task;
  private final double decisionThreshold;
  private final int maxAucPairs;
  private final @Nullable PendingPredictions pending;
  private final LongAdder labelsMatched = new LongAdder();
  private final LongAdder labelsUnmatched = new LongAdder();

  /**
   * @param task the prediction task; null when the monitor tracks no predictions
   */
  LabelJoin(
      String model,
      @Nullable PredictionTask task,
      double decisionThreshold,
      int maxAucPairs,
      int maxPending,
      Duration timeToLive,
      Clock clock) {
    this.model = model;
    this.task = task;
    this.decisionThreshold = decisionThreshold;
    this.maxAucPairs = maxAucPairs;
    this.pending =
        task == null ? null : new PendingPredictions(maxPending, timeToLive.toMillis(), clock);
  }

  @Nullable PredictionTask task() {
    return task;
  }

  /** A new window's performance accumulator; null when no predictions are tracked. */
  @Nullable PerformanceAccumulator newWindow(long index) {
    return task == null
        ? null
        : new PerformanceAccumulator(task, decisionThreshold, maxAucPairs, index);
  }

  /** See {@link Monitor#recordPrediction(String, double)}. */
  void recordPrediction(WindowedProfiler windows, String id, double prediction) {
    PendingPredictions p = predictionStore(windows, id);
    if (task == PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException(
          "The task is MULTICLASS_CLASSIFICATION: record the" + " predicted class as a String");
    }
    if (!Double.isFinite(prediction)) {
      throw new IllegalArgumentException(
          "Prediction for id '" + id + "' must be finite, was " + prediction);
    }
    p.put(id, prediction, null);
  }

  /** See {@link Monitor#recordPrediction(String, String)}. */
  void recordPrediction(WindowedProfiler windows, String id, String predictedClass) {
    PendingPredictions p = predictionStore(windows, id);
    Objects.requireNonNull(predictedClass, "predictedClass");
    if (task != PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException("The task is " + task + ": record a double prediction");
    }
    p.put(id, Double.NaN, predictedClass);
  }

  /** See {@link Monitor#recordLabel(String, double)}. */
  boolean recordLabel(WindowedProfiler windows, String id, double label) {
    PendingPredictions p = predictionStore(windows, id);
    if (task == PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException(
          "The task is MULTICLASS_CLASSIFICATION: record the" + " actual class as a String");
    }
    if (task == PredictionTask.BINARY_CLASSIFICATION && label != 0 && label != 1) {
      throw new IllegalArgumentException(
          "A binary label must be 0 or 1, was " + label + " (id '" + id + "')");
    }
    if (!Double.isFinite(label)) {
      throw new IllegalArgumentException("Label for id '" + id + "' must be finite, was " + label);
    }
    PendingPredictions.Pending prediction = p.take(id);
    if (prediction == null) {
      labelsUnmatched.increment();
      return false;
    }
    addPerformance(windows, prediction, label, null);
    return true;
  }

  /** See {@link Monitor#recordLabel(String, boolean)}. */
  boolean recordLabel(WindowedProfiler windows, String id, boolean positive) {
    if (task != null && task != PredictionTask.BINARY_CLASSIFICATION) {
      throw new IllegalArgumentException(
          "The task is " + task + ": a boolean label applies only" + " to BINARY_CLASSIFICATION");
    }
    return recordLabel(windows, id, positive ? 1.0 : 0.0);
  }

  /** See {@link Monitor#recordLabel(String, String)}. */
  boolean recordLabel(WindowedProfiler windows, String id, String actualClass) {
    PendingPredictions p = predictionStore(windows, id);
    Objects.requireNonNull(actualClass, "actualClass");
    if (task != PredictionTask.MULTICLASS_CLASSIFICATION) {
      throw new IllegalArgumentException("The task is " + task + ": record a double label");
    }
    PendingPredictions.Pending prediction = p.take(id);
    if (prediction == null) {
      labelsUnmatched.increment();
      return false;
    }
    addPerformance(windows, prediction, Double.NaN, actualClass);
    return true;
  }

  private PendingPredictions predictionStore(WindowedProfiler windows, String id) {
    Objects.requireNonNull(id, "id");
    windows.ensureOpen();
    if (pending == null) {
      throw new IllegalStateException(
          "Monitor '"
              + model
              + "' tracks no predictions: set"
              + " Monitor.builder().predictions(task)");
    }
    return pending;
  }

  private void addPerformance(
      WindowedProfiler windows,
      PendingPredictions.Pending prediction,
      double label,
      @Nullable String actualClass) {
    while (true) {
      Window w = windows.current();
      PerformanceAccumulator acc = Objects.requireNonNull(w.performance);
      w.perfLock.lock();
      try {
        if (acc.closed) {
          continue;
        }
        switch (Objects.requireNonNull(task)) {
          case BINARY_CLASSIFICATION -> acc.addBinary(prediction.value(), label == 1);
          case REGRESSION -> acc.addRegression(prediction.value(), label);
          default ->
              acc.addClass(
                  Objects.requireNonNull(prediction.label()),
                  Objects.requireNonNull(actualClass, "a class label"));
        }
      } finally {
        w.perfLock.unlock();
      }
      labelsMatched.increment();
      return;
    }
  }

  long pendingPredictions() {
    return pending == null ? 0 : pending.size();
  }

  long evicted() {
    return pending == null ? 0 : pending.evicted();
  }

  long labelsMatched() {
    return labelsMatched.sum();
  }

  long labelsUnmatched() {
    return labelsUnmatched.sum();
  }
}
