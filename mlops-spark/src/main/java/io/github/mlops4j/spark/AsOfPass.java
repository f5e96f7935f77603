package io.github.mlops4j.spark;

import io.github.mlops4j.features.FeatureException;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.NanPolicy;
import io.github.mlops4j.features.internal.AsOfRule;
import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jspecify.annotations.Nullable;

/**
 * One streaming pass of the point-in-time join over a partition of spine rows and feature rows of
 * one or more views that share their entity keys, sorted by (key hash, keys, time, kind, created
 * time, sequence): a feature row's time is its event time, a spine row's its lookup time, and at
 * equal times feature rows (kind = view index) come before spine rows (kind = number of views). So
 * when a spine row arrives, every row of its entity with event time at or before its time has been
 * seen, and the store's timeline ({@link AsOfRule.Timeline}) of each view holds the winner. Per
 * entity and view only the winner is held (and, as of known time, the rows not yet known): never a
 * whole entity.
 *
 * <p>Input row layout: {@code keys} key columns, time, kind, created time, sequence, the spine's
 * {@code payload} columns (null in feature rows), each view's features (null except in that view's
 * rows), the key hash. Output: the payload columns, then per view its event time column and a value
 * and status column per feature.
 */
final class AsOfPass implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** What the pass needs of one view. */
  static final class View implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final String[] features;
    final boolean[] doubles;
    final NanPolicy nanPolicy;
    final long ttlNanos;
    final int firstFeature;

    /**
     * @param features the names of the features joined
     * @param doubles per feature, whether it is a {@code DOUBLE} (NaN policy)
     * @param firstFeature the input column of the first feature
     */
    View(
        String name,
        String[] features,
        boolean[] doubles,
        NanPolicy nanPolicy,
        long ttlNanos,
        int firstFeature) {
      this.name = name;
      this.features = features.clone();
      this.doubles = doubles.clone();
      this.nanPolicy = nanPolicy;
      this.ttlNanos = ttlNanos;
      this.firstFeature = firstFeature;
    }
  }

  private final String[] keyNames;
  private final int payload;
  private final View[] views;
  private final int hash;
  private final int width;
  private final boolean asOfKnownTime;

  AsOfPass(String[] keyNames, int payload, View[] views, boolean asOfKnownTime) {
    this.keyNames = keyNames.clone();
    this.payload = payload;
    this.views = views.clone();
    int columns = keyNames.length + 4 + payload;
    int out = payload;
    for (View v : views) {
      columns += v.features.length;
      out += 1 + 2 * v.features.length;
    }
    this.hash = columns;
    this.width = out;
    this.asOfKnownTime = asOfKnownTime;
  }

  /** A feature row as the rule sees it: its times and the row itself. */
  private record Stamp(long eventNanos, long createdNanos, long sequence, Row row)
      implements AsOfRule.Stamped {}

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Sweep(input);
  }

  /** Yields one row per spine row, reading the feature rows in between as it goes. */
  private final class Sweep implements Iterator<Row> {
    private final Iterator<Row> input;
    private final AsOfRule.Timeline<Stamp>[] timelines;
    private final @Nullable Object[] entity = new Object[keyNames.length];
    private long entityHash;
    private boolean started;
    private @Nullable Row next;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Sweep(Iterator<Row> input) {
      this.input = input;
      this.timelines = new AsOfRule.Timeline[views.length];
      for (int v = 0; v < views.length; v++) {
        timelines[v] = new AsOfRule.Timeline<>(asOfKnownTime);
      }
    }

    @Override
    public boolean hasNext() {
      while (next == null && input.hasNext()) {
        next = read(input.next());
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = Objects.requireNonNull(next);
      next = null;
      return r;
    }

    /** Takes in one input row; the result row when it is a spine row, else null. */
    private @Nullable Row read(Row r) {
      int k = keyNames.length;
      int kind = r.getInt(k + 1);
      boolean spine = kind == views.length;
      for (int i = 0; i < k; i++) {
        if (r.isNullAt(i)) {
          throw new FeatureException(
              views[spine ? 0 : kind].name,
              keyNames[i],
              -1,
              "A row of the "
                  + (spine ? "spine" : "feature rows")
                  + " has a null entity key "
                  + keyNames[i]);
        }
      }
      long h = r.getLong(hash);
      if (!started || h != entityHash || !sameKeys(r)) {
        started = true;
        entityHash = h;
        for (int i = 0; i < k; i++) {
          entity[i] = r.get(i);
        }
        for (AsOfRule.Timeline<Stamp> t : timelines) {
          t.reset();
        }
      }
      if (spine) {
        if (r.isNullAt(k)) {
          throw new FeatureException(
              views[0].name,
              SparkFeatures.SPINE_TIME,
              -1,
              "A spine row has a null " + SparkFeatures.SPINE_TIME);
        }
        return result(r, r.getLong(k));
      }
      View v = views[kind];
      for (int i = k; i < k + 3; i += 2) {
        if (r.isNullAt(i)) {
          String column = i == k ? SparkFeatures.EVENT_TIME : SparkFeatures.CREATED_TIME;
          throw new FeatureException(
              v.name, column, -1, "A feature row of " + v.name + " has a null " + column);
        }
      }
      long event = r.getLong(k);
      Stamp s = new Stamp(event, r.getLong(k + 2), r.isNullAt(k + 3) ? 0 : r.getLong(k + 3), r);
      // The timeline takes a row at the time it becomes eligible by event time; as of known time
      // it holds the row back until the lookup time reaches its created time.
      timelines[kind].add(s, event);
      return null;
    }

    private boolean sameKeys(Row r) {
      for (int i = 0; i < entity.length; i++) {
        if (!r.get(i).equals(entity[i])) {
          return false;
        }
      }
      return true;
    }

    private Row result(Row spine, long t) {
      int k = keyNames.length;
      @Nullable Object[] values = new Object[width];
      for (int i = 0; i < payload; i++) {
        values[i] = spine.get(k + 4 + i);
      }
      int at = payload;
      for (int v = 0; v < views.length; v++) {
        AsOfRule.Timeline<Stamp> timeline = timelines[v];
        timeline.advanceTo(t);
        fill(views[v], timeline.winner(), t, values, at);
        at += 1 + 2 * views[v].features.length;
      }
      return RowFactory.create(values);
    }
  }

  /** Writes one view's event time, values and statuses for a spine row at {@code at}. */
  private void fill(View v, @Nullable Stamp w, long t, @Nullable Object[] values, int at) {
    int width = v.features.length;
    if (w == null) {
      for (int j = 0; j < width; j++) {
        values[at + 2 + 2 * j] = FeatureStatus.NOT_FOUND.name();
      }
      return;
    }
    values[at] = w.eventNanos();
    if (AsOfRule.expired(w.eventNanos(), t, v.ttlNanos)) {
      for (int j = 0; j < width; j++) {
        values[at + 2 + 2 * j] = FeatureStatus.EXPIRED.name();
      }
      return;
    }
    Row row = w.row();
    for (int j = 0; j < width; j++) {
      int col = v.firstFeature + j;
      Object value = row.isNullAt(col) ? null : row.get(col);
      if (value != null && v.doubles[j] && Double.isNaN((Double) value)) {
        if (v.nanPolicy == NanPolicy.MISSING) {
          value = null;
        } else if (v.nanPolicy == NanPolicy.REJECT) {
          throw new FeatureException(
              v.name,
              v.features[j],
              -1,
              "Feature "
                  + v.features[j]
                  + " of view "
                  + v.name
                  + " is NaN, which the view's NanPolicy.REJECT refuses; store the rows with"
                  + " MISSING or KEEP, or clean them");
        }
      }
      values[at + 1 + 2 * j] = value;
      values[at + 2 + 2 * j] =
          (value == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT).name();
    }
  }
}
