package com.example.consumer;

import static io.github.mlops4j.registry.validation.Rule.atLeast;
import static io.github.mlops4j.registry.validation.Rule.notWorseThanChampionBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.monitoring.DriftListener;
import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.drift.Frame;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.training.RetrainingLoop;
import io.github.mlops4j.registry.validation.GateResult;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The README's Java examples, as a user compiles them against the published artifacts (imported
 * through mlops4j-bom only). Each tagged region is the README block, character for character
 * (DocSnippetsTest in mlops-examples compares them); the variables a block uses but does not
 * declare are the parameters of its method. The tests run in a fresh working directory under
 * target/, so the README's relative paths ("workspace", "data/train.csv") land there.
 */
class ReadmeSnippetsTest {
  private static final Path WORKSPACE = Path.of("workspace");

  @BeforeAll
  static void freshWorkingDirectory() throws IOException {
    for (String p : List.of("workspace", "data", "model.bin", "drift.html")) {
      deleteRecursively(Path.of(p));
    }
    Files.createDirectories(Path.of("data"));
    Files.writeString(Path.of("data/train.csv"), "tenure,churn\n3,yes\n14,no\n");
    Files.write(Path.of("model.bin"), new byte[] {1, 2, 3});
  }

  @Test
  void trackAnExperiment() {
    trackAnExperimentReadme();
    try (Tracker tracker = Tracker.open(WORKSPACE)) {
      assertFalse(tracker.searchRuns("churn", "metrics.loss < 0.2").isEmpty());
    }
  }

  void trackAnExperimentReadme() {
    // tag::readme-tracking[]
    try (Tracker tracker = Tracker.open(Path.of("workspace"))) {        // workspace/mlops.db + artifacts/
      try (Run run = tracker.startRun("churn")) {
        run.logParams(Map.of("lr", "0.05", "epochs", "10"));
        run.logInput(DatasetVersion.of(Path.of("data/train.csv")), "train");  // full-content SHA-256
        for (int epoch = 0; epoch < 10; epoch++) {
          run.logMetric("loss", 1.0 / (epoch + 1), epoch);             // queued: no I/O on this thread
        }
        run.logArtifact(Path.of("model.bin"));                          // stored once per SHA-256
      }                                                                 // FINISHED; run.fail(e) -> FAILED
      List<RunInfo> best = tracker.searchRuns("churn", "metrics.loss < 0.2 and params.lr = '0.05'");
    }
    // end::readme-tracking[]
  }

  @Test
  void registerPromoteAndLoad() {
    Model<Label> model = train(0.05);
    try (Tracker tracker = Tracker.open(WORKSPACE);
        ModelRegistry registry = ModelRegistry.open(WORKSPACE)) {
      Run run = tracker.startRun("churn-training");
      run.close();
      int first = registry.register("churn", train(0.5), run.id()).version();
      registry.setAlias("churn", "champion", first);
      registerPromoteAndLoadReadme(model, run);
      assertEquals(first, registry.resolve("churn", "champion").orElseThrow().version());
    }
  }

  void registerPromoteAndLoadReadme(Model<Label> model, Run run) {
    // tag::readme-registry[]
    try (ModelRegistry registry = ModelRegistry.open(Path.of("workspace"))) {   // same workspace
      ModelVersion v = registry.register("churn", model, run.id());             // Tribuo protobuf + signature
      registry.withComment("beats v3 on holdout").setAlias("churn", "champion", v.version());
      ModelVersion champion = registry.resolve("churn", "champion").orElseThrow();
      Model<Label> loaded = registry.loadTribuo(champion, Label.class);         // SHA-256 checked first
      registry.rollback("churn", "champion");                                   // back to the previous one
    }
    // end::readme-registry[]
  }

  @Test
  void featuresAndDrift() throws IOException {
    Path workspace = WORKSPACE;
    List<EntityRow> spine =
        List.of(EntityRow.of(Map.of("customer_id", "c-17"), Instant.parse("2026-01-02T00:00:00Z")));
    Frame referenceFrame =
        Frame.builder().numeric("tenure", new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).build();
    Frame currentFrame =
        Frame.builder().numeric("tenure", new double[] {11, 12, 13, 14, 15, 16, 17, 18, 19, 20}).build();
    List<TrainingRow> training = featuresAndDriftReadme(workspace, spine, referenceFrame, currentFrame);
    assertEquals(1, training.size());
    assertTrue(Files.size(Path.of("drift.html")) > 0);
  }

