package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workspace exported through MLflow's REST API to a server: here the standalone server on a
 * second workspace, read back through that workspace's own tracker and registry.
 */
class MlflowExportTest {
  private static final String TOKEN = "export-token-0123456789";

  @TempDir Path source;
  @TempDir Path target;
  @TempDir Path files;

  @Test
  void runsAndModelsArriveOnceWithEverything() throws Exception {
    String finishedId;
    String failedId;
    try (Tracker tracker = Tracker.builder().workspace(source).captureEnvironment(false).build();
        ModelRegistry registry = ModelRegistry.open(source)) {
      Path weights = Files.writeString(files.resolve("weights.bin"), "weights");
      Path model = Files.write(files.resolve("model.onnx"), new byte[] {1, 2, 3, 4});
      try (Run run = tracker.newRun("churn").name("baseline").tag("team", "risk").start()) {
        finishedId = run.id();
        run.logParam("lr", "0.1");
        run.logMetric("loss", 0.9, 0, Instant.ofEpochMilli(1_000));
        run.logMetric("loss", 0.4, 1, Instant.ofEpochMilli(2_000));
        run.logMetric("loss", Double.NaN, 2, Instant.ofEpochMilli(3_000));
        run.logArtifact(weights, "out/weights.bin");
      }
      Run failed = tracker.startRun("churn");
      failedId = failed.id();
      failed.logParam("lr", "0.5");
      failed.fail(new IllegalStateException("diverged"));
      Run running = tracker.startRun("churn");
      running.logParam("lr", "0.7");

      registry.register("churn model", ModelArtifact.file(model, "onnx").tag("k", "v"), finishedId);
      registry.register("churn model", ModelArtifact.file(model, "onnx"), finishedId);
      registry.archive("churn model", 1);
      registry.setAlias("churn model", "champion", 2);
      registry.register("orphan", ModelArtifact.file(model, "onnx"), null);
      tracker.flush(Duration.ofSeconds(30));

      try (Tracker out = Tracker.builder().workspace(target).captureEnvironment(false).build();
          ModelRegistry outRegistry = ModelRegistry.open(target);
          MlflowServer server =
              MlflowServer.builder()
                  .tracker(out)
                  .registry(outRegistry)
                  .port(0)
                  .token(TOKEN)
                  .principal("exporter")
                  .start()) {
        MlflowExport export =
            MlflowExport.builder()
                .tracker(tracker)
                .registry(registry)
                .target(URI.create(server.url()))
                .token(TOKEN)
                .build();
        MlflowExportReport first = export.run();
        assertThat(first.experimentsCreated()).isEqualTo(1);
        assertThat(first.runsExported()).isEqualTo(2);
        assertThat(first.modelsCreated()).isEqualTo(2);
        assertThat(first.versionsExported()).isEqualTo(2);
        assertThat(first.aliasesSet()).isEqualTo(1);
        assertThat(first.notExported())
            .anySatisfy(p -> assertThat(p).contains(running.id()).contains("still running"))
            .anySatisfy(p -> assertThat(p).contains("orphan").contains("no run"));

        List<RunInfo> exported = out.searchRuns("churn", "");
        assertThat(exported).hasSize(2);
        RunInfo copy =
            out.searchRuns(
                    "churn", "tags.\"" + MlflowExport.RUN_ID_TAG + "\" = '" + finishedId + "'")
                .get(0);
        assertThat(copy.runName()).isEqualTo("baseline");
        assertThat(copy.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(copy.params()).containsEntry("lr", "0.1");
        assertThat(copy.tags())
            .containsEntry("team", "risk")
            .containsEntry(MlflowExport.COMPLETE_TAG, "true");
        List<MetricPoint> history = out.metricHistory(copy.runId(), "loss");
        assertThat(history).extracting(MetricPoint::step).containsExactly(0L, 1L, 2L);
        assertThat(history)
            .extracting(p -> p.timestamp().toEpochMilli())
            .containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(history.get(0).value()).isEqualTo(0.9);
        assertThat(history.get(2).value()).isNaN();
        try (InputStream in = out.openArtifact(copy.runId(), "out/weights.bin")) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
        }
        RunInfo failedCopy =
            out.searchRuns("churn", "tags.\"" + MlflowExport.RUN_ID_TAG + "\" = '" + failedId + "'")
                .get(0);
        assertThat(failedCopy.status()).isEqualTo(RunStatus.FAILED);

        List<ModelVersion> versions = outRegistry.versions("churn model");
        assertThat(versions).hasSize(2);
        ModelVersion v1 = outRegistry.getVersion("churn model", 1).orElseThrow();
        assertThat(v1.status()).isEqualTo(ModelStatus.ARCHIVED);
        assertThat(v1.tags()).containsEntry("k", "v").containsEntry(MlflowExport.VERSION_TAG, "1");
        assertThat(v1.runId()).contains(copy.runId());
        try (InputStream in = outRegistry.openArtifact(v1)) {
          assertThat(in.readAllBytes()).containsExactly(1, 2, 3, 4);
        }
        assertThat(outRegistry.aliases("churn model")).containsEntry("champion", 2);
        assertThat(outRegistry.findModel("orphan")).isPresent();

        // A second export finds everything and adds nothing.
        MlflowExportReport second = export.run();
        assertThat(second.addedNothing()).isTrue();
        assertThat(second.runsSkipped()).isEqualTo(2);
        assertThat(second.versionsSkipped()).isEqualTo(2);
        assertThat(out.searchRuns("churn", "")).hasSize(2);
        assertThat(outRegistry.versions("churn model")).hasSize(2);
        assertThat(out.metricHistory(copy.runId(), "loss")).hasSize(3);
      }
    }
  }

