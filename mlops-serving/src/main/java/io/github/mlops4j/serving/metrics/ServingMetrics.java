package io.github.mlops4j.serving.metrics;

/**
 * Names of the meters an {@link io.github.mlops4j.serving.InferenceService} records through {@link
 * MicrometerServingMeters} in a Micrometer {@code MeterRegistry}. The {@code outcome} tag values
 * are {@link ServingMeters.Outcome#tag()}.
 *
 * <ul>
 *   <li>{@value #PREDICT}: timer, tags {@code model, version, route, outcome} ({@code
 *       ok|invalid|overloaded|deadline|error})
 *   <li>{@value #INPUTS_FILLED}, {@value #INPUTS_DROPPED}: counters of values filled and fields
 *       dropped by {@code ValidationPolicy.fill}, tags {@code model, version}
 *   <li>{@value #SHADOW_DROPPED}, {@value #EVENTS_DROPPED}: counters of shadow predictions and
 *       listener events dropped because their queue was full, tag {@code model}
 *   <li>{@value #EVENTS_FAILED}: counter of listener calls that threw, tag {@code model}
 *   <li>{@value #SWAPS}, {@value #LOAD_FAILURES}, {@value #CANARY_ROLLBACKS}: counters, tag {@code
 *       model}
 *   <li>{@value #IN_FLIGHT}: gauge of calls running, tags {@code model} and {@code service} (the
 *       model name, then {@code model#2}, {@code model#3}, ... for further services of the same
 *       model sharing one registry)
 * </ul>
 *
 * <p>The meters tagged with a {@code version} are removed when the service releases that version
 * (after an alias move, once it is no longer among the serving and the two most recently replaced
 * versions), and every meter of a service is removed when it closes. Services of one model that
 * share a registry share these meters; a shared meter is removed when the last of them lets it go.
 *
 * @since 0.1.0
 */
public final class ServingMetrics {
  /** Timer of every predict call. */
  public static final String PREDICT = "mlops.serving.predict";

  /** Counter of values filled by the validation policy. */
  public static final String INPUTS_FILLED = "mlops.serving.inputs.filled";

  /** Counter of unknown fields dropped by the validation policy. */
  public static final String INPUTS_DROPPED = "mlops.serving.inputs.dropped";

  /** Counter of shadow predictions dropped. */
  public static final String SHADOW_DROPPED = "mlops.serving.shadow.dropped";

  /** Counter of listener events dropped. */
  public static final String EVENTS_DROPPED = "mlops.serving.events.dropped";

  /** Counter of listener calls that threw. */
  public static final String EVENTS_FAILED = "mlops.serving.events.failed";

  /** Counter of version swaps. */
  public static final String SWAPS = "mlops.serving.swaps";

  /** Counter of versions that failed to load or warm. */
  public static final String LOAD_FAILURES = "mlops.serving.load.failures";

  /** Counter of automatic canary rollbacks. */
  public static final String CANARY_ROLLBACKS = "mlops.serving.canary.rollbacks";

  /** Gauge of calls in flight. */
  public static final String IN_FLIGHT = "mlops.serving.in.flight";

  private ServingMetrics() {}
}
