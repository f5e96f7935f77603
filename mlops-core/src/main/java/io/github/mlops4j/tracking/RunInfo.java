package io.github.mlops4j.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a run: its attributes, params, latest metric values, tags, inputs and artifacts.
 * Immutable; read a fresh one with {@link Tracker#findRun(String)}.
 *
 * @since 0.1.0
 */
public final class RunInfo {
  /**
   * The scheme and root of {@link #artifactUri()}: MLflow's artifact proxy scheme, under which an
   * MLflow client reaches a run's artifacts through a tracking server that serves them.
   */
  public static final String ARTIFACT_URI_ROOT = "mlflow-artifacts:/";

  private final String runId;
  private final String experimentId;
  private final String runName;
  private final @Nullable String parentRunId;
  private final String userId;
  private final RunStatus status;
  private final Instant startTime;
  private final @Nullable Instant endTime;
  private final boolean deleted;
  private final Map<String, String> params;
  private final Map<String, MetricPoint> metrics;
  private final Map<String, String> tags;
  private final List<RunInput> inputs;
  private final List<ArtifactInfo> artifacts;

  RunInfo(
      String runId,
      String experimentId,
      String runName,
      @Nullable String parentRunId,
      String userId,
      RunStatus status,
      Instant startTime,
      @Nullable Instant endTime,
      boolean deleted,
      Map<String, String> params,
      Map<String, MetricPoint> metrics,
      Map<String, String> tags,
      List<RunInput> inputs,
      List<ArtifactInfo> artifacts) {
    this.runId = Objects.requireNonNull(runId);
    this.experimentId = Objects.requireNonNull(experimentId);
    this.runName = Objects.requireNonNull(runName);
    this.parentRunId = parentRunId;
    this.userId = Objects.requireNonNull(userId);
    this.status = Objects.requireNonNull(status);
    this.startTime = Objects.requireNonNull(startTime);
    this.endTime = endTime;
    this.deleted = deleted;
    this.params = Map.copyOf(params);
    this.metrics = Map.copyOf(metrics);
    this.tags = Map.copyOf(tags);
    this.inputs = List.copyOf(inputs);
    this.artifacts = List.copyOf(artifacts);
  }

  public String runId() {
    return runId;
  }

  public String experimentId() {
    return experimentId;
  }

  public String runName() {
    return runName;
  }

  /** The parent run of a nested run. */
  public Optional<String> parentRunId() {
    return Optional.ofNullable(parentRunId);
  }

  public String userId() {
    return userId;
  }

  public RunStatus status() {
    return status;
  }

  public Instant startTime() {
    return startTime;
  }

  /** When the run ended; empty while it is running. */
  public Optional<Instant> endTime() {
    return Optional.ofNullable(endTime);
  }

  /** Whether the run is deleted (and can be restored). */
  public boolean deleted() {
    return deleted;
  }

  public Map<String, String> params() {
    return params;
  }

  /**
   * The latest value of each metric: the point with the highest step, then the latest timestamp,
   * then (as in MLflow, for points logged at the same step and millisecond) the largest value, NaN
   * counting below every number; among points equal in all three, the first logged.
   */
  public Map<String, MetricPoint> metrics() {
    return metrics;
  }

  public Map<String, String> tags() {
    return tags;
  }

  public List<RunInput> inputs() {
    return inputs;
  }

  public List<ArtifactInfo> artifacts() {
    return artifacts;
  }

  /**
   * Where the run's artifacts are, as MLflow names a run's artifact location: {@code
   * mlflow-artifacts:/<experiment id>/<run id>/artifacts}. Artifacts are stored by content
   * (SHA-256) in the workspace, not under a directory per run, so this is the address under which
   * MLflow's artifact proxy endpoints list and serve them; it is derived from the two ids, never
   * stored, and is what the search attribute {@code attributes.artifact_uri} compares.
   */
  public String artifactUri() {
    return artifactUri(experimentId, runId);
  }

  static String artifactUri(String experimentId, String runId) {
    return ARTIFACT_URI_ROOT + experimentId + "/" + runId + "/artifacts";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunInfo r
        && runId.equals(r.runId)
        && experimentId.equals(r.experimentId)
        && runName.equals(r.runName)
        && Objects.equals(parentRunId, r.parentRunId)
        && userId.equals(r.userId)
        && status == r.status
        && startTime.equals(r.startTime)
        && Objects.equals(endTime, r.endTime)
        && deleted == r.deleted
        && params.equals(r.params)
        && metrics.equals(r.metrics)
        && tags.equals(r.tags)
        && inputs.equals(r.inputs)
        && artifacts.equals(r.artifacts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runId, status, endTime, params, metrics, tags);
  }

  @Override
  public String toString() {
    return "RunInfo{"
        + runId
        + " '"
        + runName
        + "' "
        + status
        + (deleted ? " deleted" : "")
        + ", params="
        + params
        + ", metrics="
        + metrics.keySet()
        + ", tags="
        + tags.size()
        + "}";
  }
}
