package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.metrics.ServingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingMetricsTest {
  @TempDir Path workspace;

  @Test
  void timersByOutcomeAndCountersForFillsDropsAndSwaps() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
      try (InferenceService s = InferenceService.builder().registry(registry).model("churn")
          .alias("champion").meterRegistry(meters).build()) {
        for (int i = 0; i < 3; i++) {
          s.predict(TestModels.request(1, 1, 1));
        }
        assertThatThrownBy(() -> s.predict(Map.of("x1", 1.0)))
            .isInstanceOf(InvalidInputException.class);
        assertThat(timer(meters, "1", "ok")).isEqualTo(3);
        assertThat(timer(meters, "1", "invalid")).isEqualTo(1);
        assertThat(timer(meters, "1", "error")).isZero();
        assertThat(meters.get(ServingMetrics.IN_FLIGHT).tag("model", "churn").gauge().value())
            .isZero();
        registry.setAlias("churn", "champion", 2);
        s.refresh(Duration.ofSeconds(10));
        s.predict(TestModels.request(1, 1, 1));
        assertThat(timer(meters, "2", "ok")).isEqualTo(1);
        assertThat(meters.get(ServingMetrics.SWAPS).tag("model", "churn").counter().count())
            .isEqualTo(1);
      }
      try (InferenceService s = InferenceService.builder().registry(registry).model("churn")
          .version(1).meterRegistry(meters).validation(ValidationPolicy.FILL).build()) {
        s.predict(Map.of("x1", 1.0, "x2", 1.0, "extra", 1.0));
        assertThat(meters.get(ServingMetrics.INPUTS_FILLED).tags("model", "churn", "version", "1")
            .counter().count()).isEqualTo(1);
        assertThat(meters.get(ServingMetrics.INPUTS_DROPPED).tags("model", "churn", "version", "1")
            .counter().count()).isEqualTo(1);
      }
    }
  }

  @Test
  void twoServicesOfOneModelShareARegistryWithTheirOwnInFlightGauges(@TempDir Path workspace) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService online = InferenceService.builder().registry(registry).model("churn")
              .version(1).meterRegistry(meters).build();
          InferenceService batch = InferenceService.builder().registry(registry).model("churn")
              .version(1).meterRegistry(meters).build()) {
        online.predict(TestModels.request(1, 1, 1));
        batch.predict(TestModels.request(1, 1, 1));
        assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges()).extracting(
            g -> g.getId().getTag("service")).containsExactlyInAnyOrder("churn", "churn#2");
        assertThat(timer(meters, "1", "ok")).isEqualTo(2); // the timers are shared
        System.gc(); // the gauges hold their counters strongly: still 0 after a collection
        assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges())
            .allSatisfy(g -> assertThat(g.value()).isZero());
      }
      assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges()).isEmpty();
    }
  }

  private static long timer(SimpleMeterRegistry meters, String version, String outcome) {
    return meters.get(ServingMetrics.PREDICT).tags("model", "churn", "version", version,
        "route", "primary", "outcome", outcome).timer().count();
  }
}
