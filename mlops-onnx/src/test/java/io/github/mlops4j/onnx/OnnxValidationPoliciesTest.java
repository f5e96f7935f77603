package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.ValidationPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each validation policy on the signature read from an ONNX graph: {@link ValidationPolicy#REJECT}
 * names every problem; the filling policies answer what a plain {@code OrtSession.run} answers on
 * the row with the fill values in place (within 1e-6).
 */
class OnnxValidationPoliciesTest {
  @TempDir Path workspace;

  private InferenceService service(ModelRegistry registry, ValidationPolicy policy) {
    registry.register(
        "churn",
        OnnxArtifact.of(Fixtures.file("classifier.onnx"))
            .columns(Fixtures.FEATURES.toArray(String[]::new))
            .classification("no", "yes")
            .toArtifact(),
        null);
    return InferenceService.builder().registry(registry).model("churn").validation(policy).build();
  }

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build();
  }

  /** P(yes) of a plain OrtSession.run on one row. */
  private static double raw(Map<String, Double> row) throws Exception {
    return RawOnnx.run(Fixtures.file("classifier.onnx"), List.of(row)).get("probabilities")[0][1];
  }

  @Test
  void rejectNamesEveryProblemOfTheRequest() {
    try (ModelRegistry registry = registry();
        InferenceService service = service(registry, ValidationPolicy.REJECT)) {
      Map<String, Object> request = new HashMap<>();
      request.put("tenure", Double.NaN);
      request.put("age", "old");
      request.put("spend", null);
      request.put("colour", 1.0);
      assertThatThrownBy(() -> service.predict(request))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e ->
                  assertThat(e.problems())
                      .extracting(InvalidInputException.Problem::field, p -> p.reason())
                      .containsExactlyInAnyOrder(
                          org.assertj.core.groups.Tuple.tuple("tenure", Reason.NAN),
                          org.assertj.core.groups.Tuple.tuple("age", Reason.WRONG_TYPE),
                          org.assertj.core.groups.Tuple.tuple("spend", Reason.NULL),
                          org.assertj.core.groups.Tuple.tuple("colour", Reason.UNKNOWN),
                          org.assertj.core.groups.Tuple.tuple("visits", Reason.MISSING)));
    }
  }

  @Test
  void fillWithOneValueAnswersAsTheGraphOnTheFilledRow() throws Exception {
    Map<String, Double> row = Fixtures.rows().get(3);
    try (ModelRegistry registry = registry();
        InferenceService service = service(registry, ValidationPolicy.fill(0.5))) {
      Map<String, Object> request = new LinkedHashMap<>(row);
      request.remove("visits");
      request.put("spend", Double.NaN);
      request.put("colour", "red"); // dropped
      Map<String, Double> filled = new LinkedHashMap<>(row);
      filled.put("visits", 0.5);
      filled.put("spend", 0.5);
      Prediction p = service.predict(request);
      assertThat(p.score("yes")).isCloseTo(raw(filled), within(1e-6));
      assertThat(service.filledValues()).isEqualTo(2);
    }
  }

  @Test
  void fillPerFeatureAnswersAsTheGraphOnTheFilledRow() throws Exception {
    Map<String, Double> row = Fixtures.rows().get(5);
    try (ModelRegistry registry = registry();
        InferenceService service =
            service(registry, ValidationPolicy.fill(Map.of("visits", 2.0), -1.0))) {
      Map<String, Object> request = new LinkedHashMap<>(row);
      request.remove("visits");
      request.remove("age");
      Map<String, Double> filled = new LinkedHashMap<>(row);
      filled.put("visits", 2.0);
      filled.put("age", -1.0);
      assertThat(service.predict(request).score("yes")).isCloseTo(raw(filled), within(1e-6));
    }
  }

  @Test
  @SuppressWarnings("removal")
  void deprecatedFillUsesZero() throws Exception {
    Map<String, Double> row = Fixtures.rows().get(7);
    try (ModelRegistry registry = registry();
        InferenceService service = service(registry, ValidationPolicy.FILL)) {
      Map<String, Object> request = new LinkedHashMap<>(row);
      request.remove("tenure");
      Map<String, Double> filled = new LinkedHashMap<>(row);
      filled.put("tenure", 0.0);
      assertThat(service.predict(request).score("yes")).isCloseTo(raw(filled), within(1e-6));
    }
  }
}
