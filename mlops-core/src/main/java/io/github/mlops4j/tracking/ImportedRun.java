package io.github.mlops4j.tracking;

import io.github.mlops4j.internal.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A complete run recorded elsewhere (another tracking system, an older workspace), written by
 * {@link Tracker#importRun(ImportedRun)} in one transaction with its own id, times, status, params,
 * tags, metric points (with their steps and timestamps) and artifacts.
 *
 * <p>The run id is chosen by the caller, so that importing the same run again finds it and writes
 * nothing: 1 to 64 characters from {@code [A-Za-z0-9_-]}, starting with a letter or digit.
 *
 * @since 0.1.0
 */
public final class ImportedRun {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private final String runId;
  private final String experiment;
  private final String runName;
  private final String user;
  private final RunStatus status;
  private final Instant startTime;
  private final @Nullable Instant endTime;
  private final @Nullable Instant deletedTime;
  private final @Nullable String parentRunId;
  private final Map<String, String> params;
  private final Map<String, String> tags;
  private final List<MetricPoint> metrics;
  private final List<ArtifactInfo> artifacts;

  private ImportedRun(Builder b) {
    this.runId = b.runId;
    this.experiment = b.experiment;
    this.runName =
        b.runName != null ? b.runName : "run-" + runId.substring(0, Math.min(8, runId.length()));
    this.user = b.user;
    this.status = b.status;
    this.startTime = Objects.requireNonNull(b.startTime);
    this.endTime = b.endTime;
    this.deletedTime = b.deletedTime;
    this.parentRunId = b.parentRunId;
    this.params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
    this.tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    this.metrics = List.copyOf(b.metrics);
    this.artifacts = List.copyOf(b.artifacts);
  }

  /**
   * A new imported run with id {@code runId} in {@code experiment} (created if needed).
   *
   * @throws IllegalArgumentException if the id does not follow the rule above
   */
  public static Builder builder(String runId, String experiment) {
    return new Builder(runId, experiment);
  }

  public String runId() {
    return runId;
  }

  public String experiment() {
    return experiment;
  }

  public String runName() {
    return runName;
  }

  public String user() {
    return user;
  }

  public RunStatus status() {
    return status;
  }

  public Instant startTime() {
    return startTime;
  }

  /** When the run ended; empty for a run imported as {@link RunStatus#RUNNING}. */
  public java.util.Optional<Instant> endTime() {
    return java.util.Optional.ofNullable(endTime);
  }

  /** When the run was deleted; empty for an active run. */
  public java.util.Optional<Instant> deletedTime() {
    return java.util.Optional.ofNullable(deletedTime);
  }

  public java.util.Optional<String> parentRunId() {
    return java.util.Optional.ofNullable(parentRunId);
  }

  public Map<String, String> params() {
    return params;
  }

  public Map<String, String> tags() {
    return tags;
  }

  /** Every metric point, in the order they were logged. */
  public List<MetricPoint> metrics() {
    return metrics;
  }

  /** Artifacts whose content is already in the workspace's artifact store. */
  public List<ArtifactInfo> artifacts() {
    return artifacts;
  }

  @Override
  public String toString() {
    return "ImportedRun[" + runId + " in " + Tracker.cut(experiment) + ", " + status + "]";
  }

  /**
   * Settings of an {@link ImportedRun}. Required besides the id and experiment: {@link #startTime}.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final String runId;
    private final String experiment;
    private @Nullable String runName;
    private String user = "";
    private RunStatus status = RunStatus.FINISHED;
    private @Nullable Instant startTime;
    private @Nullable Instant endTime;
    private @Nullable Instant deletedTime;
    private @Nullable String parentRunId;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final List<MetricPoint> metrics = new ArrayList<>();
    private final List<ArtifactInfo> artifacts = new ArrayList<>();

    private Builder(String runId, String experiment) {
      Objects.requireNonNull(runId, "runId");
      if (!RUN_ID.matcher(runId).matches()) {
        throw new IllegalArgumentException(
            "Bad run id '"
                + Tracker.cut(runId)
                + "': use 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
      }
      this.runId = runId;
      this.experiment = Objects.requireNonNull(experiment, "experiment");
    }

    public Builder runName(String runName) {
      this.runName = Objects.requireNonNull(runName, "runName");
      return this;
    }

    /** Who ran it (default: empty). */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /** The run's status (default {@link RunStatus#FINISHED}). */
    public Builder status(RunStatus status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    public Builder startTime(Instant startTime) {
      this.startTime = Objects.requireNonNull(startTime, "startTime");
      return this;
    }

    /** When it ended; a run with a terminal status and no end time ends at its start time. */
    public Builder endTime(@Nullable Instant endTime) {
      this.endTime = endTime;
      return this;
    }

    /** Marks the run deleted (searches skip it unless asked for deleted runs). */
    public Builder deletedTime(@Nullable Instant deletedTime) {
      this.deletedTime = deletedTime;
      return this;
    }

    /** Nests the run under a run that already exists in the workspace. */
    public Builder parent(@Nullable String parentRunId) {
      this.parentRunId = parentRunId;
      return this;
    }

    public Builder param(String key, String value) {
      params.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    public Builder tag(String key, String value) {
      tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    public Builder metric(MetricPoint point) {
      metrics.add(Objects.requireNonNull(point, "point"));
      return this;
    }

    public Builder artifact(ArtifactInfo artifact) {
      artifacts.add(Objects.requireNonNull(artifact, "artifact"));
      return this;
    }

    /**
     * The run, ready for {@link Tracker#importRun(ImportedRun)}.
     *
     * @throws IllegalStateException if {@link #startTime} was not set
     */
    public ImportedRun build() {
      if (startTime == null) {
        throw Checks.missing("ImportedRun.Builder", "startTime", "startTime");
      }
      return new ImportedRun(this);
    }
  }
}
