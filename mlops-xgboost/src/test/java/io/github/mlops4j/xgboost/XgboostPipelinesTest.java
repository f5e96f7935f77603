package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.Performance;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.training.RetrainingLoop;
import io.github.mlops4j.registry.training.RetrainingOutcome;
import io.github.mlops4j.registry.validation.Evaluation;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.MetricNames;
import io.github.mlops4j.registry.validation.ModelEvaluator;
import io.github.mlops4j.registry.validation.Rule;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.ValidationPolicy;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Validation policies, {@link BatchJob} (CSV, JSON Lines), {@link ModelEvaluator}, the {@link
 * ValidationGate}, a {@link RetrainingLoop} whose training function registers XGBoost files, and a
 * {@link Monitor} fed by the service, all on models made by Python XGBoost 1.7.4. The references
 * are written by {@code make_fixtures.py}: Python's {@code predict} / {@code predict_proba} on the
 * same rows ({@code predictions.csv}, {@code filled_predictions.csv}, {@code
 * holdout_predictions.csv}) and scikit-learn 1.2.1's metrics of those predictions against the
 * holdout's truth ({@code sklearn_metrics.csv}); the metrics are also recomputed here from Python's
 * predictions.
 */
class XgboostPipelinesTest {
  private static final double TOLERANCE = 1e-6;

  @TempDir Path dir;

  private ModelRegistry registry() {
    return ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
  }

  private static void registerChurn(ModelRegistry registry, String file) {
    registry.register(
        "churn",
        XgboostArtifact.of(Fixtures.file(file)).classification("no", "yes").toArtifact(),
        null);
  }

  private static void registerSpend(ModelRegistry registry) {
    registry.register(
        "spend",
        XgboostArtifact.of(Fixtures.file("regressor.ubj")).regression().toArtifact(),
        null);
  }

