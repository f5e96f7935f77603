package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.testing.ApiRules;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builders of serving: a missing required setting is an {@link IllegalStateException} with one
 * message shape, and a builder built twice, or changed after build(), gives independent objects.
 */
class BuildersTest {
  @TempDir Path temp;

  @Test
  void aMissingRequiredSettingIsAnIllegalStateExceptionSayingWhatToCall() throws Exception {
    assertThat(ApiRules.missingSettingsThrowIllegalState(InferenceService.class))
        .contains("InferenceService.Builder", "BatchJob.Builder");
    assertThatThrownBy(() -> InferenceService.builder().build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "InferenceService.Builder: registry and model are required; call registry(registry)"
                + " and model(name)");
    assertThatThrownBy(() -> InferenceService.builder().model("churn").build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("InferenceService.Builder: registry is required; call registry(registry)");
    assertThatThrownBy(() -> BatchJob.builder().input(temp.resolve("in.csv")).build())
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(
            "BatchJob.Builder: service and output are required; call service(service) and"
                + " output(path)");
  }

  @Test
  void servicesAndJobsBuiltTwiceAreIndependent() {
    try (BatchFixtures fx = BatchFixtures.open(temp.resolve("ws"), 2)) {
      InferenceService.Builder b =
          InferenceService.builder().registry(fx.registry).model("churn").version(1);
      try (InferenceService first = b.build()) {
        b.version(2);
        try (InferenceService second = b.build()) {
          Map<String, Double> row = Map.of("tenure", 1.0, "spend", 10.0);
          assertThat(first.predict(row).version()).isEqualTo(1);
          assertThat(second.predict(row).version()).isEqualTo(2);
        }
      }

      Path in = BatchFixtures.csv(temp.resolve("in.csv"), 3);
      BatchJob.Builder j = BatchJob.builder().service(fx.service).input(in);
      BatchJob one = j.output(temp.resolve("one.csv")).build();
      BatchJob two = j.output(temp.resolve("two.csv")).build();
      assertThat(one.output()).isEqualTo(temp.resolve("one.csv"));
      assertThat(one.rejects()).isNotEqualTo(two.rejects());
      assertThat(two.output()).isEqualTo(temp.resolve("two.csv"));
    }
  }
}
