package io.github.mlops4j.features;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Immutable copies of maps that may hold null values ({@link Map#copyOf} refuses them). */
final class Maps {
  private Maps() {}

  static Map<String, @Nullable Object> copyAllowingNullValues(
      Map<String, ? extends @Nullable Object> map, String what) {
    Objects.requireNonNull(map, what);
    if (map.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, @Nullable Object> copy = new LinkedHashMap<>(map.size() * 2);
    for (Map.Entry<String, ? extends @Nullable Object> e : map.entrySet()) {
      copy.put(
          Objects.requireNonNull(e.getKey(), () -> "null column name in " + what), e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }
}
