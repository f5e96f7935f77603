package io.github.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the handler with arbitrary bodies (and paths) on every write endpoint: each answer is 200
 * or one of MLflow's errors in its format with a short message, never {@code INTERNAL_ERROR}, an
 * exception or a hang. The first byte picks the endpoint. Seeds (valid requests and near misses)
 * are in {@code src/test/resources/io/github/mlops4j/mlflow/MlflowRestApiFuzzTestInputs/request/}.
 */
class MlflowRestApiFuzzTest {
  private static final List<String[]> ENDPOINTS =
      List.of(
          new String[] {"POST", "/api/2.0/mlflow/runs/log-batch"},
          new String[] {"POST", "/api/2.0/mlflow/runs/log-metric"},
          new String[] {"POST", "/api/2.0/mlflow/runs/create"},
          new String[] {"POST", "/api/2.0/mlflow/runs/search"},
          new String[] {"POST", "/api/2.0/mlflow/runs/update"},
          new String[] {"POST", "/api/2.0/mlflow/registered-models/create"},
          new String[] {"POST", "/api/2.0/mlflow/model-versions/create"},
          new String[] {"PUT", "/api/2.0/mlflow-artifacts/artifacts/"});

  private static final RestCalls API = open();

  private static RestCalls open() {
    try {
      Path dir = Files.createTempDirectory("mlflow-fuzz");
      Tracker tracker = Tracker.builder().workspace(dir).captureEnvironment(false).build();
      ModelRegistry registry = ModelRegistry.open(dir);
      // Lives as long as the fuzzing JVM: nothing to close between inputs.
      RestCalls api =
          new RestCalls(
              MlflowRestApi.builder()
                  .tracker(tracker)
                  .registry(registry)
                  .maxBodyBytes(1 << 16)
                  .build(),
              "fuzzer");
      api.post("runs/create", "{\"experiment_id\": \"0\"}");
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void request(byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    String[] endpoint = ENDPOINTS.get(Math.floorMod(bytes[0], ENDPOINTS.size()));
    byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
    String path = endpoint[1];
    if (endpoint[0].equals("PUT")) {
      // The path is fuzzed, the body is a fixed small file.
      path = path + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
      body = new byte[] {1};
    }
    RestCalls.Answer a;
    try {
      a = API.call(endpoint[0], path, "", body);
    } catch (IllegalArgumentException e) {
      return; // a path the request record refuses never reaches the handler
    }
    if (a.status() == 200) {
      return;
    }
    JsonNode json = a.json();
    assertThat(json.path("error_code").asText()).isNotEmpty().isNotEqualTo("INTERNAL_ERROR");
    assertThat(json.path("message").asText()).isNotBlank().hasSizeLessThan(1_100);
  }
}
