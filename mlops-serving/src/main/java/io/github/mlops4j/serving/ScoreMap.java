package io.github.mlops4j.serving;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable map of a few scores, backed by an array of names (shared by every prediction of one
 * version) and an array of values (one per prediction): what {@link Prediction#scores()} holds for
 * a classifier, without an entry object or a boxed value per score until someone iterates. Lookups
 * scan the names, so it is used only up to {@value #MAX} entries. Names are distinct and non-null.
 */
final class ScoreMap extends AbstractMap<String, Double> {
  /** The most entries this map is made for; above it, lookups by scan would be slow. */
  static final int MAX = 16;

  private final String[] names;
  private final double[] values;

  /**
   * A map of {@code names[i]} to {@code values[i]}; both arrays are taken over, not copied (the
   * names array must never change, the values array is owned by this map).
   */
  ScoreMap(String[] names, double[] values) {
    this.names = names;
    this.values = values;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public boolean isEmpty() {
    return names.length == 0;
  }

  private int indexOf(@Nullable Object key) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public @Nullable Double get(@Nullable Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public Set<Map.Entry<String, Double>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return names.length;
      }

      @Override
      public Iterator<Map.Entry<String, Double>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < names.length;
          }

          @Override
          public Map.Entry<String, Double> next() {
            if (next >= names.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return Map.entry(names[i], values[i]);
          }
        };
      }
    };
  }
}
