package io.github.mlops4j.spring;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The context of one {@code mlops.prediction} (or {@code mlops.prediction.batch}) observation: the
 * call's low-cardinality values as plain fields, so that the starter's meter handler finds its
 * cached timer without building tags, and the key values are built once per distinct value set.
 */
final class PredictionContext extends Observation.Context {
  /** The low-cardinality values of a finished call; the cache key of its timer and key values. */
  record Key(String model, String version, String route, String outcome) {}

  final String model;
  @Nullable Key key;
  String predictionId = "none";
  long startNanos;

  PredictionContext(String model) {
    this.model = model;
  }

  /** Sets the values of the finished call. */
  void end(Key key, String predictionId) {
    this.key = key;
    this.predictionId = predictionId;
  }

  /**
   * Names the observation and gives its key values: low-cardinality ones from a cache of at most
   * one {@code KeyValues} per distinct {@link Key} (model, version, route and outcome are few), the
   * prediction id as the high-cardinality one.
   */
  static final class Convention implements ObservationConvention<PredictionContext> {
    private final String name;
    private final ConcurrentHashMap<Key, KeyValues> low = new ConcurrentHashMap<>();

    Convention(String name) {
      this.name = name;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PredictionContext context) {
      Key k = context.key;
      if (k == null) { // not ended yet (a handler reading early): the model only
        return KeyValues.of("mlops.model", context.model);
      }
      KeyValues kv = low.get(k);
      return kv != null ? kv : low.computeIfAbsent(k, Convention::keyValues);
    }

    private static KeyValues keyValues(Key k) {
      return KeyValues.of(
          "mlops.model", k.model(),
          "mlops.version", k.version(),
          "mlops.route", k.route(),
          "mlops.outcome", k.outcome());
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(PredictionContext context) {
      return KeyValues.of("mlops.prediction.id", context.predictionId);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof PredictionContext;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public @Nullable String getContextualName(PredictionContext context) {
      return null;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Convention c && c.name.equals(name);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name);
    }
  }
}
