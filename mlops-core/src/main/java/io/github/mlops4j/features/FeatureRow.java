package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One observation of a feature view's features for one entity, as written to the offline store.
 *
 * <p>Rows are data and are checked when written, so that errors can name the row's index: every
 * entity key must be present with its declared type, {@code eventTime} must be set, and every value
 * must fit its feature's type. A feature absent from {@code values} is stored as null, exactly like
 * an explicit null. A null {@code createdTime} becomes the write time (the store's clock), which is
 * when the value became known.
 *
 * @param keys the entity key columns of the view, by name
 * @param eventTime when the observed values were true (the time point-in-time joins compare)
 * @param createdTime when the values became known; breaks ties between equal event times, and hides
 *     rows from training rows at earlier times when {@link JoinOptions#asOfKnownTime()} is on
 * @param values feature values by feature name; null values allowed
 * @since 0.1.0
 */
public record FeatureRow(
    Map<String, @Nullable Object> keys,
    @Nullable Instant eventTime,
    @Nullable Instant createdTime,
    Map<String, @Nullable Object> values) {

  public FeatureRow {
    keys = Maps.copyAllowingNullValues(keys, "keys");
    values = Maps.copyAllowingNullValues(values, "values");
  }

  /** A row whose created time will be its write time. */
  public static FeatureRow of(
      Map<String, ?> keys, Instant eventTime, Map<String, ? extends @Nullable Object> values) {
    return new FeatureRow(
        Maps.copyAllowingNullValues(keys, "keys"),
        eventTime,
        null,
        Maps.copyAllowingNullValues(values, "values"));
  }

  /** A row with an explicit created time (for backfills and corrections). */
  public static FeatureRow of(
      Map<String, ?> keys,
      Instant eventTime,
      Instant createdTime,
      Map<String, ? extends @Nullable Object> values) {
    return new FeatureRow(
        Maps.copyAllowingNullValues(keys, "keys"),
        eventTime,
        createdTime,
        Maps.copyAllowingNullValues(values, "values"));
  }
}
