package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelStatus;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request and response shapes of the endpoints MLflow's Java client does not call, written from
 * MLflow's REST API reference (https://mlflow.org/docs/latest/rest-api.html: field names, wrappers
 * such as {@code run_info} and {@code model_version}, versions as strings, stages).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowRestShapesTest {
  @TempDir static Path workspace;
  private Tracker tracker;
  private ModelRegistry registry;
  private RestCalls api;

  @BeforeAll
  void open() {
    tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    registry = ModelRegistry.open(workspace);
    api = new RestCalls(MlflowRestApi.builder().tracker(tracker).registry(registry).build(), "bob");
  }

  @AfterAll
  void close() {
    registry.close();
    tracker.close();
  }

  private String experiment(String name) {
    return api.post("experiments/create", "{\"name\": \"" + name + "\"}")
        .json()
        .path("experiment_id")
        .asText();
  }

  private String run(String expId, String extra) {
    JsonNode r =
        api.post("runs/create", "{\"experiment_id\": \"" + expId + "\"" + extra + "}").json();
    return r.path("run").path("info").path("run_id").asText();
  }

  @Test
  void experimentsCreateGetSearch() {
    String id = experiment("shapes-exp");
    assertThat(api.post("experiments/create", "{\"name\": \"shapes-exp\"}").errorCode())
        .isEqualTo("RESOURCE_ALREADY_EXISTS");
    JsonNode e = api.get("experiments/get", "experiment_id=" + id).json().path("experiment");
    assertThat(e.path("name").asText()).isEqualTo("shapes-exp");
    assertThat(e.path("lifecycle_stage").asText()).isEqualTo("active");
    assertThat(e.path("artifact_location").asText()).isEqualTo("mlflow-artifacts:/" + id);
    assertThat(e.path("creation_time").isIntegralNumber()).isTrue();
    assertThat(
            api.get("experiments/get-by-name", "experiment_name=shapes-exp")
                .json()
                .path("experiment")
                .path("experiment_id")
                .asText())
        .isEqualTo(id);
    JsonNode found =
        api.post(
                "experiments/search", "{\"filter\": \"name LIKE 'shapes-%'\", \"max_results\": 10}")
            .json();
    assertThat(found.path("experiments"))
        .extracting(x -> x.path("name").asText())
        .contains("shapes-exp");
    // The default experiment "0" of MLflow's clients exists on first use.
    assertThat(
            api.get("experiments/get", "experiment_id=0")
                .json()
                .path("experiment")
                .path("name")
                .asText())
        .isEqualTo("Default");
    // ...and is shown as "0" everywhere, as MLflow numbers it, not under its workspace id.
    assertThat(
            api.get("experiments/get", "experiment_id=0")
                .json()
                .path("experiment")
                .path("experiment_id")
                .asText())
        .isEqualTo("0");
    assertThat(
            api.post("runs/create", "{\"run_name\": \"in-default\"}")
                .json()
                .path("run")
                .path("info")
                .path("experiment_id")
                .asText())
        .isEqualTo("0");
    assertThat(
            api.post("experiments/search", "{\"filter\": \"name = 'Default'\"}")
                .json()
                .path("experiments"))
        .extracting(x -> x.path("experiment_id").asText())
        .containsExactly("0");
  }

  @Test
  void runsCreateUpdateTagsDeleteRestore() {
    String exp = experiment("shapes-runs");
    JsonNode created =
        api.post(
                "runs/create",
                "{\"experiment_id\": \""
                    + exp
                    + "\", \"run_name\": \"first\", \"start_time\": 1,"
                    + " \"tags\": [{\"key\": \"a\", \"value\": \"1\"}]}")
            .json()
            .path("run");
    String id = created.path("info").path("run_id").asText();
    assertThat(created.path("info").path("run_uuid").asText()).isEqualTo(id);
    assertThat(created.path("info").path("run_name").asText()).isEqualTo("first");
    assertThat(created.path("info").path("status").asText()).isEqualTo("RUNNING");
    assertThat(created.path("info").path("user_id").asText()).isEqualTo("bob");
    assertThat(created.path("data").path("tags").toString())
        .contains("{\"key\":\"a\",\"value\":\"1\"}");

    assertThat(api.post("runs/delete-tag", "{\"run_id\": \"" + id + "\", \"key\": \"a\"}").status())
        .isEqualTo(200);
    assertThat(tracker.findRun(id).orElseThrow().tags()).doesNotContainKey("a");
    assertThat(
            api.post("runs/delete-tag", "{\"run_id\": \"" + id + "\", \"key\": \"a\"}").errorCode())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");

    JsonNode updated =
        api.post(
                "runs/update",
                "{\"run_id\": \"" + id + "\", \"status\": \"KILLED\", \"end_time\": 5}")
            .json()
            .path("run_info");
    assertThat(updated.path("status").asText()).isEqualTo("KILLED");
    assertThat(updated.path("end_time").isIntegralNumber()).isTrue();
    assertThat(tracker.findRun(id).orElseThrow().status()).isEqualTo(RunStatus.KILLED);
    // An ended run takes nothing more (MLflow would): a 400 its clients do not retry, nothing
    // stored.
    RestCalls.Answer late =
        api.post(
            "runs/log-parameter", "{\"run_id\": \"" + id + "\", \"key\": \"p\", \"value\": \"1\"}");
    assertThat(late.status()).isEqualTo(400);
    assertThat(late.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(
            api.post("runs/update", "{\"run_id\": \"" + id + "\", \"status\": \"FINISHED\"}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");

    assertThat(api.post("runs/delete", "{\"run_id\": \"" + id + "\"}").status()).isEqualTo(200);
    assertThat(
            api.get("runs/get", "run_id=" + id)
                .json()
                .path("run")
                .path("info")
                .path("lifecycle_stage")
                .asText())
        .isEqualTo("deleted");
    JsonNode deletedOnly =
        api.post(
                "runs/search",
                "{\"experiment_ids\": [\"" + exp + "\"], \"run_view_type\": \"DELETED_ONLY\"}")
            .json();
    assertThat(deletedOnly.path("runs")).hasSize(1);
    api.post("runs/restore", "{\"run_id\": \"" + id + "\"}");
    assertThat(tracker.findRun(id).orElseThrow().deleted()).isFalse();
  }

  @Test
  void searchPagesAndMetricHistoryKeepsNaN() {
    String exp = experiment("shapes-search");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = run(exp, "");
      ids.add(id);
      api.post(
          "runs/log-metric",
          "{\"run_id\": \""
              + id
              + "\", \"key\": \"m\", \"value\": "
              + i
              + ", \"timestamp\": \"7\", \"step\": \"2\"}");
    }
    JsonNode first =
        api.post(
                "runs/search",
                "{\"experiment_ids\": [\""
                    + exp
                    + "\"], \"max_results\": 2, \"order_by\": [\"metrics.m ASC\"]}")
            .json();
    assertThat(first.path("runs"))
        .extracting(r -> r.path("info").path("run_id").asText())
        .containsExactly(ids.get(0), ids.get(1));
    JsonNode second =
        api.post(
                "runs/search",
                "{\"experiment_ids\": [\""
                    + exp
                    + "\"], \"max_results\": 2, \"order_by\": [\"metrics.m ASC\"],"
                    + " \"page_token\": \""
                    + first.path("next_page_token").asText()
                    + "\"}")
            .json();
    assertThat(second.path("runs"))
        .extracting(r -> r.path("info").path("run_id").asText())
        .containsExactly(ids.get(2));
    assertThat(second.has("next_page_token")).isFalse();
    assertThat(
            api.post(
                    "runs/search",
                    "{\"experiment_ids\": [\"" + exp + "\"], \"filter\": \"metrics.m >\"}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");

    api.post(
        "runs/log-metric",
        "{\"run_id\": \""
            + ids.get(0)
            + "\", \"key\": \"n\", \"value\": \"NaN\", \"timestamp\": 8, \"step\": 3}");
    JsonNode history =
        api.get("metrics/get-history", "run_id=" + ids.get(0) + "&metric_key=n")
            .json()
            .path("metrics");
    assertThat(history).hasSize(1);
    assertThat(history.get(0).path("value").asText()).isEqualTo("NaN");
    assertThat(history.get(0).path("timestamp").asLong()).isEqualTo(8);
    assertThat(history.get(0).path("step").asLong()).isEqualTo(3);
  }

  @Test
  void artifactListsOfBothKinds() {
    String exp = experiment("shapes-artifacts");
    String id = run(exp, "");
    String base = exp + "/" + id + "/artifacts/";
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    assertThat(api.put(base + "model/MLmodel", content).status()).isEqualTo(200);
    assertThat(api.put(base + "model/data/w%20eights.bin", new byte[] {1, 2, 3}).status())
        .isEqualTo(200);
    assertThat(api.put(base + "notes.txt", content).status()).isEqualTo(200);

    JsonNode proxy =
        api.call(
                "GET", "/api/2.0/mlflow-artifacts/artifacts", "path=" + base + "model", new byte[0])
            .json();
    assertThat(proxy.path("files").toString())
        .isEqualTo(
            "[{\"path\":\"MLmodel\",\"is_dir\":false,\"file_size\":5},{\"path\":\"data\",\"is_dir\":true}]");
    JsonNode list = api.get("artifacts/list", "run_id=" + id + "&path=model/data").json();
    assertThat(list.path("root_uri").asText())
        .isEqualTo("mlflow-artifacts:/" + exp + "/" + id + "/artifacts");
    assertThat(list.path("files").get(0).path("path").asText())
        .isEqualTo("model/data/w eights.bin");
    assertThat(api.download(base + "model/data/w%20eights.bin").body()).containsExactly(1, 2, 3);
  }

  @Test
  void registryModelsVersionsStagesAndAliases() {
    String exp = experiment("shapes-registry");
    String id = run(exp, "");
    api.put(
        exp + "/" + id + "/artifacts/model/MLmodel",
        "flavors: {}".getBytes(StandardCharsets.UTF_8));
    api.put(exp + "/" + id + "/artifacts/model/model.pkl", new byte[] {9, 9});

    JsonNode rm =
        api.post(
                "registered-models/create",
                "{\"name\": \"shapes-model\", \"description\": \"d\", \"tags\": [{\"key\": \"k\", \"value\": \"v\"}]}")
            .json()
            .path("registered_model");
    assertThat(rm.path("name").asText()).isEqualTo("shapes-model");
    assertThat(rm.path("tags").toString()).isEqualTo("[{\"key\":\"k\",\"value\":\"v\"}]");
    assertThat(api.post("registered-models/create", "{\"name\": \"shapes-model\"}").errorCode())
        .isEqualTo("RESOURCE_ALREADY_EXISTS");

    String source = "mlflow-artifacts:/" + exp + "/" + id + "/artifacts/model";
    JsonNode v1 =
        api.post(
                "model-versions/create",
                "{\"name\": \"shapes-model\", \"source\": \"" + source + "\"}")
            .json()
            .path("model_version");
    assertThat(v1.path("version").asText()).isEqualTo("1");
    assertThat(v1.path("current_stage").asText()).isEqualTo("None");
    assertThat(v1.path("status").asText()).isEqualTo("READY");
    assertThat(v1.path("source").asText()).isEqualTo(source);
    assertThat(v1.path("run_id").asText()).isEqualTo(id);
    assertThat(registry.getVersion("shapes-model", 1).orElseThrow().format())
        .isEqualTo("mlflow-model-zip");
    api.post(
        "model-versions/create",
        "{\"name\": \"shapes-model\", \"source\": \"runs:/" + id + "/model/model.pkl\"}");
    assertThat(
            api.post(
                    "model-versions/create",
                    "{\"name\": \"shapes-model\", \"source\": \"s3://b/k\"}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(
            api.post(
                    "model-versions/create",
                    "{\"name\": \"nope\", \"source\": \"runs:/" + id + "/model\"}")
                .status())
        .isEqualTo(404);

    JsonNode staged =
        api.post(
                "model-versions/transition-stage",
                "{\"name\": \"shapes-model\", \"version\": \"2\", \"stage\": \"production\","
                    + " \"archive_existing_versions\": false}")
            .json()
            .path("model_version");
    assertThat(staged.path("current_stage").asText()).isEqualTo("Production");
    assertThat(staged.path("tags")).isEmpty();
    api.post(
        "model-versions/transition-stage",
        "{\"name\": \"shapes-model\", \"version\": \"1\", \"stage\": \"Archived\"}");
    assertThat(registry.getVersion("shapes-model", 1).orElseThrow().status())
        .isEqualTo(ModelStatus.ARCHIVED);
    JsonNode latest =
        api.post(
                "registered-models/get-latest-versions",
                "{\"name\": \"shapes-model\", \"stages\": [\"Production\"]}")
            .json()
            .path("model_versions");
    assertThat(latest).extracting(v -> v.path("version").asText()).containsExactly("2");

    api.post(
        "registered-models/alias",
        "{\"name\": \"shapes-model\", \"alias\": \"champion\", \"version\": \"2\"}");
    assertThat(
            api.get("registered-models/alias", "name=shapes-model&alias=champion")
                .json()
                .path("model_version")
                .path("version")
                .asText())
        .isEqualTo("2");
    assertThat(
            api.send("DELETE", "registered-models/delete", "{\"name\": \"shapes-model\"}")
                .errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(
            api.send(
                    "DELETE",
                    "registered-models/alias",
                    "{\"name\": \"shapes-model\", \"alias\": \"champion\"}")
                .status())
        .isEqualTo(200);
    assertThat(api.get("registered-models/alias", "name=shapes-model&alias=champion").status())
        .isEqualTo(404);

    JsonNode versions =
        api.get(
                "model-versions/search",
                "filter="
                    + java.net.URLEncoder.encode("name='shapes-model'", StandardCharsets.UTF_8))
            .json()
            .path("model_versions");
    assertThat(versions).extracting(v -> v.path("version").asText()).containsExactly("2", "1");
    JsonNode byRun =
        api.get(
                "model-versions/search",
                "filter="
                    + java.net.URLEncoder.encode("run_id = '" + id + "'", StandardCharsets.UTF_8))
            .json()
            .path("model_versions");
    assertThat(byRun).hasSize(2);
    JsonNode models =
        api.get(
                "registered-models/search",
                "filter="
                    + java.net.URLEncoder.encode("name LIKE 'shapes-%'", StandardCharsets.UTF_8))
            .json()
            .path("registered_models");
    assertThat(models).extracting(m -> m.path("name").asText()).containsExactly("shapes-model");
    assertThat(
            api.send(
                    "PATCH",
                    "model-versions/update",
                    "{\"name\": \"shapes-model\", \"version\": \"2\", \"description\": \"new\"}")
                .json()
                .path("model_version")
                .path("description")
                .asText())
        .isEqualTo("new");
    assertThat(
            api.send("DELETE", "registered-models/delete", "{\"name\": \"shapes-model\"}").status())
        .isEqualTo(200);
    assertThat(registry.findModel("shapes-model")).isEmpty();
    assertThat(registry.auditLog("shapes-model"))
        .allSatisfy(a -> assertThat(a.actor()).isEqualTo("bob"));
  }
}
