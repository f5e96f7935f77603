package io.github.mlops4j.registry.validation;

import io.github.mlops4j.data.DatasetVersion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of one model on one holdout, overall and per slice. The predictions behind them are
 * kept so a gate can compare two models row by row.
 *
 * @since 0.1.0
 */
public final class Evaluation {
  private final @Nullable String modelName;
  private final @Nullable Integer version;
  private final Holdout<?> holdout;
  private final Scores scores;
  private final Map<String, Double> metrics;
  private final Map<String, SliceMetrics> slices;
  private final Map<String, int[]> sliceRows;

  Evaluation(
      @Nullable String modelName,
      @Nullable Integer version,
      Holdout<?> holdout,
      Scores scores,
      Map<String, Double> metrics,
      Map<String, SliceMetrics> slices,
      Map<String, int[]> sliceRows) {
    this.modelName = modelName;
    this.version = version;
    this.holdout = holdout;
    this.scores = scores;
    this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    this.slices = Collections.unmodifiableMap(new LinkedHashMap<>(slices));
    this.sliceRows = sliceRows;
  }

  /** The registered model's name, when a registry version was evaluated. */
  public Optional<String> modelName() {
    return Optional.ofNullable(modelName);
  }

  /** The registered version, when a registry version was evaluated. */
  public OptionalInt version() {
    return version == null ? OptionalInt.empty() : OptionalInt.of(version);
  }

  /** {@code Label} or {@code Regressor}. */
  public String outputType() {
    return scores.kind == Scores.Kind.LABEL ? "Label" : "Regressor";
  }

  /** Number of rows evaluated. */
  public int rows() {
    return scores.n;
  }

  /** The holdout evaluated on. */
  public Holdout<?> holdout() {
    return holdout;
  }

  /** The holdout's name, digest and size. */
  public DatasetVersion dataset() {
    return holdout.version();
  }

  /** Every defined metric over all rows, in {@link MetricNames} order. */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /** Every metric name that exists for this model's output type and outputs. */
  public List<String> metricNames() {
    return scores.metricNames();
  }

  /**
   * One metric over all rows.
   *
   * @throws ValidationException if the name does not exist for this model (the message lists the
   *     valid names) or the metric is undefined on this data
   */
  public double metric(String name) {
    Metrics.parse(scores, name);
    Double v = metrics.get(name);
    if (v == null) {
      throw new ValidationException(
          "Metric '"
              + name
              + "' is undefined on holdout '"
              + holdout.name()
              + "' (for example an AUC when only one class occurs)");
    }
    return v;
  }

  /** Metrics per slice, by slice name, in definition order (column values sorted). */
  public Map<String, SliceMetrics> slices() {
    return slices;
  }

  Scores scores() {
    return scores;
  }

  Map<String, int[]> sliceRows() {
    return sliceRows;
  }

  @Override
  public String toString() {
    return "Evaluation["
        + (modelName == null ? "model" : modelName + " v" + version)
        + " on "
        + holdout.name()
        + ", "
        + scores.n
        + " rows, "
        + metrics
        + "]";
  }
}
