package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed, oversized, deeply nested, mistyped and path-tricking requests get MLflow's error
 * format with its status code, and change nothing in the workspace.
 */
class MlflowRestApiHostileInputTest {
  @TempDir Path workspace;
  private Tracker tracker;
  private ModelRegistry registry;
  private RestCalls api;
  private String runId;
  private String expId;

  @BeforeEach
  void open() {
    tracker = Tracker.builder().workspace(workspace).captureEnvironment(false).build();
    registry = ModelRegistry.open(workspace);
    api =
        new RestCalls(
            MlflowRestApi.builder()
                .tracker(tracker)
                .registry(registry)
                .maxBodyBytes(64 * 1024)
                .maxArtifactBytes(1024)
                .build(),
            "mallory");
    expId =
        api.post("experiments/create", "{\"name\": \"e\"}").json().path("experiment_id").asText();
    runId =
        api.post("runs/create", "{\"experiment_id\": \"" + expId + "\"}")
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

  private RunInfo run() {
    return tracker.findRun(runId).orElseThrow();
  }

  @Test
  void malformedJsonIsABadRequest() {
    RestCalls.Answer a =
        api.post("runs/log-parameter", "{\"run_id\": \"" + runId + "\", \"key\": ");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.errorCode()).isEqualTo("BAD_REQUEST");
    assertThat(a.json().path("message").asText()).startsWith("Malformed JSON request body");
    assertThat(api.post("runs/log-parameter", "[1, 2]").errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(api.post("runs/log-parameter", "{\"a\": 1} {\"b\": 2}").status()).isEqualTo(400);
    assertThat(
            api.post(
                    "runs/set-tag",
                    "{\"run_id\": \""
                        + runId
                        + "\", \"key\": \"a\", \"key\": \"b\", \"value\": \"v\"}")
                .errorCode())
        .isEqualTo("BAD_REQUEST");
    assertThat(run().params()).isEmpty();
  }

  @Test
  void deepNestingIsRefusedBeforeItIsBuilt() {
    String deep = "[".repeat(100_00) + "]".repeat(100_00);
    RestCalls.Answer a =
        api.post("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": " + deep + "}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(a.json().path("message").asText()).contains("nesting at most 32");
  }

  @Test
  void aBodyOverTheLimitIsRefusedAndNothingIsStored() {
    String big = "x".repeat(70 * 1024);
    RestCalls.Answer a =
        api.post(
            "runs/log-parameter",
            "{\"run_id\": \"" + runId + "\", \"key\": \"k\", \"value\": \"" + big + "\"}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().path("message").asText()).contains("over the limit of 65536 bytes");
    assertThat(a.body().length).isLessThan(2000);
    assertThat(run().params()).isEmpty();
  }

  @Test
  void wrongTypesAreInvalidParameterValues() {
    for (String body :
        new String[] {
          "{\"run_id\": \"" + runId + "\", \"key\": 5, \"value\": \"v\"}",
          "{\"run_id\": [\"" + runId + "\"], \"key\": \"k\", \"value\": \"v\"}",
          "{\"run_id\": \"" + runId + "\", \"key\": \"k\", \"value\": {\"x\": 1}}",
        }) {
      RestCalls.Answer a = api.post("runs/log-parameter", body);
      assertThat(a.status()).as(body).isEqualTo(400);
      assertThat(a.errorCode()).as(body).isEqualTo("INVALID_PARAMETER_VALUE");
    }
    RestCalls.Answer metric =
        api.post(
            "runs/log-metric",
            "{\"run_id\": \""
                + runId
                + "\", \"key\": \"m\", \"value\": \"abc\", \"timestamp\": 1}");
    assertThat(metric.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(metric.json().path("message").asText()).contains("'value'").contains("\"abc\"");
    RestCalls.Answer step =
        api.post(
            "runs/log-metric",
            "{\"run_id\": \"" + runId + "\", \"key\": \"m\", \"value\": 1, \"step\": 1.5}");
    assertThat(step.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(run().params()).isEmpty();
    assertThat(run().metrics()).isEmpty();
  }

  @Test
  void aBatchWithOneBadMetricStoresNothing() {
    RestCalls.Answer a =
        api.post(
            "runs/log-batch",
            "{\"run_id\": \""
                + runId
                + "\", \"params\": [{\"key\": \"p\", \"value\": \"1\"}],"
                + " \"metrics\": [{\"key\": \"ok\", \"value\": 1, \"timestamp\": 1},"
                + " {\"key\": \"bad\", \"value\": true, \"timestamp\": 1}]}");
    assertThat(a.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    StringBuilder many = new StringBuilder("{\"run_id\": \"" + runId + "\", \"metrics\": [");
    for (int i = 0; i < 1001; i++) {
      many.append(i == 0 ? "" : ",").append("{\"key\": \"m\", \"value\": 1, \"timestamp\": 1}");
    }
    RestCalls.Answer tooMany = api.post("runs/log-batch", many.append("]}").toString());
    assertThat(tooMany.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(tooMany.json().path("message").asText()).contains("at most 1000 metrics");
    tracker.flush(Duration.ofSeconds(30));
    assertThat(run().params()).isEmpty();
    assertThat(run().metrics()).isEmpty();
  }

  @Test
  void unknownIdsAreResourceDoesNotExist() {
    String ghost = "0123456789abcdef0123456789abcdef";
    assertThat(api.get("runs/get", "run_id=" + ghost).status()).isEqualTo(404);
    assertThat(api.get("runs/get", "run_id=" + ghost).errorCode())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(
            api.post(
                    "runs/log-metric",
                    "{\"run_id\": \"" + ghost + "\", \"key\": \"m\", \"value\": 1}")
                .errorCode())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(api.get("experiments/get", "experiment_id=999").errorCode())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(api.get("registered-models/get", "name=nope").status()).isEqualTo(404);
    assertThat(api.get("model-versions/get", "name=nope&version=1").status()).isEqualTo(404);
    assertThat(api.get("model-versions/get", "name=nope&version=one").errorCode())
        .isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(api.get("runs/get", "").errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    RestCalls.Answer endpoint = api.post("runs/explode", "{}");
    assertThat(endpoint.status()).isEqualTo(404);
    assertThat(endpoint.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
    assertThat(api.call("GET", "/elsewhere", "", new byte[0]).errorCode())
        .isEqualTo("ENDPOINT_NOT_FOUND");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "a/../../x",
        "a/%2e%2e/%2e%2e/x",
        "%2E%2E/x",
        "a//b",
        "./a",
        "a\\..\\b",
        "a%5c..%5cb",
        "%2fetc/passwd",
        "a%00b",
        "a%0ab",
        "C:/x",
        "a%zzb",
        "a%c3%28b"
      })
  void artifactPathTricksAreRefusedAndStoreNothing(String trick) {
    String base = expId + "/" + runId + "/artifacts/";
    RestCalls.Answer a = api.put(base + trick, "data".getBytes(StandardCharsets.UTF_8));
    assertThat(a.status()).as(trick).isEqualTo(400);
    assertThat(a.errorCode()).as(trick).isIn("INVALID_PARAMETER_VALUE", "BAD_REQUEST");
    assertThat(api.download(base + trick).status()).as(trick).isEqualTo(400);
    assertThat(run().artifacts()).isEmpty();
  }

  @Test
  void artifactsOfAnotherExperimentOrOverTheLimitAreRefused() {
    assertThat(api.put("999/" + runId + "/artifacts/a.txt", new byte[1]).status()).isEqualTo(404);
    assertThat(api.put(expId + "/" + runId + "/elsewhere/a.txt", new byte[1]).status())
        .isEqualTo(400);
    RestCalls.Answer big = api.put(expId + "/" + runId + "/artifacts/big.bin", new byte[2048]);
    assertThat(big.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(big.json().path("message").asText()).contains("over the limit of 1024 bytes");
    assertThat(run().artifacts()).isEmpty();
    RestCalls.Answer missing = api.download(expId + "/" + runId + "/artifacts/none.bin");
    assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void longValuesAreCutInMessages() {
    String longId = "r".repeat(5000);
    RestCalls.Answer a = api.get("runs/get", "run_id=" + longId);
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().path("message").asText())
        .hasSizeLessThan(300)
        .contains("(5000 characters)");
  }

  @Test
  void theStandaloneServerRefusesAnOpenAddressWithoutAToken() {
    assertThatThrownBy(
            () -> MlflowServer.builder().workspace(workspace).host("0.0.0.0").port(0).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a bearer token");
    assertThatThrownBy(() -> MlflowServer.builder().workspace(workspace).token("short"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theStandaloneServerRefusesRequestsWithoutTheToken() throws Exception {
    String token = "the-right-token-0123456789";
    try (MlflowServer server =
        MlflowServer.builder().tracker(tracker).registry(registry).port(0).token(token).start()) {
      HttpClient http = HttpClient.newHttpClient();
      for (String header :
          new String[] {null, "Bearer wrong-token-0123456789", "Basic abc", "Bearer"}) {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/experiments/create"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"sneaky\"}"));
        if (header != null) {
          b.header("Authorization", header);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(String.valueOf(header)).isEqualTo(401);
        assertThat(r.body()).contains("\"error_code\":\"UNAUTHENTICATED\"");
      }
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(server.url() + "/api/2.0/mlflow/experiments/create"))
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"allowed\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
    }
    assertThat(tracker.findExperiment("sneaky")).isEmpty();
    assertThat(tracker.findExperiment("allowed")).isPresent();
    assertThat(Files.exists(workspace)).isTrue();
  }
}
