package io.github.mlops4j.registry.training;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a retraining.
 *
 * @param model the model name
 * @param step what happened
 * @param trigger why the retraining ran, e.g. {@code drift: spend}
 * @param version the version concerned, once registered
 * @param runId the tracking run, once started
 * @param detail more about the step (the gate summary, the error)
 * @param time when, from the loop's clock
 * @since 0.1.0
 */
public record RetrainingEvent(
    String model,
    Step step,
    String trigger,
    @Nullable Integer version,
    @Nullable String runId,
    String detail,
    Instant time) {
  /** The steps, in the order a successful retraining goes through them. */
  public enum Step {
    /** A trigger arrived and a retraining starts. */
    TRIGGERED,
    /** A trigger was refused: one is running already, or the minimum interval has not passed. */
    SKIPPED,
    /** The training function returned a model. */
    TRAINED,
    /** The model was registered and the challenger alias points at it. */
    REGISTERED,
    /** The gate ran; {@code detail} is its summary. */
    GATE_EVALUATED,
    /** The champion alias moved to the new version. */
    PROMOTED,
    /** The gate failed; the new version stays the challenger. */
    REJECTED,
    /** Training, registration or evaluation threw; the champion is untouched. */
    FAILED
  }

  public RetrainingEvent {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(time, "time");
  }
}
