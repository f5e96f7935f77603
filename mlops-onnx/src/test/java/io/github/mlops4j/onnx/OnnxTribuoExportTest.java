package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Tribuo's own ONNX export ({@link ONNXExportable#saveONNXModel}) as a second source of ONNX files:
 * a model trained here, exported, registered through {@link OnnxArtifact} and served, answers what
 * Tribuo's {@code predict} answers on the same rows and what a plain {@code OrtSession.run} answers
 * on the same tensors.
 *
 * <p>Tribuo's export names its one input {@code input} ({@code float [N, features]}, columns in the
 * feature-id order of the model's feature map) and its one output {@code output} ({@code float [N,
 * outputs]}, columns in the output-id order: class probabilities after softmax for a classifier,
 * the regressed values for a regressor).
 *
 * <p>Tolerances against Tribuo: Tribuo predicts in double, the exported graph in float32 (its
 * weights are written as floats by {@code org.tribuo.util.onnx}); the gap is float32 rounding of
 * the inputs, weights and sums, about 1e-7 relative, well inside the 1e-6 checked for
 * probabilities, and about 1e-6 relative for regressed values, checked relative to the value.
 */
class OnnxTribuoExportTest {
  private static final List<String> FEATURES = Fixtures.FEATURES;

  @TempDir Path dir;

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
  }

  @Test
  void exportedLogisticRegressionEqualsTribuoAndOrtSession() throws Exception {
    Model<Label> tribuo = TribuoTraining.logistic(20261206);
    Path file = dir.resolve("churn-tribuo.onnx");
    // tag::tribuo-export[]
    ((ONNXExportable) tribuo).saveONNXModel("com.example.churn", 1, file);
    List<String> columns = new ArrayList<>(); // the columns of input "input": feature-id order
    for (int i = 0; i < tribuo.getFeatureIDMap().size(); i++) {
      columns.add(tribuo.getFeatureIDMap().get(i).getName());
    }
    List<String> labels = new ArrayList<>(); // the columns of output "output": output-id order
    for (int i = 0; i < tribuo.getOutputIDInfo().size(); i++) {
      labels.add(tribuo.getOutputIDInfo().getOutput(i).getLabel());
    }
    ModelArtifact artifact =
        OnnxArtifact.of(file)
            .columns(columns.toArray(String[]::new))
            .classification(labels.toArray(String[]::new))
            .toArtifact();
    // end::tribuo-export[]
    assertThat(columns).isEqualTo(TribuoTraining.columns(tribuo));
    assertThat(labels).isEqualTo(TribuoTraining.labels(tribuo));

    // the names Tribuo's export uses
    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(file.toString())) {
      NodeInfo in = s.getInputInfo().get("input");
      assertThat(s.getInputInfo().keySet()).containsExactly("input");
      assertThat(((TensorInfo) in.getInfo()).type).isEqualTo(OnnxJavaType.FLOAT);
      assertThat(((TensorInfo) in.getInfo()).getShape()).containsExactly(-1, 4);
      assertThat(s.getOutputInfo().keySet()).containsExactly("output");
    }
    List<Map<String, Double>> rows = Fixtures.rows();
    float[][] raw = rawOutput(file, columns, rows);
    try (ModelRegistry registry = registry()) {
      registry.register("churn", artifact, null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          org.tribuo.Prediction<Label> expected =
              TribuoTraining.predict(tribuo, LabelFactory.UNKNOWN_LABEL, rows.get(i));
          assertThat(p.output()).isEqualTo(expected.getOutput().getLabel());
          for (int c = 0; c < labels.size(); c++) {
            String label = labels.get(c);
            assertThat(p.score(label))
                .isCloseTo(expected.getOutputScores().get(label).getScore(), within(1e-6))
                .isCloseTo(raw[i][c], within(1e-6));
          }
        }
      }
    }
  }

  @Test
  void exportedLinearRegressionEqualsTribuoAndOrtSession() throws Exception {
    Model<Regressor> tribuo =
        new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 10, 1L)
            .train(
                TribuoTraining.data(
                    new RegressionFactory(),
                    x -> new Regressor("spend", 3.0 * x[0] - 2.0 * x[1] + 0.5 * x[2] + 0.1 * x[3]),
                    20261206));
    Path file = TribuoTraining.export(tribuo, dir.resolve("spend-tribuo.onnx"));
    List<String> columns = TribuoTraining.columns(tribuo);
    List<Map<String, Double>> rows = Fixtures.rows();
    float[][] raw = rawOutput(file, columns, rows);
    try (ModelRegistry registry = registry()) {
      registry.register(
          "spend",
          OnnxArtifact.of(file).columns(columns.toArray(String[]::new)).regression().toArtifact(),
          null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("spend").build()) {
        assertThat(service.signature().orElseThrow().outputLabels()).containsExactly("output");
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          double expected =
              TribuoTraining.predict(tribuo, RegressionFactory.UNKNOWN_REGRESSOR, rows.get(i))
                  .getOutput()
                  .getValues()[0];
          assertThat(p.value()).isCloseTo(raw[i][0], within(1e-6));
          assertThat(p.value()).isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
        }
      }
    }
  }

  /** What a plain OrtSession.run of the export answers on {@code rows}: output "output". */
  private static float[][] rawOutput(
      Path file, List<String> columns, List<Map<String, Double>> rows) throws Exception {
    List<double[]> rowsInColumnOrder = new ArrayList<>();
    for (Map<String, Double> r : rows) {
      rowsInColumnOrder.add(columns.stream().mapToDouble(r::get).toArray());
    }
    return RawOnnx.run(file, columns, rowsInColumnOrder, OnnxJavaType.FLOAT, "input", false)
        .get("output");
  }
}
