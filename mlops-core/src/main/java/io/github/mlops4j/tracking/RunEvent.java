package io.github.mlops4j.tracking;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change to a run, announced to {@link RunListener}s after it is stored.
 *
 * @since 0.1.0
 */
public sealed interface RunEvent {
  /** The run's id. */
  String runId();

  /** When the tracker's clock saw the change. */
  Instant time();

  /**
   * A run was started.
   *
   * @param runId the new run's id
   * @param experimentId the experiment's id
   * @param experiment the experiment's name
   * @param runName the run's name
   * @param parentRunId the run it is nested under, or null
   * @param time when it started
   */
  record Started(
      String runId,
      String experimentId,
      String experiment,
      String runName,
      @Nullable String parentRunId,
      Instant time)
      implements RunEvent {
    /** Checks that the values are present. */
    public Started {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(experiment, "experiment");
      Objects.requireNonNull(runName, "runName");
      Objects.requireNonNull(time, "time");
    }
  }

  /**
   * A dataset version was recorded as an input of the run ({@link Run#logInput}).
   *
   * @param runId the run's id
   * @param input the dataset version and its role
   * @param time when it was recorded
   */
  record InputLogged(String runId, RunInput input, Instant time) implements RunEvent {
    /** Checks that the values are present. */
    public InputLogged {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(time, "time");
    }
  }

  /**
   * The run was ended through this tracker ({@link Run#close}, {@link Run#fail}, {@link Run#kill}).
   * A handle that finds the run already ended elsewhere announces nothing.
   *
   * @param runId the run's id
   * @param status the terminal status
   * @param error the error recorded by {@link Run#fail} (class and message, cut to the tag length
   *     limit), or null
   * @param time when it ended
   */
  record Ended(String runId, RunStatus status, @Nullable String error, Instant time)
      implements RunEvent {
    /** Checks that the values are present. */
    public Ended {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(time, "time");
    }
  }
}
