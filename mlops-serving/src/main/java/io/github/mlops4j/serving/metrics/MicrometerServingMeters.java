package io.github.mlops4j.serving.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Records an {@link io.github.mlops4j.serving.InferenceService}'s meters (named in {@link
 * ServingMetrics}) in a Micrometer registry: {@code InferenceService.builder().meters(
 * MicrometerServingMeters.of(registry))}. Every meter is resolved once per version, none per call.
 *
 * <p><b>Lifetime.</b> The meters of a version are removed from the registry when the version
 * retires (the service released it), and everything the service registered is removed when the
 * service closes, so a long-running service that follows an alias holds the meters of the versions
 * it has loaded (at most the serving ones and the two kept for a quick move back), not of every
 * version it ever served. Services of one model may share a registry (an online and a batch
 * service, say): a meter they share (same name and tags) is counted per holder and removed when the
 * last one lets it go. The in-flight gauge's {@code service} tag is chosen under the same lock, so
 * services created at once never share a gauge.
 *
 * @since 0.1.0
 */
// Optional dependency: callers of this class require it themselves (see module-info).
@SuppressWarnings("exports")
public final class MicrometerServingMeters implements ServingMeters {
  /**
   * The holders of the meters of every service on one {@link MeterRegistry}, guarded by itself.
   * Keyed weakly by the registry (identity: registries do not override equals), so this state lives
   * exactly as long as the registry the application created; nothing else is kept.
   */
  private static final Map<MeterRegistry, Holders> HOLDERS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Per registry: how many holders each meter has, and the in-flight gauge tags in use. */
  private static final class Holders {
    final Map<Meter.Id, int[]> counts = new HashMap<>();
    final Set<String> serviceTags = new HashSet<>();
  }

  private static final Outcome[] OUTCOMES = Outcome.values();

  private final MeterRegistry registry;

  private MicrometerServingMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Meters recorded in {@code registry}; one instance may serve many services.
   *
   * @since 0.1.0
   */
  public static MicrometerServingMeters of(MeterRegistry registry) {
    return new MicrometerServingMeters(Objects.requireNonNull(registry, "registry"));
  }

  /** Registers the service-level meters of {@code model} (and its in-flight gauge). */
  @Override
  public Service open(String model, LongSupplier inFlight) {
    return new ForService(
        registry,
        Objects.requireNonNull(model, "model"),
        Objects.requireNonNull(inFlight, "inFlight"));
  }

  @Override
  public String toString() {
    return "MicrometerServingMeters[" + registry.getClass().getSimpleName() + "]";
  }

  /** The meters of one service. */
  private static final class ForService implements Service {
    private final MeterRegistry registry;
    private final Holders holders;
    private final String model;

    /** Meters this service holds (one entry per hold), guarded by {@link #holders}. */
    private final List<Meter> held = new ArrayList<>();

    /** Version meters not released yet, guarded by {@link #holders}. */
    private final Set<Handle> versions = new LinkedHashSet<>();

    private final String serviceTag;
    private final Counter swaps;
    private final Counter loadFailures;
    private final Counter shadowDropped;
    private final Counter eventsDropped;
    private final Counter listenerFailures;
    private final Counter canaryRollbacks;
    private boolean closed; // guarded by holders

    ForService(MeterRegistry registry, String model, LongSupplier inFlight) {
      this.registry = registry;
      this.holders = HOLDERS.computeIfAbsent(registry, r -> new Holders());
      this.model = model;
      Tags tags = Tags.of("model", model);
      synchronized (holders) {
        this.swaps = hold(() -> registry.counter(ServingMetrics.SWAPS, tags));
        this.loadFailures = hold(() -> registry.counter(ServingMetrics.LOAD_FAILURES, tags));
        this.shadowDropped = hold(() -> registry.counter(ServingMetrics.SHADOW_DROPPED, tags));
        this.eventsDropped = hold(() -> registry.counter(ServingMetrics.EVENTS_DROPPED, tags));
        this.listenerFailures = hold(() -> registry.counter(ServingMetrics.EVENTS_FAILED, tags));
        this.canaryRollbacks = hold(() -> registry.counter(ServingMetrics.CANARY_ROLLBACKS, tags));
        // Each service gets its own in-flight gauge, told apart by the "service" tag: the model
        // name, then model#2, model#3, ... Chosen and registered under the lock, so two services
        // created at once cannot pick the same tag (and then share, and later remove, one gauge).
        String tag = model;
        for (int n = 2;
            holders.serviceTags.contains(tag)
                || registry.find(ServingMetrics.IN_FLIGHT).tags(tags.and("service", tag)).gauge()
                    != null;
            n++) {
          tag = model + "#" + n;
        }
        this.serviceTag = tag;
        holders.serviceTags.add(tag);
        hold(
            () ->
                Gauge.builder(ServingMetrics.IN_FLIGHT, inFlight, s -> s.getAsLong())
                    .tags(tags.and("service", serviceTag))
                    .description("predict calls running")
                    .strongReference(true)
                    .register(registry));
      }
    }

