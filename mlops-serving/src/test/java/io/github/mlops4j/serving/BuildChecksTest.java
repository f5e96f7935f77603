package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes in names and references fail {@code build()}, naming what is wrong and what is close.
 */
class BuildChecksTest {
  @TempDir Path workspace;
  @TempDir Path featureWorkspace;

  @Test
  void misspelledFeatureOfAViewFailsTheBuildNamingTheClosestFeatures() {
    try (ModelRegistry registry = TestModels.registry(workspace);
        FeatureStore store = FeatureStore.open(featureWorkspace)) {
      store.apply(
          FeatureView.builder("applicant_stats")
              .entity("applicant_id", ValueType.STRING)
              .feature("debt_ratio", ValueType.DOUBLE)
              .feature("x2", ValueType.DOUBLE)
              .build());
      registry.register("churn", TestModels.classifier(0), null);
      assertThatThrownBy(
              () ->
                  InferenceService.builder()
                      .registry(registry)
                      .model("churn")
                      .features(store, List.of("applicant_stats:debtratio"))
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'applicant_stats:debtratio'")
          .hasMessageContaining("has no feature 'debtratio'")
          .hasMessageContaining("did you mean [debt_ratio]");
    }
  }

  @Test
  void misspelledViewFailsTheBuildNamingTheClosestViews() {
    try (ModelRegistry registry = TestModels.registry(workspace);
        FeatureStore store = FeatureStore.open(featureWorkspace)) {
      store.apply(
          FeatureView.builder("applicant_stats")
              .entity("applicant_id", ValueType.STRING)
              .feature("x2", ValueType.DOUBLE)
              .build());
      for (int i = 0; i < 30; i++) {
        store.apply(
            FeatureView.builder("other_view_" + i)
                .entity("k", ValueType.STRING)
                .feature("f", ValueType.DOUBLE)
                .build());
      }
      registry.register("churn", TestModels.classifier(0), null);
      assertThatThrownBy(
              () ->
                  InferenceService.builder()
                      .registry(registry)
                      .model("churn")
                      .features(store, List.of("aplicant_stats:x2"))
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("view 'aplicant_stats'")
          .hasMessageContaining("did you mean [applicant_stats]")
          .hasMessageContaining("11 more") // 31 views, 20 listed
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
    }
  }

  @Test
  void unknownModelFailsTheBuildNamingTheClosestModels() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("loan_default", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(0), null);
      assertThatThrownBy(
              () ->
                  InferenceService.builder()
                      .registry(registry)
                      .model("loan_defualt")
                      .alias("champion")
                      .build())
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("no model named 'loan_defualt'")
          .hasMessageContaining("did you mean [loan_default]")
          .hasMessageNotContaining("alias");
    }
  }

  @Test
  void anExistingModelWithoutTheAliasStillSaysToSetTheAlias() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("loan_default", TestModels.classifier(0), null);
      assertThatThrownBy(
              () ->
                  InferenceService.builder()
                      .registry(registry)
                      .model("loan_default")
                      .alias("champion")
                      .build())
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("'loan_default' has no version for alias champion")
          .hasMessageContaining("set the alias first");
    }
  }

  @Test
  void anEmptyRegistrySaysSo() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      assertThatThrownBy(() -> InferenceService.builder().registry(registry).model("churn").build())
          .isInstanceOf(ModelUnavailableException.class)
          .hasMessageContaining("no model named 'churn'")
          .hasMessageContaining("no models yet");
    }
  }
}
