package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
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
import org.tribuo.Model;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

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
    "counts_int64.onnx, true, 1.5, NOT_INTEGER, whole number",
    "counts_int64_inputs.onnx, false, 1.5, NOT_INTEGER, whole number",
    "counts_int32.onnx, true, -0.25, NOT_INTEGER, whole number",
    "counts_int64.onnx, true, 1.0E19, NOT_INTEGER, at most 2^53",
    "counts_int32_inputs.onnx, false, 3.0E9, OUT_OF_RANGE, outside the range",
    "counts_int32.onnx, true, -3.0E9, OUT_OF_RANGE, outside the range"
  })
  void integerInputRefusesWhatIsNotAWholeNumberOfItsTypeAsInvalidInput(
      String file, boolean columns, double value, Reason reason, String detail) {
    try (ModelRegistry registry = registry()) {
      registry.register("counts", counts(file, columns), null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("counts").build()) {
        Map<String, Double> request =
            new LinkedHashMap<>(Fixtures.request(Fixtures.COUNTS, Fixtures.countRows().get(0)));
        request.put("tickets", value);
        // the client's value, never a fault of the version
        assertThatThrownBy(() -> service.predict(request))
            .isInstanceOfSatisfying(
                InvalidInputException.class,
                e ->
                    assertThat(e.problems())
                        .singleElement()
                        .satisfies(
                            p -> {
                              assertThat(p.field()).isEqualTo("tickets");
                              assertThat(p.reason()).isEqualTo(reason);
                              assertThat(p.detail()).contains(String.valueOf(value), detail);
                            }));
        // the service still answers whole numbers
        request.put("tickets", 3.0);
        assertThat(service.predict(request).value()).isFinite();
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "counts_int64.onnx, true",
    "counts_int64_inputs.onnx, false",
    "counts_int32.onnx, true",
    "counts_int32_inputs.onnx, false"
  })
  void integerInputsAreIntegerFeaturesOfTheSignature(String file, boolean columns) {
    try (ModelRegistry registry = registry()) {
      assertThat(
              registry
                  .register("counts", counts(file, columns), null)
                  .signature()
                  .orElseThrow()
                  .inputs())
          .extracting(FeatureSpec::type)
          .containsOnly(FeatureSpec.Type.INTEGER);
      // float and double inputs stay real
      assertThat(
              registry
                  .register(
                      "churn",
                      OnnxArtifact.of(Fixtures.file("classifier_double_inputs.onnx"))
                          .classification("no", "yes")
                          .toArtifact(),
                      null)
                  .signature()
                  .orElseThrow()
                  .inputs())
          .extracting(FeatureSpec::type)
          .containsOnly(FeatureSpec.Type.REAL);
    }
  }

  @Test
  void theGraphStillRefusesAFractionGivenToItDirectly_aLastLineOfDefence() {
    try (ModelRegistry registry = registry()) {
      ModelVersion mv = registry.register("counts", counts("counts_int64.onnx", true), null);
      Model<Regressor> model = registry.loadTribuo(mv, Regressor.class);
      ArrayExample<Regressor> example =
          new ArrayExample<>(
              RegressionFactory.UNKNOWN_REGRESSOR,
              Fixtures.COUNTS.toArray(String[]::new),
              new double[] {1, 1.5, 2, 3});
      assertThatThrownBy(() -> model.predict(example))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is 1.5")
          .hasMessageContaining("send a whole number")
          .hasMessageContaining("not rounded");
    }
  }

  @Test
  void aBatchRowWithAFractionForAnInt64InputIsRejectedAsInvalidInput() throws Exception {
    Path in = workspace.resolve("counts.csv");
    java.nio.file.Files.writeString(
        in, "id," + String.join(",", Fixtures.COUNTS) + "\nr1,1,2,3,4\nr2,1,1.5,3,4\nr3,5,6,7,8\n");
    try (ModelRegistry registry = registry()) {
      registry.register("counts", counts("counts_int64.onnx", true), null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("counts").build()) {
        BatchJob job =
            BatchJob.builder()
                .service(service)
                .input(in)
                .output(workspace.resolve("out.csv"))
                .passThrough("id")
                .maxConsecutiveModelErrors(1)
                .build();
        BatchResult r = job.run();
        assertThat(r.rowsScored()).isEqualTo(2);
        assertThat(r.rowsRejected()).isEqualTo(1);
        List<String> rejects = java.nio.file.Files.readAllLines(job.rejects());
        assertThat(rejects).hasSize(2);
        assertThat(rejects.get(1))
            .contains("invalid input: ")
            .contains("tickets")
            .contains("whole number")
            .doesNotContain("model error");
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
