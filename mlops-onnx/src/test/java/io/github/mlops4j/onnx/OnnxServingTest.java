package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX models served through {@link InferenceService} answer what onnxruntime's own {@code
 * OrtSession.run} answers on the same tensors (within 1e-6), and what scikit-learn 1.2.1 predicted
 * for the same rows ({@code sklearn_predictions.csv}, written by {@code make_fixtures.py}; within
 * float precision, as the graph computes in float32).
 */
class OnnxServingTest {
  @TempDir Path workspace;

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"classifier.onnx", "classifier_zipmap.onnx"})
  void classifierEqualsOrtSessionAndScikitLearn(String file) throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows();
    Map<String, float[][]> raw = RawOnnx.run(Fixtures.file(file), rows);
    float[][] rawProbabilities =
        raw.containsKey("probabilities") ? raw.get("probabilities") : raw.get("output_probability");
    float[][] rawLabels = raw.get("label");
    List<double[]> sklearn = Fixtures.sklearn();
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register(
              "churn",
              OnnxArtifact.of(Fixtures.file(file))
                  .columns("tenure", "age", "spend", "visits")
                  .classification("no", "yes")
                  .toArtifact(),
              null);
      assertThat(v.format()).isEqualTo("onnx");
      assertThat(v.signature().orElseThrow().inputNames()).isEqualTo(Fixtures.FEATURES);
      assertThat(v.signature().orElseThrow().outputType()).isEqualTo("Label");
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.version()).isEqualTo(v.version());
          assertThat(p.output()).isEqualTo(rawLabels[i][0] == 1 ? "yes" : "no");
          assertThat(p.score("no")).isCloseTo(rawProbabilities[i][0], within(1e-6));
          assertThat(p.score("yes")).isCloseTo(rawProbabilities[i][1], within(1e-6));
          // scikit-learn's predict and predict_proba
          assertThat(p.output()).isEqualTo(sklearn.get(i)[0] == 1 ? "yes" : "no");
          assertThat(p.score("no")).isCloseTo(sklearn.get(i)[1], within(1e-6));
          assertThat(p.score("yes")).isCloseTo(sklearn.get(i)[2], within(1e-6));
        }
      }
    }
  }

  @Test
  void oneInputPerFeatureIsBoundByName() throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows();
    float[][] rawProbabilities =
        RawOnnx.run(Fixtures.file("classifier.onnx"), rows).get("probabilities");
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register(
              "churn",
              OnnxArtifact.of(Fixtures.file("classifier_inputs.onnx"))
                  .classification("no", "yes")
                  .toArtifact(),
              null);
      assertThat(v.signature().orElseThrow().inputNames()).isEqualTo(Fixtures.FEATURES);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.score("yes")).isCloseTo(rawProbabilities[i][1], within(1e-6));
          assertThat(p.output()).isEqualTo(Fixtures.sklearn().get(i)[0] == 1 ? "yes" : "no");
        }
      }
    }
  }

  @Test
  void regressorEqualsOrtSessionAndScikitLearn() throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows();
    float[][] raw = RawOnnx.run(Fixtures.file("regressor.onnx"), rows).get("variable");
    List<double[]> sklearn = Fixtures.sklearn();
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register(
              "spend",
              OnnxArtifact.of(Fixtures.file("regressor.onnx"))
                  .columns("tenure", "age", "spend", "visits")
                  .regression()
                  .toArtifact(),
              null);
      assertThat(v.signature().orElseThrow().outputType()).isEqualTo("Regressor");
      assertThat(v.signature().orElseThrow().outputLabels()).containsExactly("variable");
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("spend").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.value()).isCloseTo(raw[i][0], within(1e-6));
          assertThat(p.score("variable")).isCloseTo(raw[i][0], within(1e-6));
          // scikit-learn's LinearRegression.predict, in double; the graph holds float32 weights
          assertThat(p.value()).isCloseTo(sklearn.get(i)[3], within(1e-5));
        }
      }
    }
  }

  @Test
  void missingFeatureIsRefusedLikeForTribuoModels() {
    try (ModelRegistry registry = registry()) {
      registry.register(
          "churn",
          OnnxArtifact.of(Fixtures.file("classifier.onnx"))
              .columns("tenure", "age", "spend", "visits")
              .classification("no", "yes")
              .toArtifact(),
          null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> service.predict(Map.of("tenure", 1.0, "age", 2.0, "spend", 3.0)))
            .isInstanceOf(io.github.mlops4j.serving.InvalidInputException.class)
            .hasMessageContaining("visits");
      }
    }
  }
}
