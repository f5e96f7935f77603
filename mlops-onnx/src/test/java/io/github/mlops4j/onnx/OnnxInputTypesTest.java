package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.ServingException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Graphs with double, int64 and int32 inputs, in both layouts, answer through {@link
 * InferenceService} what a plain {@code OrtSession.run} answers on tensors of the same type ({@link
 * RawOnnx}, within 1e-6), and what scikit-learn 1.2.1 predicted ({@code sklearn_predictions.csv}
 * and {@code counts_predictions.csv} of {@code make_fixtures.py}).
 */
class OnnxInputTypesTest {
  @TempDir Path workspace;

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build();
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NONE",
      value = {"classifier_double.onnx, double_input", "classifier_double_inputs.onnx, NONE"})
  void doubleInputsEqualOrtSessionAndScikitLearn(String file, @Nullable String input)
      throws Exception {
    List<double[]> rows = Fixtures.rowArrays();
    float[][] raw =
        RawOnnx.run(Fixtures.file(file), Fixtures.FEATURES, rows, OnnxJavaType.DOUBLE, input, false)
            .get("probabilities");
    List<double[]> sklearn = Fixtures.sklearn();
    OnnxArtifact artifact = OnnxArtifact.of(Fixtures.file(file));
    if (input != null) {
      artifact = artifact.columns(Fixtures.FEATURES.toArray(String[]::new));
    }
    try (ModelRegistry registry = registry()) {
      registry.register("churn", artifact.classification("no", "yes").toArtifact(), null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        assertThat(service.signature().orElseThrow().inputNames()).isEqualTo(Fixtures.FEATURES);
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(Fixtures.request(Fixtures.FEATURES, rows.get(i)));
          assertThat(p.score("no")).isCloseTo(raw[i][0], within(1e-6));
          assertThat(p.score("yes")).isCloseTo(raw[i][1], within(1e-6));
          assertThat(p.output()).isEqualTo(sklearn.get(i)[0] == 1 ? "yes" : "no");
          assertThat(p.score("yes")).isCloseTo(sklearn.get(i)[2], within(1e-6));
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NONE",
      value = {
        "counts_int64.onnx, INT64, int64_input, false",
        "counts_int64_inputs.onnx, INT64, NONE, true",
        "counts_int32.onnx, INT32, int32_input, false",
        "counts_int32_inputs.onnx, INT32, NONE, false"
      })
  void integerInputsEqualOrtSessionAndScikitLearn(
      String file, OnnxJavaType type, @Nullable String input, boolean rank1) throws Exception {
    List<double[]> rows = Fixtures.countRows();
    List<double[]> sklearn = Fixtures.countPredictions();
    try (ModelRegistry registry = registry()) {
      registry.register("counts", counts(file, input != null), null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("counts").build()) {
        assertThat(service.signature().orElseThrow().inputNames()).isEqualTo(Fixtures.COUNTS);
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(Fixtures.request(Fixtures.COUNTS, rows.get(i)));
          // the same tensor: this row alone (a batch may sum in another order, one float32 ulp
          // apart at these magnitudes)
          float rawRow =
              RawOnnx.run(
                      Fixtures.file(file),
                      Fixtures.COUNTS,
                      List.of(rows.get(i)),
                      type,
                      input,
                      rank1)
                  .get("variable")[0][0];
          assertThat(p.value()).isCloseTo(rawRow, within(1e-6));
          // scikit-learn's predict in double; the graph holds float32 weights and sums in float32
          // (values up to ~100: float32 keeps ~7 digits)
          assertThat(p.value()).isCloseTo(sklearn.get(i)[0], within(1e-4));
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "counts_int64.onnx, true, 1.5, not rounded",
    "counts_int64_inputs.onnx, false, 1.5, not rounded",
    "counts_int32.onnx, true, -0.25, not rounded",
    "counts_int32_inputs.onnx, false, 3.0E9, within the int32 range",
    "counts_int64.onnx, true, 1.0E19, within the int64 range"
  })
  void integerInputRefusesWhatIsNotAWholeNumberOfItsType(
      String file, boolean columns, double value, String hint) {
    try (ModelRegistry registry = registry()) {
      registry.register("counts", counts(file, columns), null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("counts").build()) {
        Map<String, Double> request =
            new LinkedHashMap<>(Fixtures.request(Fixtures.COUNTS, Fixtures.countRows().get(0)));
        request.put("tickets", value);
        assertThatThrownBy(() -> service.predict(request))
            .isInstanceOf(ServingException.class)
            .hasMessageContaining("feature 'tickets' of row 0 is " + value)
            .hasMessageContaining("send a whole number")
            .hasMessageContaining(hint);
        // the service still answers whole numbers
        request.put("tickets", 3.0);
        assertThat(service.predict(request).value()).isFinite();
      }
    }
  }

  @Test
  void stringInputIsRefusedAtRegistrationWithWhatToDo() {
    assertThatThrownBy(
            () -> OnnxArtifact.of(Fixtures.file("plan_string.onnx")).regression().toArtifact())
        .isInstanceOf(OnnxModelException.class)
        .hasMessageContaining("input 'plan' is a string tensor")
        .hasMessageContaining("encode the category outside it");
  }

  @Test
  void categoryEncodedOutsideTheGraphIsServedFromItsField() throws Exception {
    ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
    try (ModelRegistry registry = registry()) {
      registry.register(
          "plans",
          OnnxArtifact.of(Fixtures.file("plan_onehot.onnx"))
              .columns("tenure", "plan@basic", "plan@gold")
              .regression()
              .toArtifact(),
          null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("plans").build()) {
        for (String plan : List.of("basic", "gold")) {
          // the same model with its OneHotEncoder inside, fed the string itself
          float expected;
          try (ai.onnxruntime.OnnxTensor tenure =
                  ai.onnxruntime.OnnxTensor.createTensor(env, new float[][] {{2.0f}});
              ai.onnxruntime.OnnxTensor category =
                  ai.onnxruntime.OnnxTensor.createTensor(env, new String[][] {{plan}})) {
            expected =
                RawOnnx.run(
                        Fixtures.file("plan_string.onnx"),
                        Map.of("tenure", tenure, "plan", category),
                        1)
                    .get("variable")[0][0];
          }
          assertThat(service.predict(Map.of("tenure", 2.0, "plan", plan)).value())
              .isCloseTo(expected, within(1e-6));
        }
        assertThatThrownBy(() -> service.predict(Map.of("tenure", 2.0, "plan", "silver")))
            .isInstanceOf(io.github.mlops4j.serving.InvalidInputException.class)
            .hasMessageContaining("unknown category 'silver'");
      }
    }
  }

  private static io.github.mlops4j.registry.ModelArtifact counts(String file, boolean columns) {
    OnnxArtifact a = OnnxArtifact.of(Fixtures.file(file));
    if (columns) {
      a = a.columns(Fixtures.COUNTS.toArray(String[]::new));
    }
    return a.regression().toArtifact();
  }
}
