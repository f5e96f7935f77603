package io.github.mlops4j.spring;

import io.github.mlops4j.registry.training.RetrainingEvent;
import io.github.mlops4j.registry.training.RetrainingListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One {@code mlops.retraining} observation per retraining of a {@code RetrainingLoop}: started at
 * {@code TRIGGERED}, an observation event per intermediate step ({@code mlops.retraining.trained},
 * {@code .registered}, {@code .gate_evaluated}), stopped at {@code PROMOTED}, {@code REJECTED} or
 * {@code FAILED} with that outcome. Low-cardinality keys {@code mlops.model} and {@code
 * mlops.outcome}; high-cardinality {@code mlops.trigger}, {@code mlops.run.id} and {@code
 * mlops.version}. A refused trigger ({@code SKIPPED}) is its own observation with outcome {@code
 * skipped}. The starter adds it to every {@code RetrainingLoop} bean.
 */
final class RetrainingObservations implements RetrainingListener {
  static final String RETRAINING = "mlops.retraining";

  private final ObservationRegistry observations;
  private final ConcurrentHashMap<String, Observation> running = new ConcurrentHashMap<>();

  RetrainingObservations(ObservationRegistry observations) {
    this.observations = Objects.requireNonNull(observations, "observations");
  }

  @Override
  public void onStep(RetrainingEvent event) {
    switch (event.step()) {
      case TRIGGERED -> {
        Observation o = start(event);
        Observation old = running.put(event.model(), o);
        if (old != null) { // a retraining that never ended (the loop does not run two at once)
          old.lowCardinalityKeyValue("mlops.outcome", "abandoned").stop();
        }
      }
      case SKIPPED -> start(event).lowCardinalityKeyValue("mlops.outcome", "skipped").stop();
      case TRAINED, REGISTERED, GATE_EVALUATED -> {
        Observation o = running.get(event.model());
        if (o != null) {
          details(o, event);
          o.event(Observation.Event.of(name(event))); // counter mlops.retraining.<step>
        }
      }
      case PROMOTED, REJECTED, FAILED -> {
        Observation o = running.remove(event.model());
        if (o == null) {
          o = start(event);
        }
        details(o, event);
        o.lowCardinalityKeyValue("mlops.outcome", name(event));
        if (event.step() == RetrainingEvent.Step.FAILED) {
          o.highCardinalityKeyValue("mlops.detail", abbreviate(event.detail()));
        }
        o.stop();
      }
    }
  }

  private Observation start(RetrainingEvent event) {
    return Observation.createNotStarted(RETRAINING, observations)
        .lowCardinalityKeyValue("mlops.model", event.model())
        .highCardinalityKeyValue("mlops.trigger", abbreviate(event.trigger()))
        .start();
  }

  private static void details(Observation o, RetrainingEvent event) {
    @Nullable String run = event.runId();
    if (run != null) {
      o.highCardinalityKeyValue("mlops.run.id", run);
    }
    @Nullable Integer version = event.version();
    if (version != null) {
      o.highCardinalityKeyValue("mlops.version", version.toString());
    }
  }

  private static String name(RetrainingEvent event) {
    return event.step().name().toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return ServingBeans.abbreviate(s);
  }
}
