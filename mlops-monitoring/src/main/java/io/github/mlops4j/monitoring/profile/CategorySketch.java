package io.github.mlops4j.monitoring.profile;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;
import org.jspecify.annotations.Nullable;

/**
 * The mutable state of one categorical or binary column: exact counts per category up to a limit of
 * distinct values, then a DataSketches frequent-items sketch ({@code ItemsSketch<String>}) for the
 * rest of the column's life. {@code null} counts as missing. Not thread-safe; a {@link Profile}
 * owns instances that are never updated again.
 */
final class CategorySketch {
  static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  private final int exactLimit;
  private final int mapSize;
  long present;
  long missing;

  /** Exact counts while {@link #items} is null. */
  @Nullable HashMap<String, long[]> exact = new HashMap<>();

  /** The frequent-items sketch once the exact limit was passed. */
  @Nullable ItemsSketch<String> items;

  CategorySketch(int exactLimit, int mapSize) {
    this.exactLimit = exactLimit;
    this.mapSize = mapSize;
  }

  /** The frequent-items sketch; only once {@link #exact} is null. */
  private ItemsSketch<String> sketch() {
    return Objects.requireNonNull(items, "items: the column still counts exactly");
  }

  /** The exact counts; only while {@link #items} is null. */
  private Map<String, long[]> exactCounts() {
    return Objects.requireNonNull(exact, "exact: the column switched to the sketch");
  }

  void update(@Nullable String v) {
    if (v == null) {
      missing++;
      return;
    }
    present++;
    HashMap<String, long[]> map = exact;
    if (map != null) {
      long[] c = map.get(v);
      if (c != null) {
        c[0]++;
        return;
      }
      if (map.size() < exactLimit) {
        map.put(v, new long[] {1});
        return;
      }
      switchToSketch();
    }
    sketch().update(v);
  }

  void addMissing(long count) {
    missing += count;
  }

  private void switchToSketch() {
    ItemsSketch<String> s = new ItemsSketch<>(mapSize);
    for (Map.Entry<String, long[]> e : exactCounts().entrySet()) {
      s.update(e.getKey(), e.getValue()[0]);
    }
    items = s;
    exact = null;
  }

  /**
   * Adds another column's counts to this one; locks {@code o} (see {@link NumericSketch#merge}).
   */
  void merge(CategorySketch o) {
    synchronized (o) {
      mergeLocked(o);
    }
  }

  private void mergeLocked(CategorySketch o) {
    missing += o.missing;
    present += o.present;
    if (exact != null && o.exact != null) {
      int newKeys = 0;
      for (String key : o.exact.keySet()) {
        if (!exact.containsKey(key)) {
          newKeys++;
        }
      }
      if (exact.size() + newKeys <= exactLimit) {
        for (Map.Entry<String, long[]> e : o.exact.entrySet()) {
          long[] c = exact.get(e.getKey());
          if (c != null) {
            c[0] += e.getValue()[0];
          } else {
            exact.put(e.getKey(), new long[] {e.getValue()[0]});
          }
        }
        return;
      }
    }
    if (exact != null) {
      switchToSketch();
    }
    if (o.exact != null) {
      for (Map.Entry<String, long[]> e : o.exact.entrySet()) {
        sketch().update(e.getKey(), e.getValue()[0]);
      }
    } else {
      sketch().merge(o.sketch());
    }
  }

  synchronized CategorySketch copy() {
    CategorySketch c = new CategorySketch(exactLimit, mapSize);
    c.present = present;
    c.missing = missing;
    if (exact != null) {
      for (Map.Entry<String, long[]> e : exact.entrySet()) {
        c.exactCounts().put(e.getKey(), new long[] {e.getValue()[0]});
      }
    } else {
      c.exact = null;
      // through this library's image: DataSketches' own drops the stream length of a sketch
      // whose items were all purged
      c.items =
          ItemsSketch.getInstance(Memory.wrap(SketchImages.frequentItemsImage(sketch())), SERDE);
    }
    return c;
  }

  boolean isExact() {
    return exact != null;
  }

  /**
   * Count per category: exact counts, or the sketch's estimates of the items it still reports
   * (upper bound above its maximum error). Sorted by category.
   */
  synchronized Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    if (exact != null) {
      for (Map.Entry<String, long[]> e : exact.entrySet()) {
        out.put(e.getKey(), e.getValue()[0]);
      }
    } else if (!sketch().isEmpty()) {
      for (ItemsSketch.Row<String> r : sketch().getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
        out.put(r.getItem(), r.getEstimate());
      }
    }
    return out;
  }

  /** Largest possible error of a count: 0 when exact. */
  synchronized long maxCountError() {
    return exact != null ? 0 : sketch().getMaximumError();
  }

  /** Number of distinct categories (exact), or the number the sketch still tracks. */
  synchronized int distinct() {
    return exact != null ? exact.size() : sketch().getNumActiveItems();
  }

  /** The serialized frequent-items sketch, as {@link SketchImages#frequentItemsImage} writes it. */
  synchronized byte[] itemsBytes() {
    return SketchImages.frequentItemsImage(sketch());
  }

  static CategorySketch restoreExact(
      int exactLimit, int mapSize, long missing, Map<String, Long> counts) {
    CategorySketch c = new CategorySketch(exactLimit, mapSize);
    c.missing = missing;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      c.exactCounts().put(e.getKey(), new long[] {e.getValue()});
      c.present += e.getValue();
    }
    return c;
  }

  static CategorySketch restoreSketch(
      int exactLimit, int mapSize, long missing, ItemsSketch<String> items) {
    CategorySketch c = new CategorySketch(exactLimit, mapSize);
    c.missing = missing;
    c.exact = null;
    c.items = items;
    c.present = items.getStreamLength();
    return c;
  }
}
