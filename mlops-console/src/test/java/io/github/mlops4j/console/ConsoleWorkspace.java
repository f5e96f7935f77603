package io.github.mlops4j.console;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.monitoring.DriftRecorder;
import io.github.mlops4j.monitoring.WindowInfo;
import io.github.mlops4j.monitoring.drift.DriftDetector;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.drift.Frame;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

/**
 * A workspace the console tests read: two experiments of runs with metrics, params and an artifact
 * (one run with a hostile name and param), a model with an alias moved by a named actor with a
 * comment, a feature view with rows, and three drift windows kept by a {@link DriftRecorder}.
 */
final class ConsoleWorkspace {
  static final String HOSTILE = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
  static final String HOSTILE_PARAM = "<b onmouseover=alert(3)>x</b>";
  static final String ARTIFACT_TEXT = "the model's notes\n";
  static final String MOVE_COMMENT = "v2 beat v1 on the holdout";
  static final String ACTOR = "alice";

  final Path workspace;
  final String runA;
  final String runB;
  final String hostileRun;

  private ConsoleWorkspace(Path workspace, String runA, String runB, String hostileRun) {
    this.workspace = workspace;
    this.runA = runA;
    this.runB = runB;
    this.hostileRun = hostileRun;
  }

  static ConsoleWorkspace fill(Path dir) throws IOException {
    Path ws = dir.resolve("ws");
    Path data = dir.resolve("train.csv");
    Files.writeString(data, "x,y\n1,0\n2,1\n3,0\n", StandardCharsets.UTF_8);
    Path notes = dir.resolve("notes.txt");
    Files.writeString(notes, ARTIFACT_TEXT, StandardCharsets.UTF_8);
    String a;
    String b;
    String hostile;
    try (Store store = Store.open(ws);
        Tracker tracker = Tracker.builder().store(store).captureEnvironment(false).build()) {
      DatasetVersion train = DatasetVersion.of("train.csv", data);
      a = run(tracker, "tree-depth-4", "tree", 0.80, train, notes);
      b = run(tracker, "forest-100", "forest", 0.90, train, null);
      try (Run h = tracker.newRun("churn").name(HOSTILE).start()) {
        h.logParam("note", HOSTILE_PARAM);
        h.setTag("owner", HOSTILE);
        h.logMetric("accuracy", 0.5, 0);
        hostile = h.id();
      }
      try (Run other = tracker.newRun("fraud").name("fraud-baseline").start()) {
        other.logParam("model", "logistic");
        other.logMetric("auc", 0.7, 0);
      }
      tracker.flush(Duration.ofSeconds(30));

      try (ModelRegistry registry = ModelRegistry.builder().store(store).build()) {
        registry.createModel("churn", "Predicts churn");
        ModelVersion v1 = registry.register("churn", ModelArtifact.file(notes, "text"), a);
        ModelVersion v2 = registry.register("churn", ModelArtifact.file(notes, "text"), b);
        registry.withActor(ACTOR).setAlias("churn", "champion", v1.version());
        registry
            .withActor(ACTOR)
            .withComment(MOVE_COMMENT)
            .setAlias("churn", "champion", v2.version());
        registry.recordEvaluation(
            "churn", v2.version(), b, "holdout.csv", train.digest(), Map.of("accuracy", 0.9));
      }

      try (FeatureStore features = FeatureStore.builder().store(store).build()) {
        features.apply(
            FeatureView.builder("customer_stats")
                .entity("customer_id", ValueType.LONG)
                .feature("spend_30d", ValueType.DOUBLE)
                .feature("orders_30d", ValueType.LONG)
                .ttl(Duration.ofDays(2))
                .description("Spend and orders over 30 days")
                .build());
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        features.write(
            "customer_stats",
            java.util.List.of(
                FeatureRow.of(
                    Map.of("customer_id", 1L), t, Map.of("spend_30d", 12.5, "orders_30d", 3L)),
                FeatureRow.of(
                    Map.of("customer_id", 2L), t, Map.of("spend_30d", 40.0, "orders_30d", 7L))));
        features.materialize(t.plusSeconds(60));
      }

      DriftRecorder recorder = DriftRecorder.of(tracker, "churn");
      Random rnd = new Random(7);
      double[] ref = new double[400];
      for (int i = 0; i < ref.length; i++) {
        ref[i] = rnd.nextGaussian();
      }
      DriftDetector detector =
          DriftDetector.builder(Frame.builder().numeric("spend", ref).build()).build();
      Instant start = Instant.parse("2026-01-02T00:00:00Z");
      for (int w = 0; w < 3; w++) {
        double[] cur = new double[400];
        for (int i = 0; i < cur.length; i++) {
          cur[i] = rnd.nextGaussian() + w; // window 0 like the reference, then shifted
        }
        DriftReport report = detector.compare(Frame.builder().numeric("spend", cur).build());
        recorder.onWindow(
            new WindowInfo(
                w, start.plusSeconds(3600L * w), start.plusSeconds(3600L * (w + 1)), 400),
            report);
      }
      tracker.flush(Duration.ofSeconds(30));
    }
    return new ConsoleWorkspace(ws, a, b, hostile);
  }

  private static String run(
      Tracker tracker,
      String name,
      String model,
      double accuracy,
      DatasetVersion train,
      @org.jspecify.annotations.Nullable Path artifact) {
    try (Run run = tracker.newRun("churn").name(name).start()) {
      run.logParam("model", model);
      run.logParam("seed", "42");
      run.logInput(train, "train");
      for (int step = 0; step < 50; step++) {
        run.logMetric("loss", 1.0 / (step + 1) + (model.equals("tree") ? 0.1 : 0), step);
        run.logMetric("accuracy", accuracy * step / 49.0, step);
      }
      if (artifact != null) {
        run.logArtifact(artifact, "notes/notes.txt");
      }
      return run.id();
    }
  }
}
