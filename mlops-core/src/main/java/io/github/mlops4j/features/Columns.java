package io.github.mlops4j.features;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The requested feature references of a result, and their positions. */
final class Columns {
  final List<String> names;
  final Map<String, Integer> index;

  Columns(List<String> names) {
    this.names = List.copyOf(names);
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i);
    }
    this.index = Map.copyOf(m);
  }

  int indexOf(String ref) {
    Integer i = index.get(ref);
    if (i == null) {
      throw new IllegalArgumentException(
          "'" + ref + "' is not among the requested features " + names);
    }
    return i;
  }
}