    /** Registers (or finds) a meter and counts this service as one more holder. Under the lock. */
    private <M extends Meter> M hold(Supplier<M> register) {
      M meter = register.get();
      holders.counts.computeIfAbsent(meter.getId(), id -> new int[1])[0]++;
      held.add(meter);
      return meter;
    }

    /** Drops one hold of {@code meter}; the last holder removes it. Under the lock. */
    private void letGo(Meter meter) {
      held.remove(meter);
      int[] count = holders.counts.get(meter.getId());
      if (count == null || --count[0] <= 0) {
        holders.counts.remove(meter.getId());
        registry.remove(meter.getId());
      }
    }

    @Override
    public VersionMeters version(int version, List<String> routes) {
      String v = Integer.toString(version);
      Timer[][] timers = new Timer[routes.size()][OUTCOMES.length];
      Tags tags = Tags.of("model", model, "version", v);
      Counter filled;
      Counter dropped;
      List<Meter> own = new ArrayList<>(routes.size() * OUTCOMES.length + 2);
      synchronized (holders) {
        for (int r = 0; r < routes.size(); r++) {
          for (int o = 0; o < OUTCOMES.length; o++) {
            Tags timerTags = tags.and("route", routes.get(r), "outcome", OUTCOMES[o].tag());
            timers[r][o] =
                hold(
                    () ->
                        Timer.builder(ServingMetrics.PREDICT)
                            .tags(timerTags)
                            .description("predict calls by outcome")
                            .register(registry));
            own.add(timers[r][o]);
          }
        }
        filled = hold(() -> registry.counter(ServingMetrics.INPUTS_FILLED, tags));
        dropped = hold(() -> registry.counter(ServingMetrics.INPUTS_DROPPED, tags));
        own.add(filled);
        own.add(dropped);
        Handle handle = new Handle(timers, filled, dropped, own);
        if (closed) {
          own.forEach(this::letGo); // a version loaded while the service closed
        } else {
          versions.add(handle);
        }
        return handle;
      }
    }

    /** One version's meters; released once. */
    private final class Handle implements VersionMeters {
      private final Timer[][] timers;
      private final Counter filled;
      private final Counter dropped;
      private final List<Meter> meters;

      Handle(Timer[][] timers, Counter filled, Counter dropped, List<Meter> meters) {
        this.timers = timers;
        this.filled = filled;
        this.dropped = dropped;
        this.meters = meters;
      }

      @Override
      @SuppressWarnings("EnumOrdinal") // timers has one slot per Outcome, in declaration order
      public void record(int route, Outcome outcome, long nanos) {
        timers[route][outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void filled(int count) {
        filled.increment(count);
      }

      @Override
      public void dropped(int count) {
        dropped.increment(count);
      }

      @Override
      public void close() {
        synchronized (holders) {
          if (versions.remove(this)) {
            meters.forEach(ForService.this::letGo);
          }
        }
      }
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
    public void listenerFailed() {
      listenerFailures.increment();
    }

    @Override
    public void canaryRolledBack() {
      canaryRollbacks.increment();
    }

    @Override
    public void close() {
      synchronized (holders) {
        if (closed) {
          return;
        }
        closed = true;
        versions.clear(); // their holds are in held, released below
        for (Meter m : new ArrayList<>(held)) {
          letGo(m);
        }
        holders.serviceTags.remove(serviceTag);
      }
    }
  }
}
