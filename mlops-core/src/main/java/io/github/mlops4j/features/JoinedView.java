package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One view's part of a point-in-time join result, in primitive columns: per spine row the index of
 * its winner (or none, or expired), and per distinct winner its event time and its stored value
 * bytes. Feature values are decoded when read ({@link #value}), so a join result holds no boxed
 * value, no {@link FeatureValue} and no {@link java.time.Instant} per cell: a few arrays and the
 * value bytes of each distinct winner. Immutable (final fields): safe to read from any thread.
 */
final class JoinedView {
  private static final int NOT_FOUND = -1;

  private final ViewState view;
  private final int[] slots;

  /** By spine row: {@code w >= 0} winner w; {@code -1} none; {@code -2 - w} winner w, expired. */
  private final int[] winnerOf;

  private final long[] events;
  private final byte[][] values;

  private JoinedView(ViewState view, int[] slots, int[] winnerOf, long[] events, byte[][] values) {
    this.view = view;
    this.slots = slots;
    this.winnerOf = winnerOf;
    this.events = events;
    this.values = values;
  }

  /** The view's {@code j}-th planned value of spine row {@code s}. */
  FeatureValue value(int s, int j) {
    int w = winnerOf[s];
    if (w == NOT_FOUND) {
      return FeatureValue.NOT_FOUND;
    }
    if (w < 0) {
      return FeatureValue.expired(Timestamps.ofNanos(events[-2 - w]));
    }
    @Nullable Object[] all = ValueCodec.decode(view.def, values[w]);
    return FeatureValue.of(all[slots[j]], Timestamps.ofNanos(events[w]));
  }

  /** Every planned value of spine row {@code s}, in plan order, from one decode of its winner. */
  FeatureValue[] values(int s) {
    FeatureValue[] out = new FeatureValue[slots.length];
    int w = winnerOf[s];
    if (w == NOT_FOUND) {
      Arrays.fill(out, FeatureValue.NOT_FOUND);
    } else if (w < 0) {
      Arrays.fill(out, FeatureValue.expired(Timestamps.ofNanos(events[-2 - w])));
    } else {
      @Nullable Object[] all = ValueCodec.decode(view.def, values[w]);
      Instant event = Timestamps.ofNanos(events[w]);
      for (int j = 0; j < out.length; j++) {
        out[j] = FeatureValue.of(all[slots[j]], event);
      }
    }
    return out;
  }

  /**
   * Joins the parts of one view's result: each part's winners are numbered from zero, so those of
   * part p are shifted by the winners of the parts before it.
   *
   * @param winnerOf by spine row, filled by the parts (each part its own rows)
   * @param parts the parts, in key order
   * @param bounds the parts' key ranges ({@link PointInTimeJoin#partBounds})
   */
  static JoinedView of(
      Plan.ViewPlan vp,
      int[] winnerOf,
      Collector[] parts,
      PointInTimeJoin.Spine spine,
      int[] bounds) {
    int total = 0;
    for (Collector part : parts) {
      total += part.winners;
    }
    long[] events = new long[total];
    byte[][] values = new byte[total][];
    int offset = 0;
    for (int p = 0; p < parts.length; p++) {
      Collector part = parts[p];
      if (offset > 0) {
        for (int i = spine.groupStart[bounds[p]]; i < spine.groupStart[bounds[p + 1]]; i++) {
          int s = spine.order[i];
          int w = winnerOf[s];
          if (w >= 0) {
            winnerOf[s] = w + offset;
          } else if (w != NOT_FOUND) {
            winnerOf[s] = w - offset; // -2 - (index + offset)
          }
        }
      }
      System.arraycopy(part.events, 0, events, offset, part.winners);
      System.arraycopy(part.values, 0, values, offset, part.winners);
      offset += part.winners;
    }
    return new JoinedView(vp.view, vp.slots, winnerOf, events, values);
  }

  /**
   * Collects the winners of one view's merge, or of one part of it (one thread per collector), for
   * {@link #of}.
   */
  static final class Collector {
    private final ViewState view;
    private final int[] winnerOf;
    private long[] events = new long[16];
    private byte[][] values = new byte[16][];
    private int winners;

    /** A collector that records winners into {@code winnerOf} (by spine row; shared by parts). */
    Collector(Plan.ViewPlan vp, int[] winnerOf) {
      this.view = vp.view;
      this.winnerOf = winnerOf;
    }

    /**
     * Records spine row {@code s}'s winner (before TTL; null for none) and whether it is expired
     * there. A winner used unexpired is decoded once, so that an unreadable stored row fails the
     * join, as it always has, rather than a later read of the result.
     */
    void accept(int s, @Nullable SourceRow w, boolean expired) {
      if (w == null) {
        winnerOf[s] = NOT_FOUND;
        return;
      }
      if (!expired && !w.checked) {
        RowCodec.decodeAll(view, w);
        w.checked = true;
      }
      int index = w.index;
      if (index < 0) {
        if (winners == events.length) {
          int grown = winners + (winners >> 1);
          events = Arrays.copyOf(events, grown);
          values = Arrays.copyOf(values, grown);
        }
        index = winners++;
        events[index] = w.event;
        values[index] = w.values;
        w.index = index;
      }
      winnerOf[s] = expired ? -2 - index : index;
    }
  }
}
