package io.github.mlops4j.mlflow;

/**
 * Answers requests to MLflow's REST API. Mount one in any HTTP server: pass each request's method,
 * path, query, body and authenticated principal, send back the response. Implementations answer
 * every failure with a response in MLflow's error format rather than throwing.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface MlflowHandler {
  /** Answers one request; thread-safe. */
  MlflowResponse handle(MlflowRequest request);
}
