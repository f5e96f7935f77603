package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.validation.Evaluation;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.MetricNames;
import io.github.mlops4j.registry.validation.ModelEvaluator;
import io.github.mlops4j.registry.validation.Rule;
import io.github.mlops4j.registry.validation.ValidationGate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;

/**
 * {@link ModelEvaluator} and the {@link ValidationGate} on ONNX versions: their metrics are
 * computed from the graph's outputs and equal both metrics computed here from a plain {@code
 * OrtSession.run} of the holdout and scikit-learn 1.2.1's own metrics ({@code sklearn_metrics.csv}
 * of {@code make_fixtures.py}: {@code accuracy_score}, {@code f1_score(average="macro")}, {@code
 * log_loss}, {@code mean_squared_error}, {@code mean_absolute_error}, {@code r2_score}).
 */
class OnnxEvaluationTest {
  @TempDir Path dir;

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
  }

  private static OnnxArtifact churn(String file) {
    return OnnxArtifact.of(Fixtures.file(file))
        .columns(Fixtures.FEATURES.toArray(String[]::new))
        .classification("no", "yes");
  }

  /** The holdout's rows as requests, and its last column as text. */
  private static List<String[]> cells(String file) throws IOException {
    List<String> lines = Files.readAllLines(Fixtures.file(file));
    List<String[]> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      out.add(line.split(","));
    }
    return out;
  }

  private static List<Map<String, Double>> requests(List<String[]> cells) {
    List<Map<String, Double>> out = new ArrayList<>();
    for (String[] c : cells) {
      Map<String, Double> row = new HashMap<>();
      for (int j = 0; j < Fixtures.FEATURES.size(); j++) {
        row.put(Fixtures.FEATURES.get(j), Double.parseDouble(c[j]));
      }
      out.add(row);
    }
    return out;
  }

  private static Map<String, Double> sklearnMetrics() throws IOException {
    Map<String, Double> out = new HashMap<>();
    for (String[] c : cells("sklearn_metrics.csv")) {
      out.put(c[0], Double.parseDouble(c[1]));
    }
    return out;
  }

  @Test
  void classifierMetricsComeFromTheGraphsOutputs() throws Exception {
    List<String[]> cells = cells("holdout_classifier.csv");
    Map<String, float[][]> raw = RawOnnx.run(Fixtures.file("classifier.onnx"), requests(cells));
    // independently: accuracy, macro F1 and log loss of the raw outputs
    int n = cells.size();
    int correct = 0;
    int[][] confusion = new int[2][2]; // [true][predicted]
    double logLoss = 0;
    for (int i = 0; i < n; i++) {
      int truth = cells.get(i)[4].equals("yes") ? 1 : 0;
      int predicted = (int) raw.get("label")[i][0];
      correct += truth == predicted ? 1 : 0;
      confusion[truth][predicted]++;
      logLoss -= Math.log(Math.max(raw.get("probabilities")[i][truth], 1e-15));
    }
    double f1 = 0;
    for (int c = 0; c < 2; c++) {
      double tp = confusion[c][c];
      double precision = tp / (confusion[0][c] + confusion[1][c]);
      double recall = tp / (confusion[c][0] + confusion[c][1]);
      f1 += 2 * precision * recall / (precision + recall) / 2;
    }
    Map<String, Double> sklearn = sklearnMetrics();
    try (ModelRegistry registry = registry()) {
      registry.register("churn", churn("classifier.onnx").toArtifact(), null);
      Holdout<org.tribuo.classification.Label> holdout =
          Holdout.csvBuilder(Fixtures.file("holdout_classifier.csv"), "churn", new LabelFactory())
              .build();
      Evaluation e = ModelEvaluator.evaluate(registry, "churn", "1", holdout);
      assertThat(e.rows()).isEqualTo(n);
      assertThat(e.metric(MetricNames.ACCURACY)).isEqualTo((double) correct / n);
      assertThat(e.metric(MetricNames.MACRO_F1)).isCloseTo(f1, within(1e-12));
      assertThat(e.metric(MetricNames.LOG_LOSS)).isCloseTo(logLoss / n, within(1e-9));
      // scikit-learn's metrics of its own model: the same labels, probabilities within float32
      assertThat(e.metric(MetricNames.ACCURACY)).isEqualTo(sklearn.get("accuracy"));
      assertThat(e.metric(MetricNames.MACRO_F1)).isCloseTo(sklearn.get("macro_f1"), within(1e-12));
      assertThat(e.metric(MetricNames.LOG_LOSS)).isCloseTo(sklearn.get("log_loss"), within(1e-6));
    }
  }

  @Test
  void regressorMetricsComeFromTheGraphsOutputs() throws Exception {
    List<String[]> cells = cells("holdout_regressor.csv");
    float[][] raw = RawOnnx.run(Fixtures.file("regressor.onnx"), requests(cells)).get("variable");
    int n = cells.size();
    double squared = 0;
    double absolute = 0;
    double mean = 0;
    for (String[] c : cells) {
      mean += Double.parseDouble(c[4]) / n;
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double truth = Double.parseDouble(cells.get(i)[4]);
      squared += (truth - raw[i][0]) * (truth - raw[i][0]);
      absolute += Math.abs(truth - raw[i][0]);
      total += (truth - mean) * (truth - mean);
    }
    Map<String, Double> sklearn = sklearnMetrics();
    try (ModelRegistry registry = registry()) {
      registry.register(
          "spend",
          OnnxArtifact.of(Fixtures.file("regressor.onnx"))
              .columns(Fixtures.FEATURES.toArray(String[]::new))
              .regression()
              .toArtifact(),
          null);
      Holdout<org.tribuo.regression.Regressor> holdout =
          Holdout.csvBuilder(
                  Fixtures.file("holdout_regressor.csv"), "target", new RegressionFactory())
              .build();
      Evaluation e = ModelEvaluator.evaluate(registry, "spend", "1", holdout);
      assertThat(e.metric(MetricNames.RMSE)).isCloseTo(Math.sqrt(squared / n), within(1e-9));
      assertThat(e.metric(MetricNames.MAE)).isCloseTo(absolute / n, within(1e-9));
      assertThat(e.metric(MetricNames.R2)).isCloseTo(1 - squared / total, within(1e-9));
      // scikit-learn's metrics of its own (double) model; the graph holds float32 weights
      assertThat(e.metric(MetricNames.RMSE)).isCloseTo(sklearn.get("rmse"), within(1e-5));
      assertThat(e.metric(MetricNames.MAE)).isCloseTo(sklearn.get("mae"), within(1e-5));
      assertThat(e.metric(MetricNames.R2)).isCloseTo(sklearn.get("r2"), within(1e-6));
    }
  }

  @Test
  void gatePromotesAnOnnxCandidateThatPassesAndKeepsTheChampionOtherwise() {
    try (ModelRegistry registry = registry()) {
      registry.register("churn", churn("classifier.onnx").toArtifact(), null);
      registry.setAlias("churn", "champion", 1);
      // the same model with a double input: equal metrics, so not worse than the champion
      registry.register("churn", churn("classifier_double.onnx").toArtifact(), null);
      Holdout<org.tribuo.classification.Label> holdout =
          Holdout.csvBuilder(Fixtures.file("holdout_classifier.csv"), "churn", new LabelFactory())
              .build();
      ValidationGate gate =
          ValidationGate.builder()
              .require(MetricNames.ACCURACY, Rule.atLeast(0.9))
              .require(MetricNames.LOG_LOSS, Rule.notWorseThanChampionBy(0.001))
              .build();
      GateResult passed = gate.promoteIfPassed(registry, "churn", 2, "champion", holdout);
      assertThat(passed.passed()).as(passed.summary()).isTrue();
      assertThat(passed.wasPromoted()).isTrue();
      assertThat(registry.aliases("churn")).containsEntry("champion", 2);

      registry.register("churn", churn("classifier_zipmap.onnx").toArtifact(), null);
      ValidationGate strict =
          ValidationGate.builder().require(MetricNames.ACCURACY, Rule.atLeast(0.95)).build();
      GateResult failed = strict.promoteIfPassed(registry, "churn", 3, "champion", holdout);
      assertThat(failed.passed()).isFalse();
      assertThat(failed.failures())
          .singleElement()
          .satisfies(r -> assertThat(r.observed()).isEqualTo(0.94));
      assertThat(registry.aliases("churn")).containsEntry("champion", 2);
    }
  }
}
