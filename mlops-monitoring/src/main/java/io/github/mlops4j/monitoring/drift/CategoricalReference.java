package io.github.mlops4j.monitoring.drift;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a detector keeps of a categorical or binary reference column: the categories in sorted order
 * with their counts, and an index from category to position.
 */
final class CategoricalReference {
  final String name;
  final ColumnType type;
  final int rows;
  final int missing;

  /** Categories, sorted. */
  final String[] categories;

  final long[] counts;
  private final Map<String, Integer> index;

  CategoricalReference(String name, ColumnType type, @Nullable String[] labels) {
    this.name = name;
    this.type = type;
    this.rows = labels.length;
    TreeMap<String, long[]> byCategory = new TreeMap<>();
    int miss = 0;
    for (String s : labels) {
      if (s == null) {
        miss++;
      } else {
        byCategory.computeIfAbsent(s, k -> new long[1])[0]++;
      }
    }
    this.missing = miss;
    this.categories = byCategory.keySet().toArray(new String[0]);
    this.counts = new long[categories.length];
    this.index = new HashMap<>(categories.length * 2);
    int i = 0;
    for (Map.Entry<String, long[]> e : byCategory.entrySet()) {
      counts[i] = e.getValue()[0];
      index.put(e.getKey(), i);
      i++;
    }
  }

  long values() {
    return (long) rows - missing;
  }

  /** The current column counted against the reference categories. */
  Current count(@Nullable String[] labels) {
    long[] c = new long[categories.length];
    TreeMap<String, long[]> fresh = new TreeMap<>();
    int miss = 0;
    for (String s : labels) {
      if (s == null) {
        miss++;
        continue;
      }
      Integer i = index.get(s);
      if (i != null) {
        c[i]++;
      } else {
        fresh.computeIfAbsent(s, k -> new long[1])[0]++;
      }
    }
    List<String> newCategories = new ArrayList<>(fresh.keySet());
    long[] newCounts = new long[newCategories.size()];
    int j = 0;
    for (long[] v : fresh.values()) {
      newCounts[j++] = v[0];
    }
    return new Current(labels.length, miss, c, newCategories, newCounts);
  }

  /** A current column: counts of the reference categories, then of categories new to it. */
  static final class Current {
    final int rows;
    final int missing;
    final long[] counts;
    final List<String> newCategories;
    final long[] newCounts;

    Current(int rows, int missing, long[] counts, List<String> newCategories, long[] newCounts) {
      this.rows = rows;
      this.missing = missing;
      this.counts = counts;
      this.newCategories = List.copyOf(newCategories);
      this.newCounts = newCounts;
    }

    long values() {
      return (long) rows - missing;
    }

    int distinct() {
      int d = newCategories.size();
      for (long v : counts) {
        if (v > 0) {
          d++;
        }
      }
      return d;
    }
  }
}
