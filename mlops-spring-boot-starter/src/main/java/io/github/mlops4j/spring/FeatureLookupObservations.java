package io.github.mlops4j.spring;

import io.github.mlops4j.features.FeatureLookupObserver;
import io.github.mlops4j.features.FeatureStatus;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One {@code mlops.features.lookup} observation per online read of a {@code FeatureStore} (a timer,
 * {@code mlops_features_lookup_seconds} in Prometheus with Boot's default handlers, and a span
 * where the host has a tracing bridge). The starter sets it on the feature store it configures when
 * an {@code ObservationRegistry} bean exists, unless {@code mlops.observations.enabled} or {@code
 * mlops.observations.feature-lookups} is false. Works without Spring: give it to {@code
 * FeatureStore.Builder#lookupObserver}.
 *
 * <p>Low-cardinality keys: {@code mlops.view}, the views the read names, sorted and joined with
 * {@code ,} (bounded by the feature lists the application reads), and {@code mlops.outcome}: {@code
 * present}, {@code null_value}, {@code expired} or {@code not_found} (the least available status
 * among the read's values, see {@link FeatureLookupObserver#onEnd}), or {@code error}.
 * High-cardinality: {@code mlops.rows}, the number of request rows. Entity keys never become key
 * values. The key values are built once per view set and outcome.
 *
 * @since 0.1.0
 */
public final class FeatureLookupObservations implements FeatureLookupObserver {
  /** The observation name of an online read. */
  public static final String LOOKUP = "mlops.features.lookup";

  /** View sets whose key value is kept for reuse; more are built per read (still correct). */
  private static final int MAX_VIEW_SETS = 256;

  private static final Map<FeatureStatus, KeyValue> OUTCOMES =
      Map.of(
          FeatureStatus.PRESENT, KeyValue.of("mlops.outcome", "present"),
          FeatureStatus.NULL_VALUE, KeyValue.of("mlops.outcome", "null_value"),
          FeatureStatus.EXPIRED, KeyValue.of("mlops.outcome", "expired"),
          FeatureStatus.NOT_FOUND, KeyValue.of("mlops.outcome", "not_found"));

  private static final KeyValue ERROR = KeyValue.of("mlops.outcome", "error");

  private final ObservationRegistry observations;
  private final ConcurrentHashMap<List<String>, KeyValue> viewSets = new ConcurrentHashMap<>();

  /** Observations recorded in {@code observations}. */
  public FeatureLookupObservations(ObservationRegistry observations) {
    this.observations = Objects.requireNonNull(observations, "observations");
  }

  @Override
  public @Nullable Object onStart(List<String> views, int rows) {
    if (observations.isNoop()) {
      return null;
    }
    return Observation.createNotStarted(LOOKUP, observations)
        .lowCardinalityKeyValue(view(views))
        .highCardinalityKeyValue("mlops.rows", Integer.toString(rows))
        .start();
  }

  private KeyValue view(List<String> views) {
    KeyValue kv = viewSets.get(views);
    if (kv == null) {
      kv = KeyValue.of("mlops.view", String.join(",", views));
      if (viewSets.size() < MAX_VIEW_SETS) {
        viewSets.putIfAbsent(List.copyOf(views), kv);
      }
    }
    return kv;
  }

  @Override
  public void onEnd(
      @Nullable Object context, @Nullable FeatureStatus outcome, @Nullable Throwable error) {
    if (!(context instanceof Observation o)) {
      return;
    }
    if (error != null) {
      o.lowCardinalityKeyValue(ERROR).error(error);
    } else {
      o.lowCardinalityKeyValue(
          outcome == null ? ERROR : Objects.requireNonNull(OUTCOMES.get(outcome), "outcome"));
    }
    o.stop();
  }
}
