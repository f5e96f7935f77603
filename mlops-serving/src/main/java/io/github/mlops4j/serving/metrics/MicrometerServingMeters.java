package io.github.mlops4j.serving.metrics;

import io.github.mlops4j.serving.internal.ServingMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Records an {@link io.github.mlops4j.serving.InferenceService}'s meters (named in {@link
 * ServingMetrics}) in a Micrometer registry. Created by the service when it is given a meter
 * registry; every meter is resolved once per version, none per call.
 */
public final class MicrometerServingMeters implements ServingMeters {
  private final MeterRegistry registry;
  private final String model;
  private final Counter swaps;
  private final Counter loadFailures;
  private final Counter shadowDropped;
  private final Counter eventsDropped;
  private final Counter canaryRollbacks;
  private final Gauge inFlight;

  private MicrometerServingMeters(MeterRegistry registry, String model, LongSupplier inFlight) {
    this.registry = registry;
    this.model = model;
    Tags tags = Tags.of("model", model);
    this.swaps = registry.counter(ServingMetrics.SWAPS, tags);
    this.loadFailures = registry.counter(ServingMetrics.LOAD_FAILURES, tags);
    this.shadowDropped = registry.counter(ServingMetrics.SHADOW_DROPPED, tags);
    this.eventsDropped = registry.counter(ServingMetrics.EVENTS_DROPPED, tags);
    this.canaryRollbacks = registry.counter(ServingMetrics.CANARY_ROLLBACKS, tags);
    // Services of one model may share a registry (e.g. a pinned batch service beside the online
    // one); each gets its own in-flight gauge, told apart by the "service" tag.
    Tags gaugeTags = tags.and("service", model);
    for (int n = 2; registry.find(ServingMetrics.IN_FLIGHT).tags(gaugeTags).gauge() != null; n++) {
      gaugeTags = tags.and("service", model + "#" + n);
    }
    this.inFlight = Gauge.builder(ServingMetrics.IN_FLIGHT, inFlight, s -> s.getAsLong())
        .tags(gaugeTags).description("predict calls running").strongReference(true)
        .register(registry);
  }

  /**
   * The meters of {@code model} in {@code meterRegistry} (a Micrometer {@code MeterRegistry},
   * typed {@code Object} so that callers need not load Micrometer).
   */
  public static ServingMeters create(Object meterRegistry, String model, LongSupplier inFlight) {
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    if (!(meterRegistry instanceof MeterRegistry registry)) {
      throw new IllegalArgumentException("Not a Micrometer MeterRegistry: "
          + meterRegistry.getClass().getName());
    }
    return new MicrometerServingMeters(registry, Objects.requireNonNull(model, "model"),
        Objects.requireNonNull(inFlight, "inFlight"));
  }

  @Override
  public VersionMeters version(int version, List<String> routes) {
    String v = Integer.toString(version);
    Timer[][] timers = new Timer[routes.size()][OUTCOMES.size()];
    for (int r = 0; r < routes.size(); r++) {
      for (int o = 0; o < OUTCOMES.size(); o++) {
        timers[r][o] = Timer.builder(ServingMetrics.PREDICT)
            .tags("model", model, "version", v, "route", routes.get(r), "outcome", OUTCOMES.get(o))
            .description("predict calls by outcome").register(registry);
      }
    }
    Tags tags = Tags.of("model", model, "version", v);
    Counter filled = registry.counter(ServingMetrics.INPUTS_FILLED, tags);
    Counter dropped = registry.counter(ServingMetrics.INPUTS_DROPPED, tags);
    return new VersionMeters() {
      @Override
      public void record(int route, int outcome, long nanos) {
        timers[route][outcome].record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      }

      @Override
      public void filled(int count) {
        filled.increment(count);
      }

      @Override
      public void dropped(int count) {
        dropped.increment(count);
      }
    };
  }

  @Override
  public void swapped() {
    swaps.increment();
  }

  @Override
  public void loadFailed() {
    loadFailures.increment();
  }

  @Override
  public void shadowDropped() {
    shadowDropped.increment();
  }

  @Override
  public void eventDropped() {
    eventsDropped.increment();
  }

  @Override
  public void canaryRolledBack() {
    canaryRollbacks.increment();
  }

  @Override
  public void close() {
    registry.remove(inFlight);
  }
}
