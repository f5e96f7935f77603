package io.github.mlops4j.monitoring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.profile.KllSketchRandom;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonitorMetricsTest {
  private static final ProfileSchema SCHEMA =
      ProfileSchema.builder().numeric("age", "income").categorical("country").build();

  private SimpleMeterRegistry registry;
  private Monitor monitor;

  @BeforeEach
  void setUp() {
    KllSketchRandom.seed(5); // the reference's KLL compaction is random; the drift share is not
    registry = new SimpleMeterRegistry();
    ProfileAccumulator ref = ProfileAccumulator.create(SCHEMA);
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 2_000; i++) {
      ref.update(
          new double[] {30 + 10 * r.nextDouble(), 1000 * r.nextDouble()},
          new String[] {r.nextBoolean() ? "DE" : "FR"});
    }
    Profile reference = ref.take();
    monitor =
        Monitor.builder()
            .model("churn")
            .reference(reference)
            .window(WindowSpec.rows(100))
            .clock(Clock.fixed(Instant.parse("2025-11-25T10:00:00Z"), ZoneOffset.UTC))
            .predictions(PredictionTask.BINARY_CLASSIFICATION)
            .build();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void metersHaveBoundedTagsAndReadTheLatestWindow() {
    new MonitorMetrics(monitor).bindTo(registry);
    // before any window: gauges are NaN, counters 0
    assertThat(gauge("mlops.drift.detected", "model", "churn")).isNaN();
    assertThat(
            gauge(
                "mlops.drift.score",
                "model",
                "churn",
                "feature",
                "age",
                "method",
                "wasserstein_normed"))
        .isNaN();
    assertThat(registry.get("mlops.monitor.rows").functionCounter().count()).isZero();

    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 100; i++) {
      // age shifted by +20 years: drift; income unchanged; a quarter of the countries missing
      monitor.observe(
          new double[] {50 + 10 * r.nextDouble(), 1000 * r.nextDouble()},
          new String[] {i % 4 == 0 ? null : "DE"});
    }
    try {
      monitor.observe(new double[] {1});
    } catch (IllegalArgumentException expected) {
      // counted as rejected
    }
    ColumnDrift age =
        monitor.lastWindow().orElseThrow().report().orElseThrow().column("age").orElseThrow();

    assertThat(registry.get("mlops.monitor.rows").tags("model", "churn").functionCounter().count())
        .isEqualTo(100);
    assertThat(registry.get("mlops.monitor.rows.rejected").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("mlops.monitor.windows").functionCounter().count()).isEqualTo(1);
    assertThat(
            gauge(
                "mlops.drift.score",
                "model",
                "churn",
                "feature",
                "age",
                "method",
                "wasserstein_normed"))
        .isEqualTo(age.score())
        .isGreaterThan(1);
    assertThat(gauge("mlops.drift.score", "feature", "country", "method", "jensenshannon"))
        .isPositive();
    assertThat(gauge("mlops.drift.detected", "model", "churn")).isEqualTo(1.0);
    assertThat(gauge("mlops.drift.share", "model", "churn")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(gauge("mlops.feature.missing.ratio", "feature", "country")).isEqualTo(0.25);
    assertThat(gauge("mlops.feature.missing.ratio", "feature", "age")).isZero();

    // tag keys are bounded: model, feature, method; values come from the schema only
    Set<String> keys =
        registry.getMeters().stream()
            .flatMap(m -> m.getId().getTags().stream())
            .map(Tag::getKey)
            .collect(Collectors.toSet());
    assertThat(keys).containsExactlyInAnyOrder("model", "feature", "method");
    Set<String> features =
        registry.getMeters().stream()
            .map(m -> m.getId().getTag("feature"))
            .filter(f -> f != null)
            .collect(Collectors.toSet());
    assertThat(features).containsExactlyInAnyOrder("age", "income", "country");
    assertThat(registry.getMeters()).hasSize(5 + 2 * 3);
  }

  @Test
  void featureMetersAreCappedAndExtraTagsAdded() {
    new MonitorMetrics(monitor, Tags.of("model.version", "3"), 1).bindTo(registry);
    List<Meter> scores = registry.find("mlops.drift.score").meters().stream().toList();
    assertThat(scores).hasSize(1);
    assertThat(scores.get(0).getId().getTag("feature")).isEqualTo("age");
    assertThat(scores.get(0).getId().getTag("model.version")).isEqualTo("3");
    assertThatThrownBy(() -> new MonitorMetrics(monitor, Tags.empty(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void performanceMetersFollowTheLatestWindow() {
    new PerformanceMetrics(monitor).bindTo(registry);
    assertThat(gauge("mlops.performance", "model", "churn", "metric", "auc")).isNaN();
    double[] scores = {0.1, 0.4, 0.35, 0.8};
    for (int i = 0; i < 4; i++) {
      monitor.recordPrediction("p" + i, scores[i]);
    }
    monitor.recordPrediction("never-labelled", 0.5);
    monitor.recordLabel("p0", 0);
    monitor.recordLabel("p1", 0);
    monitor.recordLabel("p2", 1);
    monitor.recordLabel("p3", 1);
    monitor.recordLabel("unknown", 1);
    monitor.flush();
    assertThat(gauge("mlops.performance", "model", "churn", "metric", "auc")).isEqualTo(0.75);
    assertThat(gauge("mlops.performance", "metric", "accuracy")).isEqualTo(0.75);
    assertThat(gauge("mlops.performance.labelled", "model", "churn")).isEqualTo(4);
    assertThat(
            registry
                .get("mlops.monitor.labels")
                .tags("outcome", "matched")
                .functionCounter()
                .count())
        .isEqualTo(4);
    assertThat(
            registry
                .get("mlops.monitor.labels")
                .tags("outcome", "unmatched")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(gauge("mlops.monitor.predictions.pending", "model", "churn")).isEqualTo(1);
    assertThat(registry.get("mlops.monitor.predictions.evicted").functionCounter().count())
        .isZero();
    assertThat(registry.find("mlops.performance").tag("metric", "rmse").meters()).isEmpty();
  }

  @Test
  void performanceMetricsNeedATask() {
    Monitor plain = Monitor.builder().model("m").rollingReference().schema(SCHEMA).build();
    assertThatThrownBy(() -> new PerformanceMetrics(plain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tracks no predictions");
  }
}
