package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One row of a training set: the spine row it was made for (keys, timestamp, labels and other
 * columns) and the requested features as of the spine row's timestamp.
 *
 * @since 0.1.0
 */
public final class TrainingRow {
  private final EntityRow entity;
  private final Columns columns;
  private final FeatureValue[] values;

  TrainingRow(EntityRow entity, Columns columns, FeatureValue[] values) {
    this.entity = entity;
    this.columns = columns;
    this.values = values;
  }

  /** The spine row, unchanged. */
  public EntityRow entity() {
    return entity;
  }

  /** The spine row's timestamp, the time {@code T} features were looked up as of. */
  public Instant timestamp() {
    return java.util.Objects.requireNonNull(entity.timestamp());
  }

  /** The requested feature references, in request order. */
  public List<String> features() {
    return columns.names;
  }

  /**
   * A feature with its status and event time.
   *
   * @throws IllegalArgumentException if {@code ref} was not requested
   */
  public FeatureValue value(String ref) {
    return values[columns.indexOf(ref)];
  }

  /** A feature's value; null unless its status is {@link FeatureStatus#PRESENT}. */
  public @Nullable Object get(String ref) {
    return value(ref).value();
  }

  /** The features by reference, in request order. */
  public Map<String, FeatureValue> values() {
    Map<String, FeatureValue> m = new LinkedHashMap<>();
    for (int i = 0; i < columns.names.size(); i++) {
      m.put(columns.names.get(i), values[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingRow r
        && entity.equals(r.entity)
        && columns.names.equals(r.columns.names)
        && Arrays.equals(values, 0, columns.names.size(), r.values, 0, columns.names.size());
  }

  @Override
  public int hashCode() {
    return entity.hashCode() * 31 + Arrays.hashCode(Arrays.copyOf(values, columns.names.size()));
  }

  @Override
  public String toString() {
    return "TrainingRow{" + entity + ", " + values() + "}";
  }
}
