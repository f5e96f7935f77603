package io.github.mlops4j.xgboost;

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

/** The examples of docs/xgboost.md, run on the XGBoost 1.7.4 fixtures. */
class XgboostGuideExampleTest {
  @TempDir Path workspace;

  @Test
  void registerAndServe() {
    Path churnJson = Fixtures.file("classifier.json");
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      // tag::serve[]
      ModelVersion v =
          registry.register(
              "churn",
              XgboostArtifact.of(churnJson) // booster.save_model("churn.json") in Python
                  .classification("no", "yes") // classes 0 and 1
                  .toArtifact()
                  .description("XGBClassifier, XGBoost 1.7.4"),
              null);
      registry.setAlias("churn", "champion", v.version());

      try (InferenceService churn =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        Prediction p =
            churn.predict(
                Map.of("tenure", -0.61, "age", 0.27, "spend", 0.39, "visits", 1.0, "calls", 0.5));
        System.out.println(p.output() + " " + p.score("yes")); // no 0.0802...
        // end::serve[]
        assertThat(p.output()).isEqualTo("no");
        assertThat(p.score("yes")).isBetween(0.0802, 0.0803);
        assertThat(p.score("yes") + p.score("no"))
            .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
      }
    }
  }

  @Test
  void configuredLoader() {
    // tag::loader[]
    ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(workspace)
            .modelLoader(XgboostLoader.builder().poolSize(4).threadsPerCall(1).build())
            .build();
    // end::loader[]
    registry.close();
  }

  @Test
  void modelWithoutFeatureNames() {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      Path spendJson = Fixtures.file("regressor_nonames.json");
      // tag::columns[]
      ModelVersion v =
          registry.register(
              "spend",
              XgboostArtifact.of(spendJson) // saved without feature_names
                  .columns("tenure", "age", "spend", "visits", "calls") // column 0, 1, ...
                  .regression() // reg:squarederror; the output is named "value"
                  .toArtifact(),
              null);
      // end::columns[]
      assertThat(v.signature().orElseThrow().inputNames()).hasSize(5);
    }
  }
}
