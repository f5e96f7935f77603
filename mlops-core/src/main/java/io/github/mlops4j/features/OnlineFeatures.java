package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The result of an online read: for each request row (in request order), each requested feature
 * with its status and event time, as of {@link #readTime()}.
 *
 * @since 0.1.0
 */
public final class OnlineFeatures {
  private final Columns columns;
  private final int size;
  private final OnlineCells cells;
  private final Instant readTime;

  /** The least available status of the stored values read (see {@link FeatureLookupObserver}). */
  final FeatureStatus outcome;

  OnlineFeatures(
      Columns columns, int size, OnlineCells cells, Instant readTime, FeatureStatus outcome) {
    this.columns = columns;
    this.size = size;
    this.cells = cells;
    this.readTime = readTime;
    this.outcome = outcome;
  }

  /** Number of request rows. */
  public int size() {
    return size;
  }

  /** The requested feature references, in request order. */
  public List<String> features() {
    return columns.names;
  }

  /** The time {@code T} the read was made at (the store's clock). */
  public Instant readTime() {
    return readTime;
  }

  /** A feature of a request row. */
  public FeatureValue value(int row, String ref) {
    int r = index(row);
    return cells.get(r, columns.indexOf(ref));
  }

  /** A feature of a request row by position in {@link #features()} (fastest). */
  public FeatureValue value(int row, int feature) {
    if (feature < 0 || feature >= columns.names.size()) {
      throw new IndexOutOfBoundsException("feature " + feature + " of " + columns.names.size());
    }
    return cells.get(index(row), feature);
  }

  /** A feature of the only request row. */
  public FeatureValue value(String ref) {
    if (size != 1) {
      throw new IllegalStateException("The read has " + size + " rows; use value(row, ref)");
    }
    return value(0, ref);
  }

  /** A feature's value; null unless its status is {@link FeatureStatus#PRESENT}. */
  public @Nullable Object get(int row, String ref) {
    return value(row, ref).value();
  }

  /** The features of a request row by reference, in request order. */
  public Map<String, FeatureValue> row(int row) {
    int r = index(row);
    Map<String, FeatureValue> m = new LinkedHashMap<>();
    for (int i = 0; i < columns.names.size(); i++) {
      m.put(columns.names.get(i), cells.get(r, i));
    }
    return Collections.unmodifiableMap(m);
  }

  private int index(int row) {
    if (row < 0 || row >= size) {
      throw new IndexOutOfBoundsException("row " + row + " of " + size);
    }
    return row;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("OnlineFeatures{readTime=").append(readTime);
    for (int r = 0; r < Math.min(size, 10); r++) {
      b.append(", ").append(row(r));
    }
    return b.append(size > 10 ? ", ...}" : "}").toString();
  }
}
