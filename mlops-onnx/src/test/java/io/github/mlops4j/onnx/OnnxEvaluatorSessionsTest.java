package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.ModelEvaluator;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.LabelFactory;

/** Evaluating a registered ONNX version (gates, retraining) closes the session it opened. */
class OnnxEvaluatorSessionsTest {
  @TempDir Path dir;

  @Test
  void evaluationClosesTheSessionItOpened() {
    OnnxLoader loader = OnnxLoader.builder().build();
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build()) {
      registry.register(
          "churn",
          OnnxArtifact.of(Fixtures.file("classifier.onnx"))
              .columns(Fixtures.FEATURES.toArray(String[]::new))
              .classification("no", "yes")
              .toArtifact(),
          null);
      Holdout<org.tribuo.classification.Label> holdout =
          Holdout.csvBuilder(Fixtures.file("holdout_classifier.csv"), "churn", new LabelFactory())
              .build();
      long before = loader.sessionsOpened.get() - loader.sessionsClosed.get();
      for (int i = 0; i < 5; i++) {
        ModelEvaluator.evaluate(registry, "churn", "1", holdout);
      }
      long open = loader.sessionsOpened.get() - loader.sessionsClosed.get() - before;
      assertThat(open).isZero();
    }
  }
}
