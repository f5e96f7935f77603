package io.github.mlops4j.tracking;

import java.util.Objects;

/**
 * One order-by key of a run search, such as {@code metrics.auc DESC}. Runs missing the field (no
 * such metric, param or tag; a NaN metric; no end time) sort last in either direction, as in
 * MLflow.
 */
record OrderBy(Filter.Field field, boolean ascending) {
  OrderBy {
    Objects.requireNonNull(field, "field");
    if (field.kind() == Filter.Kind.DATASET) {
      throw new IllegalArgumentException("Cannot order by " + field + ": a run has many inputs");
    }
  }

  /**
   * Parses MLflow's order-by syntax: a field as in a filter ({@code metrics.auc}, {@code
   * params.`learning rate`}, {@code attributes.start_time}, {@code start_time}), then optionally
   * {@code ASC} or {@code DESC} in any case; ASC when omitted.
   *
   * @throws InvalidFilterException if the text is not such a key
   */
  static OrderBy parse(String orderBy) {
    return FilterParser.parseOrderBy(orderBy);
  }

  /** Canonical text that {@link #parse} reads back, e.g. {@code metrics.auc DESC}. */
  @Override
  public String toString() {
    return field + (ascending ? " ASC" : " DESC");
  }
}
