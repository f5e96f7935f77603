package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.Performance;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.WindowSummary;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link Monitor} fed by an ONNX version's service through {@link MonitorListener} sees its
 * inputs and its predictions: labels join every prediction, and the window's accuracy and AUC equal
 * those computed here from a plain {@code OrtSession.run} of the same rows (and scikit-learn's
 * {@code accuracy_score} in {@code sklearn_metrics.csv}).
 */
class OnnxMonitoringTest {
  @TempDir Path workspace;

  @Test
  void monitorSeesTheOnnxPredictionsAndTheirInputs() throws Exception {
    List<String> lines = Files.readAllLines(Fixtures.file("holdout_classifier.csv"));
    List<Map<String, Double>> rows = new ArrayList<>();
    List<Boolean> truth = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      Map<String, Double> row = new LinkedHashMap<>();
      for (int j = 0; j < Fixtures.FEATURES.size(); j++) {
        row.put(Fixtures.FEATURES.get(j), Double.parseDouble(c[j]));
      }
      rows.add(row);
      truth.add(c[4].equals("yes"));
    }
    int n = rows.size();
    float[][] raw = RawOnnx.run(Fixtures.file("classifier.onnx"), rows).get("probabilities");
    // independently: accuracy of the 0.5 threshold, AUC as the Mann-Whitney statistic
    int correct = 0;
    double pairs = 0;
    double wins = 0;
    for (int i = 0; i < n; i++) {
      correct += (raw[i][1] >= 0.5) == truth.get(i) ? 1 : 0;
      for (int j = 0; j < n; j++) {
        if (truth.get(i) && !truth.get(j)) {
          pairs++;
          wins += raw[i][1] > raw[j][1] ? 1 : raw[i][1] == raw[j][1] ? 0.5 : 0;
        }
      }
    }
    ProfileAccumulator reference =
        ProfileAccumulator.create(
            ProfileSchema.builder().numeric(Fixtures.FEATURES.toArray(String[]::new)).build());
    Fixtures.rows().forEach(reference::update);
    try (ModelRegistry registry =
            ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build();
        Monitor monitor =
            Monitor.builder()
                .model("churn")
                .reference(reference.take())
                .window(WindowSpec.rows(10 * n))
                .clock(new MutableClock(Instant.parse("2026-12-06T00:00:00Z")))
                .predictions(PredictionTask.BINARY_CLASSIFICATION)
                .build()) {
      registry.register(
          "churn",
          OnnxArtifact.of(Fixtures.file("classifier.onnx"))
              .columns(Fixtures.FEATURES.toArray(String[]::new))
              .classification("no", "yes")
              .toArtifact(),
          null);
      MonitorListener feed = MonitorListener.builder(monitor).score("yes").build();
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").listener(feed).build()) {
        List<Prediction> predictions = new ArrayList<>();
        for (Map<String, Double> row : rows) {
          predictions.add(service.predict(row));
        }
        service.awaitEvents(Duration.ofMinutes(1)); // a safety net: delivery is asynchronous
        for (int i = 0; i < n; i++) {
          assertThat(monitor.recordLabel(predictions.get(i).id(), truth.get(i).booleanValue()))
              .isTrue();
        }
        assertThat(feed.failures()).isZero();
        assertThat(feed.observed()).isEqualTo(n);
        assertThat(feed.predictionsRecorded()).isEqualTo(n);
        WindowSummary window = monitor.flush().orElseThrow();
        Performance performance = window.performance().orElseThrow();
        assertThat(performance.labelled()).isEqualTo(n);
        assertThat(performance.accuracy().orElseThrow()).isEqualTo((double) correct / n);
        assertThat(performance.accuracy().orElseThrow()).isEqualTo(0.94); // accuracy_score
        assertThat(performance.auc().orElseThrow()).isCloseTo(wins / pairs, within(1e-12));
        double tenure = rows.stream().mapToDouble(r -> r.get("tenure")).average().orElseThrow();
        assertThat(window.profile().column("tenure").count()).isEqualTo(n);
        assertThat(window.profile().column("tenure").mean()).isCloseTo(tenure, within(1e-12));
      }
    }
  }
}
