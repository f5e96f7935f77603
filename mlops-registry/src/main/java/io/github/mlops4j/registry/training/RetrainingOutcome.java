package io.github.mlops4j.registry.training;

import io.github.mlops4j.registry.validation.GateResult;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a trigger ended.
 *
 * @param status the result
 * @param trigger why it ran
 * @param version the registered version, if it got that far
 * @param runId the tracking run, if one started
 * @param gate the gate result, if the gate ran
 * @param message what happened, in words
 * @since 0.1.0
 */
public record RetrainingOutcome(
    Status status,
    String trigger,
    @Nullable Integer version,
    @Nullable String runId,
    @Nullable GateResult gate,
    String message) {
  /** The results of a trigger. */
  public enum Status {
    /** The new version passed the gate and is the champion. */
    PROMOTED,
    /** The new version failed the gate and stays the challenger. */
    REJECTED,
    /**
     * Training, registration or evaluation failed, or the retraining lease could not be taken, or
     * another replica took it over at a step boundary ("the retraining lease ... was lost"); the
     * champion did not move. A version registered before the failure stays the challenger.
     */
    FAILED,
    /**
     * Nothing ran: a retraining was running (in this loop, or on another replica that holds the
     * lease, named in the message), the minimum interval had not passed, or nothing was due.
     */
    SKIPPED
  }

  public RetrainingOutcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(message, "message");
  }
}
