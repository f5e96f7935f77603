package io.github.mlops4j.features;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The sort-merge as-of join of one view: spine rows sorted by (key, T), stored rows streamed in
 * (key, e, c, seq) order, one pass, no query per spine row. Sorting the spine is a counting sort by
 * key rank followed by a sort by T within each key, O(n + d log d + sum of g log g) for d distinct
 * keys and groups of g rows; the {@link Spine} is built once and shared by every view with the same
 * entity keys.
 */
final class PointInTimeJoin {
  /** Stored rows of a view in (key, e, c, seq) order; {@code null} at the end. */
  interface Cursor extends AutoCloseable {
    @Nullable SourceRow next() throws SQLException;

    @Override
    void close() throws SQLException;
  }

  /**
   * Opens a cursor over the rows of the given keys (sorted, distinct) with {@code e <= maxTime}.
   */
  interface Source {
    Cursor open(List<EntityKey> sortedKeys, long maxTime) throws SQLException;
  }

  /** The spine sorted for merging: distinct keys in byte order, rows by (key, T, index). */
  static final class Spine {
    final List<EntityKey> sortedKeys;

    /** Per sorted key, where its rows start in {@link #order}; one extra entry at the end. */
    final int[] groupStart;

    final int[] order;
    final long[] times;
    final long maxTime;

    private Spine(
        List<EntityKey> sortedKeys, int[] groupStart, int[] order, long[] times, long maxTime) {
      this.sortedKeys = sortedKeys;
      this.groupStart = groupStart;
      this.order = order;
      this.times = times;
      this.maxTime = maxTime;
    }

    int size() {
      return times.length;
    }
  }

  private PointInTimeJoin() {}

