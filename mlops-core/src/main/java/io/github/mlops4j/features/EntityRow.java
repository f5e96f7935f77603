package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One row of a spine: the entity key columns of the views to join, the time {@code T} the row's
 * features are looked up as of, and any other columns (labels, request data for on-demand
 * features), which are carried through to the {@link TrainingRow}.
 *
 * <p>Rows are checked when joined, so that errors can name the row's index: a missing timestamp or
 * a missing or mistyped key column is a {@link FeatureDataException}.
 *
 * @param columns key columns and extra columns by name; null values allowed
 * @param timestamp the time {@code T} as of which features are looked up
 * @since 0.1.0
 */
public record EntityRow(Map<String, @Nullable Object> columns, @Nullable Instant timestamp) {
  public EntityRow {
    columns = Maps.copyAllowingNullValues(columns, "columns");
  }

  public static EntityRow of(Map<String, ? extends @Nullable Object> columns, Instant timestamp) {
    return new EntityRow(Maps.copyAllowingNullValues(columns, "columns"), timestamp);
  }

  /** The column's value, or null if the row has no such column or holds null. */
  public @Nullable Object get(String column) {
    return columns.get(column);
  }
}
