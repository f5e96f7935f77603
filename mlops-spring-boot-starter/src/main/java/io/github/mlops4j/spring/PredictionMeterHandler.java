package io.github.mlops4j.spring;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Records the timer of each {@code mlops.prediction} observation as Micrometer's {@code
 * DefaultMeterObservationHandler} would (same name, the context's low-cardinality key values as
 * tags plus {@code error}), but finds it in a cache keyed by the call's model, version, route,
 * outcome and error type instead of building tags and looking it up in the registry on every call.
 *
 * <p>Registered as a {@code MeterObservationHandler} bean ordered first, so Boot's grouping (first
 * matching meter handler) gives it the prediction observations and leaves every other observation
 * to the default handler. No long-task timer is kept for predictions (they are short and run on the
 * caller's thread). Limit: the tags of a timer are taken from the first call with its key, so an
 * {@code ObservationFilter} that adds key values varying from call to call (beyond the common ones
 * every call gets) is not reflected in the prediction timers.
 */
final class PredictionMeterHandler
    implements MeterObservationHandler<PredictionContext>, PredictionTimers {
  /** The timer cache key: the call's values and its error type (null for none). */
  private record TimerKey(PredictionContext.Key key, @Nullable Class<?> error) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  PredictionMeterHandler(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void onStart(PredictionContext context) {
    context.startNanos = now();
  }

  /** The registry clock's monotonic time, as timers measure it. */
  @Override
  public long now() {
    return registry.config().clock().monotonicTime();
  }

  @Override
  public @Nullable Object timer(PredictionContext.Key key, @Nullable Class<?> error) {
    return timers.get(new TimerKey(key, error));
  }

  @Override
  public void record(Object timer, long nanos) {
    ((Timer) timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The registry the timers are kept in. */
  MeterRegistry registry() {
    return registry;
  }

  @Override
  public void onStop(PredictionContext context) {
    long nanos = now() - context.startNanos;
    PredictionContext.Key key = context.key;
    if (key == null) {
      return; // stopped without an end (not done by the starter)
    }
    Throwable error = context.getError();
    TimerKey k = new TimerKey(key, error == null ? null : error.getClass());
    Timer timer = timers.get(k);
    if (timer == null) {
      timer = timers.computeIfAbsent(k, x -> register(context));
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer register(PredictionContext context) {
    List<Tag> tags = new ArrayList<>();
    for (KeyValue kv : context.getLowCardinalityKeyValues()) {
      tags.add(Tag.of(kv.getKey(), kv.getValue()));
    }
    Throwable error = context.getError();
    tags.add(Tag.of("error", error == null ? "none" : error.getClass().getSimpleName()));
    return Timer.builder(Objects.requireNonNull(context.getName(), "name"))
        .tags(tags)
        .register(registry);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof PredictionContext;
  }
}
