package io.github.mlops4j.registry.validation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics of one slice.
 *
 * @param name the slice name, {@code column=value} for column slices
 * @param rows the number of rows in the slice
 * @param metrics metric name to value; metrics undefined on the slice (an AUC on a slice holding
 *     one class) are absent
 * @since 0.1.0
 */
public record SliceMetrics(String name, int rows, Map<String, Double> metrics) {
  public SliceMetrics {
    Objects.requireNonNull(name, "name");
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }
}
