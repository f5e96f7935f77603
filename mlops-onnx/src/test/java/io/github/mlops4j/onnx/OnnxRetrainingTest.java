package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.training.RetrainingLoop;
import io.github.mlops4j.registry.training.RetrainingOutcome;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.MetricNames;
import io.github.mlops4j.registry.validation.Rule;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * A {@link RetrainingLoop} whose training function registers ONNX files: the first retraining picks
 * scikit-learn's classifier.onnx, the next trains a Tribuo logistic regression on the fresh data
 * and registers its ONNX export. Each is gated on the labelled holdout and promoted; the service on
 * the champion alias then answers what a plain {@code OrtSession.run} of that file answers.
 */
class OnnxRetrainingTest {
  @TempDir Path dir;

  @Test
  void trainingFunctionRegistersOnnxFilesThatAreGatedAndServed() throws Exception {
    AtomicInteger round = new AtomicInteger();
    List<Path> exported = new ArrayList<>();
    List<Model<Label>> trained = new ArrayList<>();
    try (ModelRegistry registry =
            ModelRegistry.builder()
                .workspace(dir.resolve("ws"))
                .pollInterval(Duration.ZERO)
                .build();
        Tracker tracker =
            Tracker.builder().store(registry.store()).captureEnvironment(false).build()) {
      RetrainingLoop<Label> loop =
          RetrainingLoop.<Label>builder()
              .registry(registry)
              .tracker(tracker)
              .model("churn")
              .data(
                  () ->
                      TribuoTraining.data(
                          new LabelFactory(),
                          x -> new Label(x[0] + 0.5 * x[1] - x[2] > 0 ? "yes" : "no"),
                          round.get()))
              .trainingArtifact(
                  (data, run) -> {
                    if (round.getAndIncrement() == 0) {
                      run.logParam("source", "scikit-learn");
                      return OnnxArtifact.of(Fixtures.file("classifier.onnx"))
                          .columns(Fixtures.FEATURES.toArray(String[]::new))
                          .classification("no", "yes")
                          .toArtifact();
                    }
                    run.logParam("source", "tribuo");
                    Model<Label> model =
                        new org.tribuo.classification.sgd.linear.LogisticRegressionTrainer()
                            .train(data);
                    trained.add(model);
                    Path file = dir.resolve("retrained-" + round.get() + ".onnx");
                    exported.add(file);
                    return TribuoTraining.artifact(model, file).toArtifact();
                  })
              .holdout(
                  () ->
                      Holdout.csvBuilder(
                              Fixtures.file("holdout_classifier.csv"), "churn", new LabelFactory())
                          .build())
              .gate(
                  ValidationGate.builder()
                      .require(MetricNames.ACCURACY, Rule.atLeast(0.85))
                      .build())
              .build();

      RetrainingOutcome first = loop.trigger("first model");
      assertThat(first.status()).as(first.message()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
      assertThat(registry.aliases("churn")).containsEntry("champion", 1);
      assertThat(registry.getVersion("churn", 1).orElseThrow().format()).isEqualTo("onnx");

      RetrainingOutcome second = loop.trigger("drift on tenure");
      assertThat(second.status()).as(second.message()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
      assertThat(registry.aliases("churn")).containsEntry("champion", 2);
      assertThat(registry.getVersion("churn", 2).orElseThrow().format()).isEqualTo("onnx");
      assertThat(registry.getVersion("churn", 2).orElseThrow().runId()).hasValue(second.runId());

      Model<Label> model = trained.get(0);
      List<String> columns = TribuoTraining.columns(model);
      int yes = TribuoTraining.labels(model).indexOf("yes");
      List<Map<String, Double>> rows = Fixtures.rows();
      List<double[]> inColumnOrder = new ArrayList<>();
      for (Map<String, Double> r : rows) {
        inColumnOrder.add(columns.stream().mapToDouble(r::get).toArray());
      }
      float[][] raw =
          RawOnnx.run(
                  exported.get(0),
                  columns,
                  inColumnOrder,
                  ai.onnxruntime.OnnxJavaType.FLOAT,
                  "input",
                  false)
              .get("output");
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.version()).isEqualTo(2);
          assertThat(p.score("yes")).isCloseTo(raw[i][yes], within(1e-6));
        }
      }
    }
  }
}