  /** The holdout: feature rows, then the truth (the last cell of each line, as text). */
  private record Labelled(List<Map<String, Double>> rows, List<String> truth) {
    static Labelled read(String file) throws Exception {
      List<String> lines = Files.readAllLines(Fixtures.file(file));
      List<Map<String, Double>> rows = new ArrayList<>();
      List<String> truth = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",");
        Map<String, Double> row = new HashMap<>();
        for (String f : Fixtures.FEATURES) {
          row.put(f, Double.valueOf(cells[Fixtures.FEATURES.indexOf(f)]));
        }
        rows.add(row);
        truth.add(cells[cells.length - 1]);
      }
      return new Labelled(rows, truth);
    }
  }

  /** Python's predictions on the holdout, column {@code c} of holdout_predictions.csv. */
  private static double[] holdoutPython(int c) {
    return Fixtures.table("holdout_predictions.csv").stream().mapToDouble(r -> r[c]).toArray();
  }

  private static Map<String, Double> sklearn() throws Exception {
    Map<String, Double> out = new HashMap<>();
    List<String> lines = Files.readAllLines(Fixtures.file("sklearn_metrics.csv"));
    for (String line : lines.subList(1, lines.size())) {
      out.put(
          line.substring(0, line.indexOf(',')),
          Double.valueOf(line.substring(line.indexOf(',') + 1)));
    }
    return out;
  }

  private static Holdout<Label> churnHoldout() {
    return Holdout.csvBuilder(Fixtures.file("holdout_classifier.csv"), "churn", new LabelFactory())
        .build();
  }

  // --- validation policies ---------------------------------------------------------------------

  @Test
  void rejectNamesEachProblemAndFillAnswersAsPythonOnTheFilledRows() {
    List<Map<String, Double>> missing = Fixtures.rows(true);
    List<double[]> filled = Fixtures.table("filled_predictions.csv");
    try (ModelRegistry registry = registry()) {
      registerChurn(registry, "classifier.ubj");
      registerSpend(registry);
      try (InferenceService reject =
          InferenceService.builder().registry(registry).model("churn").build()) {
        Map<String, Object> bad = new HashMap<>(missing.get(0)); // lacks tenure
        bad.put("age", "forty");
        bad.put("spend", Double.POSITIVE_INFINITY);
        bad.put("region", "north");
        assertThatThrownBy(() -> reject.predict(bad))
            .isInstanceOfSatisfying(
                InvalidInputException.class,
                e ->
                    assertThat(e.problems())
                        .extracting(p -> p.field() + ":" + p.reason())
                        .containsExactlyInAnyOrder(
                            "tenure:" + InvalidInputException.Reason.MISSING,
                            "age:" + InvalidInputException.Reason.WRONG_TYPE,
                            "spend:" + InvalidInputException.Reason.INFINITE,
                            "region:" + InvalidInputException.Reason.UNKNOWN));
      }
      for (String model : List.of("churn", "spend")) {
        try (InferenceService fill =
            InferenceService.builder()
                .registry(registry)
                .model(model)
                .validation(ValidationPolicy.fill(0.5))
                .build()) {
          for (int i = 0; i < missing.size(); i++) {
            Prediction p = fill.predict(missing.get(i));
            double want = filled.get(i)[model.equals("churn") ? 0 : 1];
            assertThat(model.equals("churn") ? p.score("yes") : p.value())
                .as("%s row %d", model, i)
                .isCloseTo(want, within(TOLERANCE));
          }
          // rows 0-4 lack one value each, row 5 all five
          assertThat(fill.filledValues()).isEqualTo(10);
        }
      }
      // per-feature fill with the 0.5 default for the rest: the same filled rows
      try (InferenceService perFeature =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .validation(ValidationPolicy.fill(Map.of("tenure", 0.5), 0.5))
              .build()) {
        assertThat(perFeature.predict(missing.get(0)).score("yes"))
            .isCloseTo(filled.get(0)[0], within(TOLERANCE));
      }
    }
  }

  // --- BatchJob ----------------------------------------------------------------------------------

  @Test
  void batchJobOverCsvScoresEveryRowAsPython() throws Exception {
    Labelled holdout = Labelled.read("holdout_classifier.csv");
    double[] yes = holdoutPython(0);
    List<String> lines = new ArrayList<>();
    lines.add("row_id," + String.join(",", Fixtures.FEATURES));
    for (int i = 0; i < holdout.rows().size(); i++) {
      StringBuilder line = new StringBuilder("r" + i);
      for (String f : Fixtures.FEATURES) {
        line.append(',').append(holdout.rows().get(i).get(f));
      }
      lines.add(line.toString());
    }
    Path in = Files.write(dir.resolve("in.csv"), lines);
    Path out = dir.resolve("out.csv");
    BatchResult result;
    try (ModelRegistry registry = registry()) {
      registerChurn(registry, "classifier.json");
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        result =
            BatchJob.builder()
                .service(service)
                .input(in)
                .output(out)
                .passThrough("row_id")
                .chunkSize(8)
                .parallelism(2)
                .build()
                .run();
      }
    }
    assertThat(result.rowsScored()).isEqualTo(yes.length);
    assertThat(result.rowsRejected()).isZero();
    List<String> scored = Files.readAllLines(out);
    List<String> header = List.of(scored.get(0).split(","));
    assertThat(scored).hasSize(yes.length + 1);
    for (int i = 0; i < yes.length; i++) {
      String[] cells = scored.get(i + 1).split(",");
      assertThat(cells[header.indexOf("row_id")]).isEqualTo("r" + i);
      assertThat(Double.parseDouble(cells[header.indexOf("score_yes")]))
          .isCloseTo(yes[i], within(TOLERANCE));
      assertThat(cells[header.indexOf("output")]).isEqualTo(yes[i] > 0.5 ? "yes" : "no");
    }
  }

  @Test
  void batchJobOverJsonLinesScoresEveryRowAsPython() throws Exception {
    Labelled holdout = Labelled.read("holdout_regressor.csv");
    double[] value = holdoutPython(2);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < holdout.rows().size(); i++) {
      Map<String, Object> line = new HashMap<>(holdout.rows().get(i));
      line.put("key", "k" + i);
      lines.add(json.writeValueAsString(line));
    }
    Path in = Files.write(dir.resolve("in.jsonl"), lines);
    Path out = dir.resolve("out.jsonl");
    try (ModelRegistry registry = registry()) {
      registerSpend(registry);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("spend").build()) {
        BatchResult result =
            BatchJob.builder()
                .service(service)
                .input(in)
                .output(out)
                .passThrough("key")
                .chunkSize(5)
                .parallelism(3)
                .build()
                .run();
        assertThat(result.rowsScored()).isEqualTo(value.length);
      }
    }
    List<String> scored = Files.readAllLines(out);
    assertThat(scored).hasSize(value.length);
    for (int i = 0; i < value.length; i++) {
      JsonNode node = json.readTree(scored.get(i));
      assertThat(node.get("key").asText()).isEqualTo("k" + i);
      assertThat(node.get("model_version").asInt()).isEqualTo(1);
      assertThat(node.get("output").asDouble()).isCloseTo(value[i], within(TOLERANCE));
    }
  }

  // --- ModelEvaluator and the gate ---------------------------------------------------------------

  @Test
  void evaluatorMetricsOfAClassifierAreThoseOfPythonsPredictions() throws Exception {
    List<String> truth = Labelled.read("holdout_classifier.csv").truth();
    double[] yes = holdoutPython(0);
    int n = yes.length;
    int right = 0;
    double loss = 0;
    int[] tp = new int[2];
    int[] fp = new int[2];
    int[] fn = new int[2];
    for (int i = 0; i < n; i++) {
      int actual = truth.get(i).equals("yes") ? 1 : 0;
      int predicted = yes[i] > 0.5 ? 1 : 0;
      right += actual == predicted ? 1 : 0;
      loss += -Math.log(actual == 1 ? yes[i] : 1 - yes[i]) / n;
      if (actual == predicted) {
        tp[actual]++;
      } else {
        fp[predicted]++;
        fn[actual]++;
      }
    }
    double macroF1 = 0;
    for (int c = 0; c < 2; c++) {
      macroF1 += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]) / 2;
    }
    Map<String, Double> sklearn = sklearn();
    try (ModelRegistry registry = registry()) {
      registerChurn(registry, "classifier.ubj");
      Evaluation e = ModelEvaluator.evaluate(registry, "churn", "1", churnHoldout());
      assertThat(e.rows()).isEqualTo(n);
      assertThat(e.metric(MetricNames.ACCURACY))
          .isEqualTo((double) right / n)
          .isEqualTo(sklearn.get("accuracy"));
      assertThat(e.metric(MetricNames.MACRO_F1))
          .isCloseTo(macroF1, within(1e-12))
          .isCloseTo(sklearn.get("macro_f1"), within(1e-12));
      assertThat(e.metric(MetricNames.LOG_LOSS))
          .isCloseTo(loss, within(1e-7))
          .isCloseTo(sklearn.get("log_loss"), within(1e-7));
    }
  }

  @Test
  void evaluatorMetricsOfARegressorAreThoseOfPythonsPredictions() throws Exception {
    List<String> truth = Labelled.read("holdout_regressor.csv").truth();
    double[] predicted = holdoutPython(2);
    int n = predicted.length;
    double[] actual = truth.stream().mapToDouble(Double::parseDouble).toArray();
    double mean = java.util.Arrays.stream(actual).average().orElseThrow();
    double sse = 0;
    double sae = 0;
    double sst = 0;
    for (int i = 0; i < n; i++) {
      sse += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
      sae += Math.abs(actual[i] - predicted[i]);
      sst += (actual[i] - mean) * (actual[i] - mean);
    }
    Map<String, Double> sklearn = sklearn();
    try (ModelRegistry registry = registry()) {
      registerSpend(registry);
      Holdout<Regressor> holdout =
          Holdout.csvBuilder(
                  Fixtures.file("holdout_regressor.csv"), "target", new RegressionFactory())
              .build();
      Evaluation e = ModelEvaluator.evaluate(registry, "spend", "1", holdout);
      assertThat(e.rows()).isEqualTo(n);
      assertThat(e.metric(MetricNames.RMSE))
          .isCloseTo(Math.sqrt(sse / n), within(1e-9))
          .isCloseTo(sklearn.get("rmse"), within(1e-9));
      assertThat(e.metric(MetricNames.MAE))
          .isCloseTo(sae / n, within(1e-9))
          .isCloseTo(sklearn.get("mae"), within(1e-9));
      assertThat(e.metric(MetricNames.R2))
          .isCloseTo(1 - sse / sst, within(1e-9))
          .isCloseTo(sklearn.get("r2"), within(1e-9));
    }
  }

  @Test
  void gateDecidesOnTheMetricsOfEachXgboostVersion() throws Exception {
    Map<String, Double> sklearn = sklearn();
    try (ModelRegistry registry = registry()) {
      registerChurn(registry, "classifier_v2.ubj"); // v1: log loss 0.387
      registry.setAlias("churn", "champion", 1);
      registerChurn(registry, "classifier.json"); // v2: log loss 0.365
      registerChurn(registry, "classifier_v2.ubj"); // v3: v1's file again
      ValidationGate gate =
          ValidationGate.builder()
              .require(MetricNames.ACCURACY, Rule.atLeast(0.8))
              .require(MetricNames.LOG_LOSS, Rule.atMost(0.375))
              .build();
      GateResult better = gate.promoteIfPassed(registry, "churn", 2, "champion", churnHoldout());
      assertThat(better.passed()).as(better.summary()).isTrue();
      assertThat(registry.aliases("churn")).containsEntry("champion", 2);

      GateResult worse = gate.promoteIfPassed(registry, "churn", 3, "champion", churnHoldout());
      assertThat(worse.passed()).isFalse();
      assertThat(worse.failures())
          .singleElement()
          .satisfies(
              r -> assertThat(r.observed()).isCloseTo(sklearn.get("v2_log_loss"), within(1e-7)));
      assertThat(registry.aliases("churn")).containsEntry("champion", 2);
    }
  }

  // --- RetrainingLoop ----------------------------------------------------------------------------

  @Test
  void trainingFunctionRegistersXgboostFilesThatAreGatedAndServed() throws Exception {
    List<String> files = List.of("classifier_v2.ubj", "classifier.json");
    AtomicInteger round = new AtomicInteger();
    try (ModelRegistry registry = registry();
        Tracker tracker =
            Tracker.builder().store(registry.store()).captureEnvironment(false).build()) {
      RetrainingLoop<Label> loop =
          RetrainingLoop.<Label>builder()
              .registry(registry)
              .tracker(tracker)
              .model("churn")
              .data(() -> churnHoldout().dataset())
              .trainingArtifact(
                  (data, run) -> {
                    // a training job outside the JVM: it leaves a file, the function registers it
                    String file = files.get(round.getAndIncrement());
                    run.logParam("file", file);
                    return XgboostArtifact.of(Fixtures.file(file))
                        .classification("no", "yes")
                        .toArtifact();
                  })
              .holdout(XgboostPipelinesTest::churnHoldout)
              .gate(
                  ValidationGate.builder()
                      .require(MetricNames.ACCURACY, Rule.atLeast(0.8))
                      .require(MetricNames.LOG_LOSS, Rule.notWorseThanChampionBy(0.0))
                      .build())
              .build();
      for (int v = 1; v <= 2; v++) {
        RetrainingOutcome outcome = loop.trigger("round " + v);
        assertThat(outcome.status())
            .as(outcome.message())
            .isEqualTo(RetrainingOutcome.Status.PROMOTED);
        assertThat(registry.aliases("churn")).containsEntry("champion", v);
        assertThat(registry.getVersion("churn", v).orElseThrow().format()).isEqualTo("xgboost");
        assertThat(registry.getVersion("churn", v).orElseThrow().runId()).hasValue(outcome.runId());
      }
      List<Map<String, Double>> rows = Fixtures.rows(false);
      List<double[]> python = Fixtures.python(false);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.version()).isEqualTo(2);
          assertThat(p.score("yes"))
              .isCloseTo(python.get(i)[Fixtures.CLASSIFIER_P0 + 1], within(TOLERANCE));
        }
      }
    }
  }

  // --- monitoring --------------------------------------------------------------------------------

  @Test
  void monitorJoinsLabelsToTheXgboostPredictionsAndSeesTheirInputs() throws Exception {
    Labelled holdout = Labelled.read("holdout_classifier.csv");
    double[] yes = holdoutPython(0);
    int n = yes.length;
    // independently, from Python's probabilities: accuracy at 0.5, AUC by counting ordered pairs
    int right = 0;
    double positivesAbove = 0;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      boolean positive = holdout.truth().get(i).equals("yes");
      right += (yes[i] >= 0.5) == positive ? 1 : 0;
      if (!positive) {
        continue;
      }
      positives++;
      for (int j = 0; j < n; j++) {
        if (!holdout.truth().get(j).equals("yes")) {
          positivesAbove += Double.compare(yes[i], yes[j]) > 0 ? 1 : yes[i] == yes[j] ? 0.5 : 0;
        }
      }
    }
    double auc = positivesAbove / ((double) positives * (n - positives));
    ProfileAccumulator training =
        ProfileAccumulator.create(
            ProfileSchema.builder().numeric(Fixtures.FEATURES.toArray(String[]::new)).build());
    Fixtures.rows(false).forEach(training::update);
    Monitor monitor =
        Monitor.builder()
            .model("churn")
            .clock(new MutableClock(Instant.parse("2026-12-06T05:00:00Z")))
            .window(WindowSpec.rows(5L * n))
            .reference(training.take())
            .predictions(PredictionTask.BINARY_CLASSIFICATION)
            .build();
    try (monitor;
        ModelRegistry registry = registry()) {
      registerChurn(registry, "classifier.ubj");
      MonitorListener listener = MonitorListener.builder(monitor).score("yes").build();
      List<String> ids = new ArrayList<>();
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").listener(listener).build()) {
        for (Map<String, Double> row : holdout.rows()) {
          ids.add(service.predict(row).id());
        }
        service.awaitEvents(Duration.ofMinutes(1)); // a safety net: listeners run asynchronously
      }
      assertThat(listener.failures()).isZero();
      assertThat(listener.predictionsRecorded()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(monitor.recordLabel(ids.get(i), holdout.truth().get(i).equals("yes"))).isTrue();
      }
      WindowSummary summary = monitor.flush().orElseThrow();
      Performance performance = summary.performance().orElseThrow();
      assertThat(performance.labelled()).isEqualTo(n);
      assertThat(performance.accuracy().orElseThrow())
          .isEqualTo((double) right / n)
          .isEqualTo(sklearn().get("accuracy"));
      assertThat(performance.auc().orElseThrow()).isCloseTo(auc, within(1e-12));
      double meanSpend =
          holdout.rows().stream().mapToDouble(r -> r.get("spend")).average().orElseThrow();
      assertThat(summary.profile().column("spend").count()).isEqualTo(n);
      assertThat(summary.profile().column("spend").mean()).isCloseTo(meanSpend, within(1e-12));
    }
  }
}