  /**
   * Sorts a spine whose rows have key ids {@code keyId} (indices into {@code distinct}) and times
   * {@code times} (epoch nanoseconds).
   */
  static Spine spine(int[] keyId, List<EntityKey> distinct, long[] times) {
    int d = distinct.size();
    int n = keyId.length;
    int[] byBytes = new int[d];
    for (int i = 0; i < d; i++) {
      byBytes[i] = i;
    }
    IntSort.sort(byBytes, (a, b) -> distinct.get(a).compareTo(distinct.get(b)));
    int[] rank = new int[d];
    List<EntityKey> sortedKeys = new ArrayList<>(d);
    for (int r = 0; r < d; r++) {
      rank[byBytes[r]] = r;
      sortedKeys.add(distinct.get(byBytes[r]));
    }
    int[] groupStart = new int[d + 1];
    long maxTime = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      groupStart[rank[keyId[i]] + 1]++;
      maxTime = Math.max(maxTime, times[i]);
    }
    for (int r = 0; r < d; r++) {
      groupStart[r + 1] += groupStart[r];
    }
    int[] next = groupStart.clone();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) { // counting sort: stable, so ties stay in spine order
      order[next[rank[keyId[i]]]++] = i;
    }
    for (int r = 0; r < d; r++) {
      int from = groupStart[r];
      int to = groupStart[r + 1];
      if (to - from < 2) {
        continue;
      }
      if (to - from <= 32) {
        for (int i = from + 1; i < to; i++) {
          int v = order[i];
          int j = i - 1;
          while (j >= from && times[order[j]] > times[v]) {
            order[j + 1] = order[j];
            j--;
          }
          order[j + 1] = v;
        }
      } else {
        IntSort.sort(order, from, to, (a, b) -> Long.compare(times[a], times[b]));
      }
    }
    return new Spine(sortedKeys, groupStart, order, times, maxTime);
  }

  /** A spine from encoded keys (hashes the keys; the store hashes canonical values instead). */
  static Spine spine(EntityKey[] keys, long[] times) {
    Map<EntityKey, Integer> ids = new HashMap<>(keys.length * 2);
    List<EntityKey> distinct = new ArrayList<>();
    int[] keyId = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      Integer id = ids.get(keys[i]);
      if (id == null) {
        id = distinct.size();
        ids.put(keys[i], id);
        distinct.add(keys[i]);
      }
      keyId[i] = id;
    }
    return spine(keyId, distinct, times);
  }

  static @Nullable SourceRow[] join(
      EntityKey[] keys, long[] times, boolean asOfKnownTime, Source source) throws SQLException {
    return join(spine(keys, times), asOfKnownTime, source);
  }

  /** The winner (before TTL) of each spine row, by spine index; null where no row is eligible. */
  static @Nullable SourceRow[] join(Spine spine, boolean asOfKnownTime, Source source)
      throws SQLException {
    @Nullable SourceRow[] winners = new SourceRow[spine.size()];
    join(spine, asOfKnownTime, source, (s, w) -> winners[s] = w);
    return winners;
  }

  /** Receives the winner (before TTL) of a spine row as the merge finds it. */
  interface Sink {
    /**
     * Called once per spine row, in merge order, while the source is open; {@code winner} is null
     * when no row is eligible. The rows of one key group come one after the other, so a row that
     * wins for several spine rows is passed several times (the same object) in a row.
     */
    void accept(int spineIndex, @Nullable SourceRow winner);
  }

  /**
   * Merges the spine with the source's rows and passes each spine row's winner to {@code sink}
   * during the one pass: no array of winners, and stored rows that win for no spine row are garbage
   * as soon as the cursor moves past them.
   */
  static void join(Spine spine, boolean asOfKnownTime, Source source, Sink sink)
      throws SQLException {
    join(spine, 0, spine.sortedKeys.size(), asOfKnownTime, source, sink);
  }

  /**
   * Splits the spine's sorted keys into at most {@code parts} consecutive ranges of about as many
   * keys each: the bounds, {@code bounds[p]} to {@code bounds[p + 1]} (exclusive) for part p.
   */
  static int[] partBounds(Spine spine, int parts) {
    int d = spine.sortedKeys.size();
    int k = Math.max(1, Math.min(parts, d));
    int[] bounds = new int[k + 1];
    for (int p = 0; p <= k; p++) {
      bounds[p] = (int) ((long) d * p / k);
    }
    return bounds;
  }

  /**
   * {@link #join(Spine, boolean, Source, Sink)} of the spine rows of sorted keys {@code fromKey} to
   * {@code toKey} (exclusive) only: the source is opened for those keys, and the sink is called for
   * exactly their spine rows. Parts of one spine with disjoint key ranges can be joined at the same
   * time (each row's winner depends only on the stored rows of its own key).
   */
  static void join(
      Spine spine, int fromKey, int toKey, boolean asOfKnownTime, Source source, Sink sink)
      throws SQLException {
    if (fromKey >= toKey) {
      return;
    }
    long[] times = spine.times;
    int[] order = spine.order;
    AsOf.Timeline timeline = new AsOf.Timeline(asOfKnownTime);
    try (Cursor cursor = source.open(spine.sortedKeys.subList(fromKey, toKey), spine.maxTime)) {
      Ordered rows = new Ordered(cursor);
      for (int r = fromKey; r < toKey; r++) {
        EntityKey key = spine.sortedKeys.get(r);
        SourceRow row = rows.current;
        int c = rows.compareTo(key);
        while (c < 0) {
          row = rows.advance();
          c = rows.compareTo(key);
        }
        timeline.reset();
        for (int i = spine.groupStart[r]; i < spine.groupStart[r + 1]; i++) {
          int s = order[i];
          long t = times[s];
          while (c == 0
              && Objects.requireNonNull(row, "c == 0 only with a current row").event <= t) {
            timeline.add(row, t);
            row = rows.advance();
            c = rows.compareTo(key);
          }
          timeline.advanceTo(t);
          sink.accept(s, timeline.winner());
        }
      }
    }
  }

  /**
   * A cursor that checks the order the merge relies on, and compares the current row's key with a
   * spine key only when either changed (rows of one entity share one key object).
   */
  private static final class Ordered {
    private final Cursor cursor;
    @Nullable SourceRow current;
    private @Nullable EntityKey comparedRowKey;
    private @Nullable EntityKey comparedKey;
    private int compared;

    /** The current row's key compared with {@code key}; positive at the end. */
    @SuppressWarnings("ReferenceEquality") // identity only skips a repeated comparison
    int compareTo(EntityKey key) {
      if (current == null) {
        return 1;
      }
      if (current.key != comparedRowKey || key != comparedKey) {
        comparedRowKey = current.key;
        comparedKey = key;
        compared = current.key.compareTo(key);
      }
      return compared;
    }

    Ordered(Cursor cursor) throws SQLException {
      this.cursor = cursor;
      this.current = cursor.next();
    }

    @SuppressWarnings("ReferenceEquality") // identity only skips a comparison
    @Nullable SourceRow advance() throws SQLException {
      SourceRow previous = current;
      current = cursor.next();
      if (current != null && previous != null) {
        int c = current.key == previous.key ? 0 : current.key.compareTo(previous.key);
        if (c < 0 || (c == 0 && AsOf.compare(current, previous) < 0)) {
          throw new IllegalStateException(
              "Stored feature rows arrived out of (key, event time,"
                  + " created time, sequence) order: "
                  + previous
                  + " then "
                  + current);
        }
      }
      return current;
    }
  }
}
