package io.github.mlops4j.monitoring;

/**
 * What a monitored model predicts, which decides the per-window performance metrics.
 *
 * @since 0.1.0
 */
public enum PredictionTask {
  /**
   * A score for the positive class (any finite double; usually a probability) and a 0/1 or boolean
   * label: accuracy at the decision threshold (default 0.5, score ≥ threshold means positive) and
   * ROC AUC.
   */
  BINARY_CLASSIFICATION,
  /** A predicted class and an actual class, both strings: accuracy. */
  MULTICLASS_CLASSIFICATION,
  /** A predicted and an actual finite value: RMSE and MAE. */
  REGRESSION
}
