package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/onnx.md, run on the scikit-learn classifier fixture. */
class OnnxGuideExampleTest {
  @TempDir Path workspace;

  @Test
  void registerAndServe() {
    Path churnOnnx = Fixtures.file("classifier.onnx");
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      // tag::serve[]
      ModelVersion v =
          registry.register(
              "churn",
              OnnxArtifact.of(churnOnnx) // exported from scikit-learn by skl2onnx
                  .columns("tenure", "age", "spend", "visits") // the columns of "float_input"
                  .classification("no", "yes") // classes_ 0 and 1
                  .toArtifact()
                  .description("LogisticRegression, scikit-learn 1.2.1"),
              null);
      registry.setAlias("churn", "champion", v.version());

      try (InferenceService churn =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        Prediction p =
            churn.predict(Map.of("tenure", 0.22, "age", -0.418, "spend", 0.466, "visits", 0.875));
        System.out.println(p.output() + " " + p.score("yes")); // no 0.2292...
        // end::serve[]
        assertThat(p.output()).isEqualTo("no");
        assertThat(p.score("yes")).isBetween(0.2291, 0.2293);
      }
    }
  }
}
