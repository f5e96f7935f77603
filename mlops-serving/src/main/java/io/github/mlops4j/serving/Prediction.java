package io.github.mlops4j.serving;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of an {@link InferenceService}.
 *
 * @param id unique id of this prediction, also carried by the {@link PredictionEvent} so delayed
 *     labels can be joined to it
 * @param model the registered model name
 * @param version the version that answered
 * @param output the predicted label (classification); the first dimension's value formatted as text
 *     (regression; {@link #value()} parses it); {@code EXPECTED} or {@code ANOMALOUS} (anomaly
 *     detection); the cluster id (clustering)
 * @param scores per-label scores (classification), every dimension name to its value (regression),
 *     the anomaly or cluster score under {@code "score"} (anomaly detection, clustering)
 * @param latency time spent in the service for this call, validation and prediction included
 * @param route the arm that answered: {@code primary}, {@code canary} or an A/B arm name
 * @since 0.1.0
 */
public record Prediction(
    String id,
    String model,
    int version,
    String output,
    Map<String, Double> scores,
    Duration latency,
    String route) {
  public Prediction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(output, "output");
    scores = scores instanceof ScoreMap ? scores : Map.copyOf(scores); // ScoreMap: immutable
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(route, "route");
  }

  /**
   * The output as a number: the first regression dimension, or the cluster id.
   *
   * @throws NumberFormatException if the output is not numeric (classification, anomaly)
   */
  public double value() {
    return Double.parseDouble(output);
  }

  /** The score of one label or dimension, or NaN if there is none. */
  public double score(String name) {
    Double s = scores.get(name);
    return s == null ? Double.NaN : s;
  }
}
