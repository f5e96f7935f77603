package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.governance.DataAccessDeniedException;
import io.github.mlops4j.governance.DataAction;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliberate refusals: checked before anything is written, answered with MLflow's {@code 400
 * INVALID_PARAMETER_VALUE} (which its clients do not retry), and leaving the workspace unchanged.
 */
class MlflowRestRefusalsTest {
  @TempDir Path workspace;
  @TempDir Path files;
  private Tracker tracker;
  private ModelRegistry registry;
  private RestCalls api;
  private String runId;

  @BeforeEach
  void open() {
    tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    registry = ModelRegistry.open(workspace);
    api = new RestCalls(MlflowRestApi.builder().tracker(tracker).registry(registry).build(), "u");
    runId =
        api.post("runs/create", "{\"experiment_id\": \"0\"}")
            .json()
            .path("run")
            .path("info")
            .path("run_id")
            .asText();
  }

  @AfterEach
  void close() {
    registry.close();
    tracker.close();
  }

  private void threeVersions() throws Exception {
    Path model = Files.write(files.resolve("model.onnx"), new byte[] {1, 2, 3});
    for (int i = 0; i < 3; i++) {
      registry.register("m", ModelArtifact.file(model, "onnx"), null);
    }
  }

  private String stageOf(int version) {
    return api.get("model-versions/get", "name=m&version=" + version)
        .json()
        .path("model_version")
        .path("current_stage")
        .asText();
  }

  @Test
  void archivingOtherVersionsIsRefusedBeforeAnyChangeWhenAnAliasPointsToOne() throws Exception {
    threeVersions();
    for (int v = 1; v <= 2; v++) {
      assertThat(
              api.post(
                      "model-versions/transition-stage",
                      "{\"name\": \"m\", \"version\": \"" + v + "\", \"stage\": \"Production\"}")
                  .status())
          .isEqualTo(200);
    }
    registry.setAlias("m", "champion", 2);

    RestCalls.Answer a =
        api.post(
            "model-versions/transition-stage",
            "{\"name\": \"m\", \"version\": \"3\", \"stage\": \"Production\","
                + " \"archive_existing_versions\": true}");

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(a.json().path("message").asText()).contains("champion");
    assertThat(stageOf(1)).isEqualTo("Production");
    assertThat(stageOf(2)).isEqualTo("Production");
    assertThat(stageOf(3)).isEqualTo("None");
    assertThat(registry.versions("m"))
        .extracting(ModelVersion::status)
        .containsOnly(ModelStatus.READY);
  }

