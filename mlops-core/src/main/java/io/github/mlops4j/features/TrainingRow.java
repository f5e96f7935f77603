package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of a training set: the spine row it was made for (keys, timestamp, labels and other
 * columns) and the requested features as of the spine row's timestamp.
 *
 * <p>The rows of one {@link FeatureStore#historical} result share its joined data in compact form
 * (per view, the winning stored rows' bytes): a feature value is decoded each time it is read, and
 * equal reads return equal {@link FeatureValue}s. Rows are immutable and safe to share between
 * threads.
 *
 * @since 0.1.0
 */
public final class TrainingRow {
  private final EntityRow entity;
  private final Columns columns;

  /** The values, or null when they are read from {@link #joined}. */
  private final FeatureValue @Nullable [] values;

  private final @Nullable Joined joined;
  private final int index;

  TrainingRow(EntityRow entity, Columns columns, FeatureValue[] values) {
    this.entity = entity;
    this.columns = columns;
    this.values = values;
    this.joined = null;
    this.index = -1;
  }

  /** Row {@code index} of a join result, its values decoded when read. */
  TrainingRow(EntityRow entity, Columns columns, Joined joined, int index) {
    this.entity = entity;
    this.columns = columns;
    this.values = null;
    this.joined = joined;
    this.index = index;
  }

  private FeatureValue at(int col) {
    FeatureValue[] v = values;
    return v != null ? v[col] : Objects.requireNonNull(joined).value(index, col);
  }

  /** Every value, each joined view's stored row decoded once. */
  private FeatureValue[] all() {
    FeatureValue[] v = values;
    return v != null ? v : Objects.requireNonNull(joined).decode(index);
  }

  /** The spine row, unchanged. */
  public EntityRow entity() {
    return entity;
  }

  /** The spine row's timestamp, the time {@code T} features were looked up as of. */
  public Instant timestamp() {
    return Objects.requireNonNull(entity.timestamp());
  }

  /** The requested feature references, in request order. */
  public List<String> features() {
    return columns.names;
  }

  /**
   * A feature with its status and event time.
   *
   * @throws IllegalArgumentException if {@code ref} was not requested
   */
  public FeatureValue value(String ref) {
    return at(columns.indexOf(ref));
  }

  /** A feature's value; null unless its status is {@link FeatureStatus#PRESENT}. */
  public @Nullable Object get(String ref) {
    return value(ref).value();
  }

  /** The features by reference, in request order. */
  public Map<String, FeatureValue> values() {
    Map<String, FeatureValue> m = new LinkedHashMap<>();
    FeatureValue[] all = all();
    for (int i = 0; i < columns.names.size(); i++) {
      m.put(columns.names.get(i), all[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TrainingRow r)
        || !entity.equals(r.entity)
        || !columns.names.equals(r.columns.names)) {
      return false;
    }
    return Arrays.equals(all(), r.all());
  }

  @Override
  public int hashCode() {
    return entity.hashCode() * 31 + Arrays.hashCode(all());
  }

  @Override
  public String toString() {
    return "TrainingRow{" + entity + ", " + values() + "}";
  }

  /**
   * The per-view results of one point-in-time join ({@link JoinedView}) and where each column's
   * values come from: shared by all rows of the result, which hold only their row index.
   */
  static final class Joined {
    private final JoinedView[] views;
    private final int[][] colsOf;
    private final int[] viewOf;
    private final int[] posOf;

    Joined(Plan plan, JoinedView[] views) {
      this.views = views;
      this.colsOf = new int[plan.views.length][];
      this.viewOf = new int[plan.width];
      this.posOf = new int[plan.width];
      Arrays.fill(viewOf, -1);
      for (int v = 0; v < plan.views.length; v++) {
        int[] cols = plan.views[v].cols;
        colsOf[v] = cols;
        for (int j = 0; j < cols.length; j++) {
          viewOf[cols[j]] = v;
          posOf[cols[j]] = j;
        }
      }
    }

    FeatureValue value(int row, int col) {
      int v = viewOf[col];
      if (v < 0) {
        throw new IllegalStateException("Column " + col + " is computed, not joined");
      }
      return views[v].value(row, posOf[col]);
    }

    /**
     * Every joined column of a row, each view's stored row decoded once; computed columns left
     * null.
     */
    FeatureValue[] decode(int row) {
      FeatureValue[] out = new FeatureValue[viewOf.length];
      for (int v = 0; v < views.length; v++) {
        FeatureValue[] values = views[v].values(row);
        int[] cols = colsOf[v];
        for (int j = 0; j < cols.length; j++) {
          out[cols[j]] = values[j];
        }
      }
      return out;
    }
  }
}
