package io.github.mlops4j.features;

import java.util.Objects;

/**
 * The values of an online read's result by (request row, column): either copied into one array
 * ({@link Copied}, what on-demand features compute on), or resolved on access from the cache
 * entries the read found ({@link Entries}).
 */
sealed interface OnlineCells {
  /** The value of a row's column; both are in range. */
  FeatureValue get(int row, int col);

  /** Cells in a row-major array of {@code width} columns per row. */
  final class Copied implements OnlineCells {
    private final FeatureValue[] values;
    private final int width;

    Copied(FeatureValue[] values, int width) {
      this.values = values;
      this.width = width;
    }

    @Override
    public FeatureValue get(int row, int col) {
      return values[row * width + col];
    }
  }

  /**
   * Cells resolved from the cache entries of a read: per view of the plan, the entry of each row
   * and its status at the read time. A read of 100 entities of 50 features of one view keeps 100
   * entry references and 100 status bytes instead of copying 5,000 values.
   */
  final class Entries implements OnlineCells {
    /** The entry's row is the entity's newest and within the view's TTL. */
    static final byte LIVE = 0;

    /** The entry's row is older than the view's TTL. */
    static final byte EXPIRED = 1;

    /** The entity has no row at the read time. */
    static final byte NOT_FOUND = 2;

    private final Plan plan;
    private final int size;
    private final OnlineCache.Entry[][] entries;
    private final byte[] states;

    /**
     * @param entries per view of {@code plan}, the entry of each of the {@code size} rows
     * @param states per view of {@code plan}, the state of each row: {@code states[view * size +
     *     row]}
     */
    Entries(Plan plan, int size, OnlineCache.Entry[][] entries, byte[] states) {
      this.plan = plan;
      this.size = size;
      this.entries = entries;
      this.states = states;
    }

    /** The state of an entry at read time {@code t} (epoch nanoseconds), by the as-of rule. */
    static byte state(OnlineCache.Entry e, long t, long ttlNanos) {
      if (!e.found || e.event > t) {
        return NOT_FOUND;
      }
      return AsOf.expired(e.event, t, ttlNanos) ? EXPIRED : LIVE;
    }

    /** A stored column's value; {@code col} must name a stored feature of the plan. */
    @Override
    public FeatureValue get(int row, int col) {
      int v = plan.colView[col];
      return value(entries[v][row], states[v * size + row], plan.colSlot[col]);
    }

    private static FeatureValue value(OnlineCache.Entry e, byte state, int slot) {
      switch (state) {
        case LIVE:
          return Objects.requireNonNull(e.values, "a found entry has values")[slot];
        case EXPIRED:
          return Objects.requireNonNull(e.expired, "a found entry has its expired value");
        default:
          return FeatureValue.NOT_FOUND;
      }
    }

    /**
     * Every stored column (requested ones and inputs of on-demand features) copied into a row-major
     * array of the plan's width; the columns of on-demand features are left null.
     */
    FeatureValue[] copy() {
      int width = plan.width;
      FeatureValue[] out = new FeatureValue[size * width];
      for (int v = 0; v < plan.views.length; v++) {
        int[] slots = plan.views[v].slots;
        int[] cols = plan.views[v].cols;
        for (int row = 0; row < size; row++) {
          OnlineCache.Entry e = entries[v][row];
          byte state = states[v * size + row];
          int base = row * width;
          for (int j = 0; j < slots.length; j++) {
            out[base + cols[j]] = value(e, state, slots[j]);
          }
        }
      }
      return out;
    }
  }
}
