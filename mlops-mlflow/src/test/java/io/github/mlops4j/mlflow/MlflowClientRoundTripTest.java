package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * MLflow's own Java client ({@code org.mlflow:mlflow-client}) against the standalone server on a
 * workspace: what it writes is in the workspace, what the workspace holds it reads back. The client
 * reaches artifacts only through MLflow's Python CLI, so they go through the JDK's HTTP client
 * here, as MLflow's REST reference for {@code mlflow-artifacts} describes.
 */
class MlflowClientRoundTripTest {
  private static final String TOKEN = "s3cret-token-0123456789";

  @TempDir Path workspace;

  @Test
  void clientLogsSearchesRegistersAndReadsBack() throws Exception {
    try (Tracker tracker =
            Tracker.builder().workspace(workspace).captureEnvironment(false).build();
        ModelRegistry registry = ModelRegistry.open(workspace);
        MlflowServer server =
            MlflowServer.builder()
                .tracker(tracker)
                .registry(registry)
                .port(0)
                .token(TOKEN)
                .principal("alice")
                .start();
        MlflowClient client = new MlflowClient(new BasicMlflowHostCreds(server.url(), TOKEN))) {
      String expId = client.createExperiment("churn");
      assertThat(client.getExperimentByName("churn"))
          .get()
          .extracting(e -> e.getExperimentId())
          .isEqualTo(expId);

      String runId = client.createRun(expId).getRunId();
      client.logBatch(
          runId,
          List.of(
              metric("loss", 0.9, 1_700_000_000_000L, 0),
              metric("loss", 0.5, 1_700_000_001_000L, 1),
              metric("loss", 0.25, 1_700_000_002_000L, 2),
              metric("acc", 0.8, 1_700_000_002_000L, 2)),
          List.of(Param.newBuilder().setKey("lr").setValue("0.1").build()),
          List.of(RunTag.newBuilder().setKey("team").setValue("risk").build()));
      String other = client.createRun(expId).getRunId();
      client.logParam(other, "lr", "0.3");
      client.logMetric(other, "loss", 0.7);

      // Written through the client, stored in the workspace.
      RunInfo stored = tracker.findRun(runId).orElseThrow();
      assertThat(stored.params()).containsEntry("lr", "0.1");
      assertThat(stored.tags())
          .containsEntry("team", "risk")
          .containsEntry(Tracker.USER_TAG, "alice");
      assertThat(stored.metrics().get("loss").value()).isEqualTo(0.25);

      // MLflow's filter language through the client.
      assertThat(
              search(client, expId, "metrics.loss < 0.5 and params.lr = '0.1'").stream()
                  .map(r -> r.getInfo().getRunId()))
          .containsExactly(runId);
      assertThat(search(client, expId, "tags.team = 'risk'")).hasSize(1);
      assertThat(search(client, expId, "params.lr LIKE '0.%'")).hasSize(2);

      List<Metric> history = client.getMetricHistory(runId, "loss");
      assertThat(history).extracting(Metric::getValue).containsExactly(0.9, 0.5, 0.25);
      assertThat(history).extracting(Metric::getStep).containsExactly(0L, 1L, 2L);
      assertThat(history)
          .extracting(Metric::getTimestamp)
          .containsExactly(1_700_000_000_000L, 1_700_000_001_000L, 1_700_000_002_000L);

      // Artifacts through the mlflow-artifacts proxy.
      Run run = client.getRun(runId);
      String root = run.getInfo().getArtifactUri();
      assertThat(root).isEqualTo("mlflow-artifacts:/" + expId + "/" + runId + "/artifacts");
      String base = server.url() + "/api/2.0/mlflow-artifacts/artifacts/" + root.substring(18);
      HttpClient http = HttpClient.newHttpClient();
      byte[] model = "model bytes \u00e9".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/model/model.bin"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(model))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(200);
      HttpResponse<byte[]> got =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/model/model.bin"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(model);
      try (var in = tracker.openArtifact(runId, "model/model.bin")) {
        assertThat(in.readAllBytes()).isEqualTo(model);
      }

      // Registry: create, version from the run's artifact, alias; read back through the client.
      client.sendPost("registered-models/create", "{\"name\": \"churn-model\"}");
      client.sendPost(
          "model-versions/create",
          "{\"name\": \"churn-model\", \"source\": \"runs:/"
              + runId
              + "/model\", \"run_id\": \""
              + runId
              + "\"}");
      client.sendPost(
          "registered-models/alias",
          "{\"name\": \"churn-model\", \"alias\": \"champion\", \"version\": \"1\"}");
      ModelVersion v = client.getModelVersion("churn-model", "1");
      assertThat(v.getRunId()).isEqualTo(runId);
      assertThat(v.getAliasesList()).containsExactly("champion");
      assertThat(v.getSource()).isEqualTo("runs:/" + runId + "/model");
      RegisteredModel rm = client.getRegisteredModel("churn-model");
      assertThat(rm.getAliasesList())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getAlias()).isEqualTo("champion");
                assertThat(a.getVersion()).isEqualTo("1");
              });
      assertThat(registry.aliases("churn-model")).containsEntry("champion", 1);
      assertThat(registry.auditLog("churn-model"))
          .extracting(AuditEntry::actor)
          .containsOnly("alice");

      client.setTerminated(runId, RunStatus.FINISHED);
      assertThat(client.getRun(runId).getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    }
  }

  private static List<Run> search(MlflowClient client, String expId, String filter) {
    return client
        .searchRuns(List.of(expId), filter, org.mlflow.api.proto.Service.ViewType.ACTIVE_ONLY, 1000)
        .getItems();
  }

  private static Metric metric(String key, double value, long timestamp, long step) {
    return Metric.newBuilder()
        .setKey(key)
        .setValue(value)
        .setTimestamp(timestamp)
        .setStep(step)
        .build();
  }
}