  @Test
  void aRefusingServerIsAClearError() {
    try (Tracker tracker = Tracker.builder().workspace(source).captureEnvironment(false).build();
        MlflowServer server =
            MlflowServer.builder().workspace(target).port(0).token(TOKEN).start()) {
      tracker.createExperiment("e");
      MlflowExport export =
          MlflowExport.builder()
              .tracker(tracker)
              .target(URI.create(server.url()))
              .token("not-the-token-0123456789")
              .build();
      assertThatThrownBy(export::run)
          .isInstanceOfSatisfying(
              MlflowExportException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.errorCode()).isEqualTo("UNAUTHENTICATED");
                assertThat(e.endpoint()).isEqualTo("experiments/get-by-name");
              });
    }
  }

  /**
   * The MLflow REST API of {@code target}'s workspace behind the JDK's HTTP server, with the first
   * {@code failures} requests to {@code endpoint} answered 503 before they reach it.
   */
  private static HttpServer serve(MlflowRestApi api, String endpoint, AtomicInteger failures)
      throws Exception {
    MlflowHandler h =
        r ->
            r.path().endsWith("/" + endpoint) && failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0
                ? MlflowResponse.json(
                    503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"down\"}")
                : api.handle(r);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", MlflowHttpHandler.of(h, e -> "exporter"));
    server.start();
    return server;
  }

  private static URI url(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void aRunWhoseEndWasNotWrittenIsExportedAgainOnce() throws Exception {
    String runId;
    try (Tracker tracker = Tracker.builder().workspace(source).captureEnvironment(false).build();
        Tracker out = Tracker.builder().workspace(target).captureEnvironment(false).build();
        ModelRegistry outRegistry = ModelRegistry.open(target)) {
      Path weights = Files.writeString(files.resolve("weights.bin"), "weights");
      try (Run run = tracker.newRun("churn").name("baseline").start()) {
        runId = run.id();
        run.logParam("lr", "0.1");
        run.logMetric("loss", 0.9, 0, Instant.ofEpochMilli(1_000));
        run.logArtifact(weights, "out/weights.bin");
      }
      tracker.flush(Duration.ofSeconds(30));
      AtomicInteger failures = new AtomicInteger(1);
      HttpServer server =
          serve(
              MlflowRestApi.builder().tracker(out).registry(outRegistry).build(),
              "runs/update",
              failures);
      try {
        MlflowExport export = MlflowExport.builder().tracker(tracker).target(url(server)).build();
        assertThatThrownBy(export::run)
            .isInstanceOfSatisfying(
                MlflowExportException.class,
                e -> assertThat(e.endpoint()).isEqualTo("runs/update"));
        assertThat(failures).hasValue(0);

        MlflowExportReport second = export.run();
        assertThat(second.runsExported()).isEqualTo(1);
        assertThat(second.runsSkipped()).isZero();
        List<RunInfo> copies =
            out
                .searchRuns("churn", "tags.\"" + MlflowExport.RUN_ID_TAG + "\" = '" + runId + "'")
                .stream()
                .filter(r -> !r.deleted())
                .toList();
        assertThat(copies).hasSize(1);
        RunInfo copy = copies.get(0);
        assertThat(copy.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(copy.tags()).containsEntry(MlflowExport.COMPLETE_TAG, "true");
        assertThat(copy.params()).containsEntry("lr", "0.1");
        assertThat(out.metricHistory(copy.runId(), "loss")).hasSize(1);
        try (InputStream in = out.openArtifact(copy.runId(), "out/weights.bin")) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
        }

        MlflowExportReport third = export.run();
        assertThat(third.addedNothing()).isTrue();
        assertThat(third.runsSkipped()).isEqualTo(1);
      } finally {
        server.stop(0);
      }
    }
  }

  /**
   * Files larger than the HTTP client's buffers arrive whole: the upload streams them from the
   * artifact store (by design no byte array of the whole file is made; this checks the content).
   */
  @Test
  void largeArtifactsAndModelsArriveWithTheirDigest() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 7];
    new java.util.Random(42).nextBytes(big);
    String digest = sha256(big);
    try (Tracker tracker = Tracker.builder().workspace(source).captureEnvironment(false).build();
        ModelRegistry registry = ModelRegistry.open(source);
        Tracker out = Tracker.builder().workspace(target).captureEnvironment(false).build();
        ModelRegistry outRegistry = ModelRegistry.open(target)) {
      Path file = Files.write(files.resolve("big.bin"), big);
      String runId;
      try (Run run = tracker.newRun("churn").start()) {
        runId = run.id();
        run.logArtifact(file, "data/big.bin");
      }
      registry.register("big", ModelArtifact.file(file, "onnx"), runId);
      tracker.flush(Duration.ofSeconds(30));
      HttpServer server =
          serve(
              MlflowRestApi.builder().tracker(out).registry(outRegistry).build(),
              "none",
              new AtomicInteger());
      try {
        MlflowExportReport report =
            MlflowExport.builder()
                .tracker(tracker)
                .registry(registry)
                .target(url(server))
                .build()
                .run();
        assertThat(report.runsExported()).isEqualTo(1);
        assertThat(report.versionsExported()).isEqualTo(1);
        RunInfo copy = out.searchRuns("churn", "").get(0);
        try (InputStream in = out.openArtifact(copy.runId(), "data/big.bin")) {
          assertThat(sha256(in.readAllBytes())).isEqualTo(digest);
        }
        try (InputStream in =
            outRegistry.openArtifact(outRegistry.getVersion("big", 1).orElseThrow())) {
          assertThat(sha256(in.readAllBytes())).isEqualTo(digest);
        }
      } finally {
        server.stop(0);
      }
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
