package io.github.mlops4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Calls an {@link MlflowHandler} directly, as a host's HTTP server would. */
final class RestCalls {
  static final ObjectMapper JSON = new ObjectMapper();

  private final MlflowHandler handler;
  private final String principal;

  RestCalls(MlflowHandler handler, String principal) {
    this.handler = handler;
    this.principal = principal;
  }

  /** An answer: status and body. */
  record Answer(int status, byte[] body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String errorCode() {
      return json().path("error_code").asText();
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  Answer call(String method, String path, String query, byte[] body) {
    MlflowResponse r =
        handler.handle(
            new MlflowRequest(method, path, query, new ByteArrayInputStream(body), principal));
    try (InputStream in = r.body()) {
      return new Answer(r.status(), in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Answer post(String endpoint, String json) {
    return call("POST", "/api/2.0/mlflow/" + endpoint, "", json.getBytes(StandardCharsets.UTF_8));
  }

  Answer get(String endpoint, String query) {
    return call("GET", "/api/2.0/mlflow/" + endpoint, query, new byte[0]);
  }

  Answer send(String method, String endpoint, String json) {
    return call(method, "/api/2.0/mlflow/" + endpoint, "", json.getBytes(StandardCharsets.UTF_8));
  }

  Answer put(String artifactPath, byte[] content) {
    return call("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + artifactPath, "", content);
  }

  Answer download(String artifactPath) {
    return call("GET", "/api/2.0/mlflow-artifacts/artifacts/" + artifactPath, "", new byte[0]);
  }
}