  @Test
  void archivingOtherVersionsMovesTheStage() throws Exception {
    threeVersions();
    api.post(
        "model-versions/transition-stage",
        "{\"name\": \"m\", \"version\": \"1\", \"stage\": \"Production\"}");
    RestCalls.Answer a =
        api.post(
            "model-versions/transition-stage",
            "{\"name\": \"m\", \"version\": \"2\", \"stage\": \"Production\","
                + " \"archive_existing_versions\": true}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(stageOf(1)).isEqualTo("Archived");
    assertThat(stageOf(2)).isEqualTo("Production");
    assertThat(registry.getVersion("m", 1).orElseThrow().tags())
        .doesNotContainKey(MlflowModels.STAGE_TAG);
  }

  @Test
  void archivingAnAliasedVersionIsAnInvalidParameter() throws Exception {
    threeVersions();
    registry.setAlias("m", "champion", 1);
    RestCalls.Answer a =
        api.post(
            "model-versions/transition-stage",
            "{\"name\": \"m\", \"version\": \"1\", \"stage\": \"Archived\"}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().path("message").asText()).contains("champion");
    assertThat(registry.getVersion("m", 1).orElseThrow().status()).isEqualTo(ModelStatus.READY);
  }

  @Test
  void loggingToAnEndedRunIsAnInvalidParameter() {
    assertThat(
            api.post("runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"FINISHED\"}")
                .status())
        .isEqualTo(200);
    RestCalls.Answer logged =
        api.post(
            "runs/log-metric",
            "{\"run_id\": \"" + runId + "\", \"key\": \"m\", \"value\": 1, \"timestamp\": 1}");
    assertThat(logged.status()).isEqualTo(400);
    assertThat(logged.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    RestCalls.Answer reopened =
        api.post("runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"RUNNING\"}");
    assertThat(reopened.status()).isEqualTo(400);
    assertThat(reopened.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(tracker.metricHistory(runId, "m")).isEmpty();
  }

  @Test
  void deletingAModelWithAliasesIsAnInvalidParameter() throws Exception {
    threeVersions();
    registry.setAlias("m", "champion", 1);
    RestCalls.Answer a = api.send("DELETE", "registered-models/delete", "{\"name\": \"m\"}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(registry.findModel("m")).isPresent();
  }

  @Test
  void aDeletedRunTakesNothingMoreUntilRestored() {
    String metric =
        "{\"run_id\": \"" + runId + "\", \"key\": \"m\", \"value\": 1, \"timestamp\": 1}";
    assertThat(api.post("runs/log-metric", metric).status()).isEqualTo(200);
    assertThat(api.post("runs/delete", "{\"run_id\": \"" + runId + "\"}").status()).isEqualTo(200);

    RestCalls.Answer a = api.post("runs/log-metric", metric);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    RestCalls.Answer param =
        api.post(
            "runs/log-parameter",
            "{\"run_id\": \"" + runId + "\", \"key\": \"p\", \"value\": \"1\"}");
    assertThat(param.status()).isEqualTo(400);
    assertThat(tracker.metricHistory(runId, "m")).hasSize(1);
    assertThat(tracker.findRun(runId).orElseThrow().params()).isEmpty();

    assertThat(api.post("runs/restore", "{\"run_id\": \"" + runId + "\"}").status()).isEqualTo(200);
    assertThat(api.post("runs/log-metric", metric.replace("1}", "2}")).status()).isEqualTo(200);
    assertThat(tracker.metricHistory(runId, "m")).hasSize(2);
  }

  @Test
  void handlesOfRunsEndedElsewhereAreDropped() {
    MlflowRestApi handler = MlflowRestApi.builder().tracker(tracker).registry(registry).build();
    RestCalls calls = new RestCalls(handler, "u");
    for (int i = 0; i < MlflowRestApi.HANDLE_SWEEP + 1; i++) {
      String id =
          calls
              .post("runs/create", "{\"experiment_id\": \"0\"}")
              .json()
              .path("run")
              .path("info")
              .path("run_id")
              .asText();
      tracker.resumeRun(id).close(); // ended by another handle: the cached one still says RUNNING
    }
    assertThat(handler.cachedHandles()).isLessThanOrEqualTo(1);
  }

  @Test
  void aLogBatchWithOneBadItemStoresNothing() {
    String[] bad = {
      "\"tags\": [{\"key\": \"t\", \"value\": \"" + "x".repeat(8001) + "\"}]",
      "\"tags\": [{\"key\": \"mlflow.runName\", \"value\": \"   \"}]",
      "\"tags\": [{\"key\": \"../t\", \"value\": \"v\"}]",
      "\"metrics\": [{\"key\": \"a/../b\", \"value\": 1, \"timestamp\": 1}]",
    };
    for (String item : bad) {
      RestCalls.Answer a =
          api.post(
              "runs/log-batch",
              "{\"run_id\": \""
                  + runId
                  + "\", \"params\": [{\"key\": \"p\", \"value\": \"1\"}], "
                  + item
                  + "}");
      assertThat(a.status()).as(item).isEqualTo(400);
      assertThat(a.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    }
    assertThat(tracker.findRun(runId).orElseThrow().params()).isEmpty();
  }

  @Test
  void aModelWithABadTagIsNotCreated() {
    RestCalls.Answer a =
        api.post(
            "registered-models/create",
            "{\"name\": \"tagged\", \"tags\": [{\"key\": \"ok\", \"value\": \"1\"},"
                + " {\"key\": \"big\", \"value\": \""
                + "x".repeat(5001)
                + "\"}]}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(registry.findModel("tagged")).isEmpty();
  }

  @Test
  void aReadTheTrackersAccessPolicyRefuses_is403PermissionDenied() {
    try (Tracker governed =
        Tracker.builder()
            .store(tracker.store())
            .captureEnvironment(false)
            .accessPolicy(
                op -> {
                  if (op.action() == DataAction.RUN_READ) {
                    throw new DataAccessDeniedException(op, "no reads here");
                  }
                })
            .build()) {
      RestCalls calls =
          new RestCalls(MlflowRestApi.builder().tracker(governed).registry(registry).build(), "u");
      RestCalls.Answer a = calls.get("runs/get", "run_id=" + runId);
      assertThat(a.status()).isEqualTo(403);
      assertThat(a.json().path("error_code").asText()).isEqualTo("PERMISSION_DENIED");
      assertThat(a.json().path("message").asText()).contains("RUN_READ", "no reads here");
    }
  }
}
