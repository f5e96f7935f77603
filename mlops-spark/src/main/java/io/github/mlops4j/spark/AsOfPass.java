package io.github.mlops4j.spark;

import io.github.mlops4j.features.FeatureException;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.NanPolicy;
import io.github.mlops4j.features.internal.AsOfRule;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jspecify.annotations.Nullable;

/**
 * One streaming pass of the point-in-time join over a partition of spine rows and feature rows of
 * one or more views that share their entity keys, sorted by (sort key, time, kind, created time,
 * sequence), where the sort key's upper bits are the entity's hash group and its lower bits a
 * bucket of the time (so each entity's rows are in time order among its group's): a feature row's
 * time is its event time, a spine row's its lookup time, and at equal times feature rows (kind =
 * view index) come before spine rows (kind = number of views). So when a spine row arrives, every
 * row of its entity with event time at or before its time has been seen, and the store's timeline
 * ({@link AsOfRule.Timeline}) of each view holds the winner. Per entity and view only the winner is
 * held (and, as of known time, the rows not yet known): never a whole entity.
 *
 * <p>Input row layout: {@code keys} key columns ({@code STRING} keys as UTF-8 bytes), time, kind,
 * created time, sequence, the spine's {@code payload} columns in one struct column (null in feature
 * rows), per view one struct column of its features (null except in that view's rows), the sort
 * key. Output: the payload columns, then per view its event time column and a value and status
 * column per feature.
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
    final int column;

    /**
     * @param features the names of the features joined
     * @param doubles per feature, whether it is a {@code DOUBLE} (NaN policy)
     * @param column the input column of the struct of the view's features
     */
    View(
        String name,
        String[] features,
        boolean[] doubles,
        NanPolicy nanPolicy,
        long ttlNanos,
        int column) {
      this.name = name;
      this.features = features.clone();
      this.doubles = doubles.clone();
      this.nanPolicy = nanPolicy;
      this.ttlNanos = ttlNanos;
      this.column = column;
    }
  }

  private final String[] keyNames;
  private final int payload;
  private final View[] views;
  private final int sortKey;
  private final int width;
  private final boolean asOfKnownTime;

  AsOfPass(String[] keyNames, int payload, View[] views, boolean asOfKnownTime) {
    this.keyNames = keyNames.clone();
    this.payload = payload;
    this.views = views.clone();
    int out = payload;
    for (View v : views) {
      out += 1 + 2 * v.features.length;
    }
    this.sortKey = keyNames.length + 5 + views.length;
    this.width = out;
    this.asOfKnownTime = asOfKnownTime;
  }

  /** A feature row as the rule sees it: its times and its features. */
  private record Stamp(long eventNanos, long createdNanos, long sequence, Row features)
      implements AsOfRule.Stamped {}

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Sweep(input);
  }

  /** One entity of the current hash group: its keys and, per view, its timeline. */
  private final class Entity {
    final @Nullable Object[] keys = new Object[keyNames.length];
    final AsOfRule.Timeline<Stamp>[] timelines;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Entity() {
      this.timelines = new AsOfRule.Timeline[views.length];
      for (int v = 0; v < views.length; v++) {
        timelines[v] = new AsOfRule.Timeline<>(asOfKnownTime);
      }
    }

    boolean holds(Row r) {
      for (int i = 0; i < keys.length; i++) {
        // STRING keys come as byte arrays
        if (!Objects.deepEquals(r.get(i), keys[i])) {
          return false;
        }
      }
      return true;
    }

    void take(Row r) {
      for (int i = 0; i < keys.length; i++) {
        keys[i] = r.get(i);
      }
      for (AsOfRule.Timeline<Stamp> t : timelines) {
        t.reset();
      }
    }
  }

  /** Yields one row per spine row, reading the feature rows in between as it goes. */
  private final class Sweep implements Iterator<Row> {
    private final Iterator<Row> input;

    /**
     * The entities of the current hash group, the first {@code used} in use. The rows of one group
     * are contiguous and each entity's rows come in order, but the entities of a group (almost
     * always one) interleave by time.
     */
    private final List<Entity> entities = new ArrayList<>();

    private int used;
    private long group;
    private boolean started;
    private @Nullable Row next;

    Sweep(Iterator<Row> input) {
      this.input = input;
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
      if (spine && r.isNullAt(k)) {
        throw new FeatureException(
            views[0].name,
            SparkFeatures.SPINE_TIME,
            -1,
            "A spine row has a null " + SparkFeatures.SPINE_TIME);
      }
      if (!spine) {
        for (int i = k; i < k + 3; i += 2) {
          if (r.isNullAt(i)) {
            String view = views[kind].name;
            String column = i == k ? SparkFeatures.EVENT_TIME : SparkFeatures.CREATED_TIME;
            throw new FeatureException(
                view, column, -1, "A feature row of " + view + " has a null " + column);
          }
        }
      }
      Entity e = entity(r);
      if (spine) {
        return result(e, r, r.getLong(k));
      }
      long event = r.getLong(k);
      Stamp s =
          new Stamp(
              event,
              r.getLong(k + 2),
              r.isNullAt(k + 3) ? 0 : r.getLong(k + 3),
              r.getStruct(views[kind].column));
      // The timeline takes a row at the time it becomes eligible by event time; as of known time
      // it holds the row back until the lookup time reaches its created time.
      e.timelines[kind].add(s, event);
      return null;
    }

    /** The entity of {@code r}, a new one (with empty timelines) when it starts a new entity. */
    private Entity entity(Row r) {
      long g = r.getLong(sortKey) & SparkFeatures.GROUP_MASK;
      if (!started || g != group) {
        started = true;
        group = g;
        used = 0;
      }
      for (int i = 0; i < used; i++) {
        Entity e = entities.get(i);
        if (e.holds(r)) {
          return e;
        }
      }
      if (used == entities.size()) {
        entities.add(new Entity());
      }
      Entity e = entities.get(used++);
      e.take(r);
      return e;
    }

    private Row result(Entity e, Row spine, long t) {
      int k = keyNames.length;
      @Nullable Object[] values = new Object[width];
      Row p = spine.getStruct(k + 4);
      for (int i = 0; i < payload; i++) {
        values[i] = p.get(i);
      }
      int at = payload;
      for (int v = 0; v < views.length; v++) {
        AsOfRule.Timeline<Stamp> timeline = e.timelines[v];
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
    Row row = w.features();
    for (int j = 0; j < width; j++) {
      Object value = row.isNullAt(j) ? null : row.get(j);
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
