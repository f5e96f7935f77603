package io.github.mlops4j.mlflow;

import java.io.InputStream;
import java.util.Objects;

/**
 * One HTTP request to MLflow's REST API, as a host's HTTP server received it.
 *
 * @param method the HTTP method ({@code GET}, {@code POST}, {@code PATCH}, {@code PUT}, {@code
 *     DELETE})
 * @param path the request path as sent, still percent-encoded, for example {@code
 *     /api/2.0/mlflow/runs/get}; the handler decodes it once
 * @param query the raw query string without {@code ?}, still percent-encoded; empty for none
 * @param body the request body; the handler reads at most its size limit from it and does not close
 *     it
 * @param principal who sent the request, as the host authenticated it: the user of the runs it
 *     creates and the actor of the registry's audit trail
 * @since 0.1.0
 */
public record MlflowRequest(
    String method, String path, String query, InputStream body, String principal) {
  public MlflowRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(principal, "principal");
    if (principal.isBlank()) {
      throw new IllegalArgumentException("principal must not be blank");
    }
  }
}
