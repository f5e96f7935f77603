package io.github.mlops4j.serving.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request of numbers only, as a batch file gives it: the field names (one array shared by every
 * row of a job) and this row's values, without a map entry or a boxed number per field. It is an
 * unmodifiable map of each name to its value as a {@code Double}, so whatever reads a request reads
 * it as it reads any map (and the service's validation takes the short way through {@code
 * InputSchema} for it). Entries iterate in the order of {@link #names()}: a caller that wants the
 * iteration order of some other map (so that problems are listed in the same order) passes the
 * names in that order. Not API.
 */
public final class DenseRow extends AbstractMap<String, Object> {
  private final String[] names;
  private final double[] values;

  /**
   * A row over {@code names} (distinct, shared, never changed) and {@code values} (one per name,
   * handed over: never changed afterwards).
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public DenseRow(String[] names, double[] values) {
    if (names.length != values.length) {
      throw new IllegalArgumentException(
          names.length + " names for " + values.length + " values; give one value per name");
    }
    this.names = names;
    this.values = values;
  }

  /** The names array itself (shared by the rows of a job: compare it by identity). */
  public String[] names() {
    return names;
  }

  /** The value of the field at {@code index} of {@link #names()}. */
  public double value(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return names.length;
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
  public @Nullable Object get(@Nullable Object key) {
    int i = indexOf(key);
    return i < 0 ? null : Double.valueOf(values[i]);
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < names.length;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (next >= names.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(names[i], Double.valueOf(values[i]));
          }
        };
      }

      @Override
      public int size() {
        return names.length;
      }
    };
  }
}
