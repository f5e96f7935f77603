package io.github.mlops4j.tracking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * Parses every key of a query, in order.
   *
   * @throws InvalidFilterException if a key does not parse, or names the same field as an earlier
   *     key (whatever the direction or spelling: {@code start_time} and {@code created DESC} are
   *     one field), which MLflow refuses too
   */
  static List<OrderBy> parseAll(List<String> keys) {
    List<OrderBy> out = new ArrayList<>(keys.size());
    Map<Filter.Field, Integer> seen = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String text = keys.get(i);
      OrderBy key = parse(text);
      Integer earlier = seen.putIfAbsent(key.field(), i);
      if (earlier != null) {
        throw new InvalidFilterException(
            text,
            0,
            "Order-by key "
                + (i + 1)
                + " names "
                + InvalidFilterException.clip(key.field().toString())
                + " like key "
                + (earlier + 1)
                + "; order by each field once");
      }
      out.add(key);
    }
    return out;
  }

  /** Canonical text that {@link #parse} reads back, e.g. {@code metrics.auc DESC}. */
  @Override
  public String toString() {
    return field + (ascending ? " ASC" : " DESC");
  }
}
