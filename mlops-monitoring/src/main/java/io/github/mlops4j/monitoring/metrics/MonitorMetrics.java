package io.github.mlops4j.monitoring.metrics;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.ProfileDriftMethod;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Exposes a {@link Monitor}'s drift and data-quality state as Micrometer meters. Every meter is
 * registered once, in {@link #bindTo}, and reads the monitor's latest evaluated window when the
 * registry polls it, so nothing is registered on the serving path.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>value</th></tr>
 *   <tr><td>{@code mlops.monitor.rows}</td><td>function counter</td><td>model</td>
 *       <td>feature rows accepted</td></tr>
 *   <tr><td>{@code mlops.monitor.rows.rejected}</td><td>function counter</td><td>model</td>
 *       <td>rows refused (unknown column, wrong type or length)</td></tr>
 *   <tr><td>{@code mlops.monitor.windows}</td><td>function counter</td><td>model</td>
 *       <td>windows evaluated</td></tr>
 *   <tr><td>{@code mlops.drift.score}</td><td>gauge</td><td>model, feature, method</td>
 *       <td>the feature's score in the latest report (NaN before the first report or when not
 *       computable)</td></tr>
 *   <tr><td>{@code mlops.drift.detected}</td><td>gauge</td><td>model</td>
 *       <td>1 if the latest report declared dataset drift, else 0 (NaN before the first)</td></tr>
 *   <tr><td>{@code mlops.drift.share}</td><td>gauge</td><td>model</td>
 *       <td>share of drifted features in the latest report</td></tr>
 *   <tr><td>{@code mlops.feature.missing.ratio}</td><td>gauge</td><td>model, feature</td>
 *       <td>share of missing values of the feature in the latest window</td></tr>
 * </table>
 *
 * <p>Tags are bounded: the model name, the schema's column names (at most {@code
 * maxExportedFeatures}, default {@value #DEFAULT_MAX_EXPORTED_FEATURES}, in schema order; the other
 * columns are left out of the per-feature meters) and the method name. No row id or value ever
 * becomes a tag.
 *
 * <p>Gauges hold the monitor weakly, as Micrometer does by default: keep a reference to it.
 *
 * @since 0.1.0
 */
// Optional dependency: callers of this class require it themselves (see module-info).
@SuppressWarnings("exports")
public final class MonitorMetrics implements MeterBinder {
  /** Default cap on the number of features exported per monitor. */
  public static final int DEFAULT_MAX_EXPORTED_FEATURES = 200;

  private final Monitor monitor;
  private final Tags tags;
  private final int maxExportedFeatures;

  /** Binds all features up to the default cap, with tag {@code model} only. */
  public MonitorMetrics(Monitor monitor) {
    this(monitor, Tags.empty(), DEFAULT_MAX_EXPORTED_FEATURES);
  }

  /**
   * @param extraTags added to every meter (for example {@code model.version}); keep them bounded
   * @param maxExportedFeatures at most this many features get per-feature meters, [0, 10 000]
   */
  public MonitorMetrics(Monitor monitor, Iterable<Tag> extraTags, int maxExportedFeatures) {
    this.monitor = Objects.requireNonNull(monitor, "monitor");
    Checks.inRange(maxExportedFeatures, 0, 10_000, "maxExportedFeatures");
    this.tags = Tags.of("model", monitor.model()).and(extraTags);
    this.maxExportedFeatures = maxExportedFeatures;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("mlops.monitor.rows", monitor, m -> m.stats().rowsObserved())
        .tags(tags)
        .description("Feature rows accepted by the monitor")
        .baseUnit("rows")
        .register(registry);
    FunctionCounter.builder("mlops.monitor.rows.rejected", monitor, m -> m.stats().rowsRejected())
        .tags(tags)
        .description("Rows refused: unknown column, wrong type or length")
        .baseUnit("rows")
        .register(registry);
    FunctionCounter.builder("mlops.monitor.windows", monitor, m -> m.stats().windowsClosed())
        .tags(tags)
        .description("Windows evaluated")
        .register(registry);
    Gauge.builder(
            "mlops.drift.detected",
            monitor,
            m -> report(m).map(r -> r.datasetDrift() ? 1.0 : 0.0).orElse(Double.NaN))
        .tags(tags)
        .description("1 if the latest window drifted from the reference")
        .register(registry);
    Gauge.builder(
            "mlops.drift.share",
            monitor,
            m -> report(m).map(DriftReport::driftedShare).orElse(Double.NaN))
        .tags(tags)
        .description("Share of drifted features in the latest window")
        .register(registry);
    ProfileSchema schema = monitor.schema();
    List<String> columns = schema.columns();
    for (int i = 0; i < Math.min(columns.size(), maxExportedFeatures); i++) {
      String feature = columns.get(i);
      ProfileDriftMethod method = monitor.drift().methodFor(schema.type(feature));
      Gauge.builder("mlops.drift.score", monitor, m -> score(m, feature))
          .tags(tags)
          .tag("feature", feature)
          .tag("method", monitor.drift().methodName(method))
          .description("Drift score of the feature in the latest window")
          .register(registry);
      Gauge.builder("mlops.feature.missing.ratio", monitor, m -> missing(m, feature))
          .tags(tags)
          .tag("feature", feature)
          .description("Share of missing values of the feature in the latest window")
          .register(registry);
    }
  }

  private static Optional<DriftReport> report(Monitor m) {
    return m.lastWindow().flatMap(WindowSummary::report);
  }

  private static double score(Monitor m, String feature) {
    return report(m).flatMap(r -> r.column(feature)).map(ColumnDrift::score).orElse(Double.NaN);
  }

  private static double missing(Monitor m, String feature) {
    return m.lastWindow().map(w -> w.profile().column(feature).missingShare()).orElse(Double.NaN);
  }
}
