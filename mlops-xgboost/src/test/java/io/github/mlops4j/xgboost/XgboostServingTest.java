package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

/**
 * XGBoost models served through {@link InferenceService} answer what Python XGBoost 1.7.4's {@code
 * predict} and {@code predict_proba} answered for the same rows ({@code predictions.csv}, written
 * by {@code make_fixtures.py}), and what xgboost4j's own {@code Booster.predict} answers on a
 * {@code DMatrix} of the same rows; within 1e-6, for models saved as JSON and as UBJ.
 */
class XgboostServingTest {
  private static final double TOLERANCE = 1e-6;

  @TempDir Path workspace;

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "ubj"})
  void binaryClassifierEqualsPythonAndBoosterPredict(String ext) throws Exception {
    String file = "classifier." + ext;
    List<Map<String, Double>> rows = Fixtures.rows(false);
    List<double[]> python = Fixtures.python(false);
    float[][] raw = RawXgboost.predict(file, rows);
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register(
              "churn",
              XgboostArtifact.of(Fixtures.file(file)).classification("no", "yes").toArtifact(),
              null);
      assertThat(v.format()).isEqualTo("xgboost");
      assertThat(v.signature().orElseThrow().inputNames()).isEqualTo(Fixtures.FEATURES);
      assertThat(v.signature().orElseThrow().outputType()).isEqualTo("Label");
      assertThat(v.signature().orElseThrow().outputLabels()).containsExactly("no", "yes");
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          double[] want = python.get(i);
          assertThat(p.output()).isEqualTo(want[Fixtures.CLASSIFIER_LABEL] == 1 ? "yes" : "no");
          assertThat(p.score("no")).isCloseTo(want[Fixtures.CLASSIFIER_P0], within(TOLERANCE));
          assertThat(p.score("yes"))
              .isCloseTo(want[Fixtures.CLASSIFIER_P0 + 1], within(TOLERANCE))
              .isCloseTo(raw[i][0], within(TOLERANCE));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "ubj"})
  void multiclassEqualsPythonAndBoosterPredict(String ext) throws Exception {
    String file = "multiclass." + ext;
    List<Map<String, Double>> rows = Fixtures.rows(false);
    List<double[]> python = Fixtures.python(false);
    float[][] raw = RawXgboost.predict(file, rows);
    List<String> labels = List.of("low", "mid", "high");
    try (ModelRegistry registry = registry()) {
      registry.register(
          "tier",
          XgboostArtifact.of(Fixtures.file(file)).classification("low", "mid", "high").toArtifact(),
          null);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("tier").build()) {
        List<Prediction> all = service.predictAll(rows);
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = all.get(i);
          double[] want = python.get(i);
          assertThat(p.output()).isEqualTo(labels.get((int) want[Fixtures.MULTICLASS_LABEL]));
          for (int c = 0; c < 3; c++) {
            assertThat(p.score(labels.get(c)))
                .isCloseTo(want[Fixtures.MULTICLASS_P0 + c], within(TOLERANCE))
                .isCloseTo(raw[i][c], within(TOLERANCE));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"regressor.json", "regressor.ubj", "regressor_nonames.json"})
  void regressorEqualsPythonAndBoosterPredict(String file) throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows(false);
    List<double[]> python = Fixtures.python(false);
    float[][] raw = RawXgboost.predict(file, rows);
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register(
              "spend",
              XgboostArtifact.of(Fixtures.file(file))
                  .columns("tenure", "age", "spend", "visits", "calls")
                  .regression()
                  .toArtifact(),
              null);
      assertThat(v.signature().orElseThrow().outputType()).isEqualTo("Regressor");
      assertThat(v.signature().orElseThrow().outputLabels()).containsExactly("value");
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("spend").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.value())
              .isCloseTo(python.get(i)[Fixtures.REGRESSOR], within(TOLERANCE))
              .isCloseTo(raw[i][0], within(TOLERANCE));
          assertThat(p.score("value")).isEqualTo(p.value());
        }
      }
    }
  }

  /** A feature an example lacks reaches XGBoost as NaN, its missing value, as in Python. */
  @Test
  void missingFeaturesAreXgboostMissingValues() throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows(true);
    List<double[]> python = Fixtures.python(true);
    float[][] raw = RawXgboost.predict("classifier.ubj", rows);
    try (ModelRegistry registry = registry()) {
      ModelVersion c =
          registry.register(
              "churn",
              XgboostArtifact.of(Fixtures.file("classifier.ubj"))
                  .classification("no", "yes")
                  .toArtifact(),
              null);
      ModelVersion r =
          registry.register(
              "spend",
              XgboostArtifact.of(Fixtures.file("regressor.json")).regression().toArtifact(),
              null);
      Model<Label> classifier = registry.loadTribuo(c, Label.class);
      Model<Regressor> regressor = registry.loadTribuo(r, Regressor.class);
      try {
        for (int i = 0; i < rows.size(); i++) {
          ArrayExample<Label> e = new ArrayExample<>(new Label("no"));
          rows.get(i).forEach(e::add);
          assertThat(classifier.predict(e).getOutputScores().get("yes").getScore())
              .isCloseTo(python.get(i)[Fixtures.CLASSIFIER_P0 + 1], within(TOLERANCE))
              .isCloseTo(raw[i][0], within(TOLERANCE));
          ArrayExample<Regressor> x = new ArrayExample<>(new Regressor("value", 0));
          rows.get(i).forEach(x::add);
          assertThat(regressor.predict(x).getOutput().getValues()[0])
              .isCloseTo(python.get(i)[Fixtures.REGRESSOR], within(TOLERANCE));
        }
      } finally {
        ((AutoCloseable) classifier).close();
        ((AutoCloseable) regressor).close();
      }
    }
  }

  /** A list of examples is one native call, with the answers of one call per row. */
  @Test
  void aBatchIsOneCall() throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows(false);
    List<double[]> python = Fixtures.python(false);
    try (ModelRegistry registry = registry()) {
      ModelVersion v =
          registry.register(
              "tier",
              XgboostArtifact.of(Fixtures.file("multiclass.json"))
                  .classification("low", "mid", "high")
                  .toArtifact(),
              null);
      Model<Label> model = registry.loadTribuo(v, Label.class);
      try {
        List<Example<Label>> batch = new ArrayList<>();
        for (Map<String, Double> row : rows) {
          ArrayExample<Label> e = new ArrayExample<>(new Label("low"));
          row.forEach(e::add);
          batch.add(e);
        }
        List<org.tribuo.Prediction<Label>> out = model.predict(batch);
        assertThat(((XgboostModel<?>) model).calls()).isEqualTo(1);
        for (int i = 0; i < rows.size(); i++) {
          assertThat(out.get(i).getOutputScores().get("high").getScore())
              .isCloseTo(python.get(i)[Fixtures.MULTICLASS_P0 + 2], within(TOLERANCE));
        }
      } finally {
        ((AutoCloseable) model).close();
      }
    }
  }
}