  List<TrainingRow> featuresAndDriftReadme(
      Path workspace, List<EntityRow> spine, Frame referenceFrame, Frame currentFrame)
      throws IOException {
    // tag::readme-features-drift[]
    FeatureStore features = FeatureStore.open(workspace);
    features.apply(FeatureView.builder("customer_stats").entity("customer_id", ValueType.STRING)
        .feature("avg_spend_30d", ValueType.DOUBLE).ttl(Duration.ofDays(2)).build());
    List<TrainingRow> training = features.historical(spine, List.of("customer_stats:avg_spend_30d"));

    DriftReport report = DriftDetector.builder(referenceFrame).build().compare(currentFrame);
    report.writeHtml(Path.of("drift.html"));   // self-contained page with per-column histograms
    // end::readme-features-drift[]
    features.close();
    return training;
  }

  // Compiled, not run: it needs a churn model whose inputs are served by the feature store.
  // ServingExample in mlops-examples runs the same calls on a real model.
  void serveOnlineAndInBatchReadme(
      Path workspace,
      FeatureStore featureStore,
      MeterRegistry meterRegistry,
      List<Map<String, Object>> requests) {
    // tag::readme-serving[]
    try (ModelRegistry registry = ModelRegistry.open(workspace);
         InferenceService churn = InferenceService.builder()
             .registry(registry).model("churn").alias("champion")             // follows the alias
             .features(featureStore, List.of("customer_stats:avg_spend_30d"))  // optional enrichment
             .meters(MicrometerServingMeters.of(meterRegistry))               // optional
             .build()) {
      Prediction p = churn.predict(Map.of("customer_id", "c-17", "tenure", 14.0));
      p.output();   // "yes"
      p.scores();   // {yes=0.81, no=0.19}
      p.version();  // 3: the version that answered
      p.route();    // "primary"
      p.id();       // joins the PredictionEvent and a delayed label
      List<Prediction> ps = churn.predictAll(requests);

      BatchResult r = BatchJob.builder().service(churn)
          .input(Path.of("customers.csv")).output(Path.of("scores.csv"))   // CSV or JSON Lines
          .passThrough("customer_id")
          .parallelism(4).checkpointEvery(10_000)
          .build().run();                          // input order kept, bad rows to a reject file
    }
    // end::readme-serving[]
  }

  // Compiled, not run: it needs a champion, a holdout and a monitor (ValidationExample and the
  // RetrainingLoop tests in mlops-registry run these calls).
  void promoteAndRetrainReadme(
      ModelRegistry registry,
      Tracker tracker,
      Monitor monitor,
      Executor worker,
      Trainer<Label> trainer,
      Holdout<Label> holdout,
      int candidateVersion) {
    // tag::readme-gate-retraining[]
    ValidationGate gate = ValidationGate.builder()
        .require("accuracy", atLeast(0.85))
        .require("macro_f1", notWorseThanChampionBy(0.01))    // paired test on the same rows
        .requireOnEverySlice("recall:yes", atLeast(0.7))
        .significance(0.05)
        .build();
    GateResult r = gate.promoteIfPassed(registry, "churn", candidateVersion, "champion", holdout);

    RetrainingLoop<Label> loop = RetrainingLoop.<Label>builder()
        .registry(registry).tracker(tracker).model("churn")
        .data(() -> loadLastWeek()).training((data, run) -> trainer.train(data))
        .holdout(() -> holdout).gate(gate).minInterval(Duration.ofHours(6))
        .build();
    monitor.addListener(DriftListener.onDatasetDrift((window, report) -> worker.execute(() ->
        loop.onDrift("window " + window.index(), report.columns().stream()
            .filter(ColumnDrift::drifted).map(ColumnDrift::column).toList()))));
    // end::readme-gate-retraining[]
  }

  Dataset<Label> loadLastWeek() {
    throw new UnsupportedOperationException("the README's placeholder");
  }

  // Compiled, not run: it writes to /mnt/shared and needs the host's PostgreSQL DataSource.
  void sharedStoreReadme(DataSource dataSource) {
    // tag::readme-shared-store[]
    Store store = Store.builder()
        .dataSource(dataSource)                 // your pool; mlops4j never closes it
        .artifactRoot(Path.of("/mnt/shared/mlops-artifacts"))
        .build();
    Tracker tracker = Tracker.builder().store(store).build();
    ModelRegistry registry = ModelRegistry.builder().store(store).build();
    FeatureStore features = FeatureStore.builder().store(store).build();
    // or each on its own: Tracker.builder().dataSource(dataSource).artifactRoot(...).build()
    // end::readme-shared-store[]
  }

  private static Model<Label> train(double learningRate) {
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("readme", labels), labels);
    for (int i = 0; i < 40; i++) {
      boolean churn = i % 2 == 0;
      data.add(
          new ArrayExample<>(
              new Label(churn ? "yes" : "no"),
              new String[] {"tenure"},
              new double[] {churn ? 2 + i % 5 : 20 + i % 7}));
    }
    return new LogisticRegressionTrainer().train(data);
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
