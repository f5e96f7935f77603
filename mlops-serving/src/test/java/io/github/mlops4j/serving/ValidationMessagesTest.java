package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation messages say the cause, and hint only at what fixes each kind of problem. */
class ValidationMessagesTest {
  @TempDir Path workspace;
  @TempDir Path featureWorkspace;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    registry = TestModels.registry(workspace);
    registry.register("churn", TestModels.classifier(0), null);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void anEntityTheLookupDoesNotFindIsNamedWithItsView() {
    Instant now = Instant.parse("2026-02-01T00:00:00Z");
    try (FeatureStore store =
        FeatureStore.builder()
            .workspace(featureWorkspace)
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            .build()) {
      store.apply(
          FeatureView.builder("applicant_stats")
              .entity("applicant_id", ValueType.STRING)
              .feature("x2", ValueType.DOUBLE)
              .feature("x3", ValueType.DOUBLE)
              .ttl(Duration.ofDays(30))
              .build());
      Instant t = now.minus(Duration.ofDays(1));
      store.write(
          "applicant_stats",
          List.of(
              FeatureRow.of(Map.of("applicant_id", "a-1"), t, t, Map.of("x2", 2.0, "x3", 0.5))));
      store.materialize(now);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .features(store, List.of("applicant_stats:x2", "applicant_stats:x3"))
              .build()) {
        assertThat(s.predict(Map.of("applicant_id", "a-1", "x1", 0.0)).output()).isNotEmpty();
        String longKey = "a-404" + "x".repeat(500);
        assertThatThrownBy(() -> s.predict(Map.of("applicant_id", longKey, "x1", 0.0)))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining(
                "x2: is missing: the feature lookup found no row for entity key"
                    + " applicant_id='a-404")
            .hasMessageContaining("in view 'applicant_stats'")
            .hasMessageContaining("Write the entity's features")
            .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(2_000))
            .satisfies(
                e ->
                    assertThat(((InvalidInputException) e).problems())
                        .extracting(InvalidInputException.Problem::reason)
                        .containsExactly(Reason.MISSING, Reason.MISSING));
        // a value in the request: nothing is missing, nothing to explain
        Map<String, Object> given =
            new HashMap<>(Map.of("applicant_id", "a-404", "x1", 0.0, "x2", 1.0, "x3", 1.0));
        assertThat(s.predict(given).output()).isNotEmpty();
      }
    }
  }

  @Test
  void eachKindOfProblemGetsOnlyTheHintThatFixesIt() {
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("churn").build()) {
      Map<String, Object> unknown = TestModels.request(1, 1, 1);
      unknown.put("request_id", "r-1");
      assertThatThrownBy(() -> s.predict(unknown))
          .hasMessageContaining("request_id: unknown field")
          .hasMessageContaining("ignoreFields(...)")
          .hasMessageContaining("The model's features are [x1, x2, x3]")
          .hasMessageNotContaining("ValidationPolicy.fill");
      Map<String, Object> wrongType = TestModels.request(1, 1, 1);
      wrongType.put("x2", "1.5");
      assertThatThrownBy(() -> s.predict(wrongType))
          .hasMessageContaining("x2: expects a number")
          .hasMessageNotContaining("ValidationPolicy.fill")
          .hasMessageNotContaining("ignoreFields");
      Map<String, Object> missing = TestModels.request(1, 1, 1);
      missing.remove("x2");
      assertThatThrownBy(() -> s.predict(missing))
          .hasMessageContaining("x2: is missing")
          .hasMessageContaining("ValidationPolicy.fill(value)")
          .hasMessageNotContaining("ignoreFields");
      assertThatThrownBy(() -> s.predict(Map.of("x1", 1.0)))
          .hasMessageNotContaining("ignoreFields");
    }
  }

  @Test
  void filledValuesAreCountedOnTheService() {
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .validation(ValidationPolicy.fill(Map.of("x2", 3.0), 0.0))
            .build()) {
      assertThat(s.filledValues()).isZero();
      s.predict(TestModels.request(1, 1, 1));
      assertThat(s.filledValues()).isZero();
      s.predict(Map.of("x1", 0.0)); // x2 and x3 filled
      Map<String, Object> nan = TestModels.request(1, 1, 1);
      nan.put("x3", Double.NaN); // filled too
      assertThat(s.predict(nan).scores())
          .isEqualTo(s.predict(TestModels.request(1, 1, 0)).scores());
      assertThat(s.filledValues()).isEqualTo(3);
    }
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("churn").build()) {
      assertThatThrownBy(() -> s.predict(Map.of("x1", 0.0)))
          .isInstanceOf(InvalidInputException.class);
      assertThat(s.filledValues()).isZero();
    }
  }
}
