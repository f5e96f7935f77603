package io.github.mlops4j.serving;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sampled prediction, delivered to a {@link PredictionListener} off the caller's thread, so a
 * monitor can watch the input and output distributions and join delayed labels by {@link #id()}.
 * Shadow predictions arrive with route {@code shadow} and the id of the primary prediction they
 * mirror.
 *
 * @param id the prediction id ({@link Prediction#id()})
 * @param model the model name
 * @param version the version that answered
 * @param route the arm that answered ({@code primary}, {@code canary}, an A/B arm, {@code shadow})
 * @param inputs the request as given, after feature enrichment
 * @param output the prediction's output, empty if it failed
 * @param scores the prediction's scores
 * @param timestamp when the prediction was made (the service's clock)
 * @param warnings fills and drops made by {@link ValidationPolicy#fill(double)}, or the error of a
 *     failed shadow prediction
 * @since 0.1.0
 */
public record PredictionEvent(
    String id,
    String model,
    int version,
    String route,
    Map<String, ?> inputs,
    String output,
    Map<String, Double> scores,
    Instant timestamp,
    List<String> warnings) {
  public PredictionEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(timestamp, "timestamp");
    warnings = List.copyOf(warnings);
  }
}
