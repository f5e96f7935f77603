package io.github.mlops4j.monitoring;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Realized model performance over the labels that arrived in one window, joined with their
 * predictions by id. Metrics that do not apply to the task, or cannot be computed (no labels; AUC
 * without both classes), are empty.
 *
 * @param task the prediction task
 * @param labelled labels joined with a prediction in the window
 * @param accuracy share of correct predictions (classification)
 * @param auc ROC AUC from the ranks of the scores, ties counted half (binary classification)
 * @param rmse root mean squared error (regression)
 * @param mae mean absolute error (regression)
 * @param aucPairs pairs the AUC was computed from: all labelled pairs, or a uniform sample of them
 *     when there were more than the monitor's {@code maxAucPairs}
 * @since 0.1.0
 */
public record Performance(
    PredictionTask task,
    long labelled,
    OptionalDouble accuracy,
    OptionalDouble auc,
    OptionalDouble rmse,
    OptionalDouble mae,
    long aucPairs) {
  public Performance {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(accuracy, "accuracy");
    Objects.requireNonNull(auc, "auc");
    Objects.requireNonNull(rmse, "rmse");
    Objects.requireNonNull(mae, "mae");
  }
}
