package io.github.mlops4j.monitoring.metrics;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.Performance;
import io.github.mlops4j.monitoring.PredictionTask;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Exposes a {@link Monitor}'s realized performance (delayed labels joined with predictions) as
 * Micrometer meters. The monitor must track predictions ({@code Monitor.Builder#predictions}).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>value</th></tr>
 *   <tr><td>{@code mlops.performance}</td><td>gauge</td><td>model, metric</td>
 *       <td>the metric over the labels of the latest window: {@code accuracy} and {@code auc}
 *       (binary), {@code accuracy} (multiclass), {@code rmse} and {@code mae} (regression); NaN
 *       when not computable</td></tr>
 *   <tr><td>{@code mlops.performance.labelled}</td><td>gauge</td><td>model</td>
 *       <td>labels joined in the latest window</td></tr>
 *   <tr><td>{@code mlops.monitor.labels}</td><td>function counter</td><td>model, outcome
 *       ({@code matched}, {@code unmatched})</td><td>labels received</td></tr>
 *   <tr><td>{@code mlops.monitor.predictions.pending}</td><td>gauge</td><td>model</td>
 *       <td>predictions waiting for their label</td></tr>
 *   <tr><td>{@code mlops.monitor.predictions.evicted}</td><td>function counter</td><td>model</td>
 *       <td>predictions dropped unlabelled (store full or too old)</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
// Optional dependency: callers of this class require it themselves (see module-info).
@SuppressWarnings("exports")
public final class PerformanceMetrics implements MeterBinder {
  private final Monitor monitor;
  private final Tags tags;
  private final PredictionTask task;

  public PerformanceMetrics(Monitor monitor) {
    this(monitor, Tags.empty());
  }

  /**
   * @param extraTags added to every meter; keep them bounded
   * @throws IllegalArgumentException if the monitor does not track predictions
   */
  public PerformanceMetrics(Monitor monitor, Iterable<Tag> extraTags) {
    this.monitor = Objects.requireNonNull(monitor, "monitor");
    this.task =
        monitor
            .predictionTask()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Monitor '"
                            + monitor.model()
                            + "' tracks no predictions: nothing to bind"));
    this.tags = Tags.of("model", monitor.model()).and(extraTags);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    List<String> metrics =
        switch (task) {
          case BINARY_CLASSIFICATION -> List.of("accuracy", "auc");
          case MULTICLASS_CLASSIFICATION -> List.of("accuracy");
          case REGRESSION -> List.of("rmse", "mae");
        };
    for (String metric : metrics) {
      Function<Performance, OptionalDouble> read =
          switch (metric) {
            case "accuracy" -> Performance::accuracy;
            case "auc" -> Performance::auc;
            case "rmse" -> Performance::rmse;
            default -> Performance::mae;
          };
      Gauge.builder(
              "mlops.performance",
              monitor,
              m ->
                  performance(m)
                      .map(read)
                      .filter(OptionalDouble::isPresent)
                      .map(OptionalDouble::getAsDouble)
                      .orElse(Double.NaN))
          .tags(tags)
          .tag("metric", metric)
          .description("Realized performance over the labels of the latest window")
          .register(registry);
    }
    Gauge.builder(
            "mlops.performance.labelled",
            monitor,
            m -> performance(m).map(p -> (double) p.labelled()).orElse(Double.NaN))
        .tags(tags)
        .description("Labels joined with predictions in the latest window")
        .register(registry);
    FunctionCounter.builder("mlops.monitor.labels", monitor, m -> m.stats().labelsMatched())
        .tags(tags)
        .tag("outcome", "matched")
        .description("Labels joined with their prediction")
        .register(registry);
    FunctionCounter.builder("mlops.monitor.labels", monitor, m -> m.stats().labelsUnmatched())
        .tags(tags)
        .tag("outcome", "unmatched")
        .description("Labels without a pending prediction (unknown, duplicate or evicted)")
        .register(registry);
    Gauge.builder("mlops.monitor.predictions.pending", monitor, m -> m.stats().predictionsPending())
        .tags(tags)
        .description("Predictions waiting for their label")
        .register(registry);
    FunctionCounter.builder(
            "mlops.monitor.predictions.evicted", monitor, m -> m.stats().predictionsEvicted())
        .tags(tags)
        .description("Predictions dropped before their label arrived")
        .register(registry);
  }

  private static Optional<Performance> performance(Monitor m) {
    return m.lastWindow().flatMap(w -> w.performance());
  }
}
