package io.github.mlops4j.monitoring;

import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Predictions waiting for their label, bounded in count and age.
 *
 * <p>Ids are spread over 16 segments by hash, each an insertion-ordered table under its own lock
 * holding at most ⌈capacity / 16⌉ entries. Eviction: when a segment is full the oldest entry of
 * that segment goes (so the store as a whole drops approximately its oldest entries); a segment's
 * oldest entry is also dropped when it is older than the time to live as the segment is written,
 * and any entry that has expired is dropped when its label arrives. Recording an id again replaces
 * the earlier prediction.
 *
 * <p>A segment keeps its entries in parallel primitive arrays (id, hash, value, label, time, and
 * the links of the insertion order) with an open-addressing index over them, so that recording a
 * prediction allocates nothing once the segment has grown to its working size: no entry object, no
 * boxed value. The arrays grow by doubling up to the segment's bound, never shrink, and are sized
 * for what was stored, not for the bound (a bound of 100 million costs nothing until it fills).
 */
final class PendingPredictions {
  static final int SEGMENTS = 16;

  record Pending(double value, @Nullable String label, long timeMillis) {}

  private final Segment[] segments = new Segment[SEGMENTS];
  private final int perSegment;
  private final long ttlMillis;
  private final Clock clock;
  private final LongAdder evicted = new LongAdder();

  PendingPredictions(int capacity, long ttlMillis, Clock clock) {
    this.perSegment = Math.max(1, (capacity + SEGMENTS - 1) / SEGMENTS);
    this.ttlMillis = ttlMillis;
    this.clock = clock;
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new Segment(perSegment);
    }
  }

  /** The spread hash of an id: the segment takes its low bits, the segment's index the rest. */
  private static int spread(String id) {
    int h = id.hashCode();
    return h ^ (h >>> 16);
  }

  void put(String id, double value, @Nullable String label) {
    int h = spread(id);
    Segment s = segments[h & (SEGMENTS - 1)];
    long now = clock.millis();
    s.lock.lock();
    try {
      if (s.put(id, h, value, label, now, ttlMillis)) {
        evicted.increment();
      }
    } finally {
      s.lock.unlock();
    }
  }

  /** Removes and returns the prediction of an id, or null if unknown or expired. */
  @Nullable Pending take(String id) {
    int h = spread(id);
    Segment s = segments[h & (SEGMENTS - 1)];
    Pending p;
    s.lock.lock();
    try {
      p = s.take(id, h);
    } finally {
      s.lock.unlock();
    }
    if (p != null && clock.millis() - p.timeMillis() > ttlMillis) {
      evicted.increment();
      return null;
    }
    return p;
  }

  long size() {
    long n = 0;
    for (Segment s : segments) {
      s.lock.lock();
      try {
        n += s.size;
      } finally {
        s.lock.unlock();
      }
    }
    return n;
  }

  long evicted() {
    return evicted.sum();
  }

  /**
   * One segment: entries in slots of parallel arrays, linked oldest to newest through {@code
   * older}/{@code newer}, found through {@code index}, a linear-probing table of slot + 1 (0 =
   * empty) that is never more than half full. Free slots are chained through {@code newer}. Guarded
   * by {@link #lock}.
   */
  private static final class Segment {
    private static final int NONE = -1;
    private static final int INITIAL = 16;

    final ReentrantLock lock = new ReentrantLock();
    private final int bound;
    private @Nullable String[] ids = new String[0];
    private int[] hashes = new int[0];
    private double[] values = new double[0];
    private @Nullable String[] labels = new String[0];
    private long[] times = new long[0];
    private int[] older = new int[0];
    private int[] newer = new int[0];
    private int[] index = new int[0];
    private int oldest = NONE;
    private int newest = NONE;
    private int free = NONE;
    private int used; // slots ever handed out (the free chain holds the returned ones)
    int size;

    Segment(int bound) {
      this.bound = bound;
    }

    /**
     * Appends (or moves to the newest place) the entry of {@code id}, then drops the oldest entry
     * if the segment holds more than its bound or the oldest is older than {@code ttl}: at most one
     * entry per call, as a {@code LinkedHashMap} with {@code removeEldestEntry} does.
     *
     * @return whether an entry was dropped
     */
    boolean put(String id, int hash, double value, @Nullable String label, long now, long ttl) {
      int slot = find(id, hash);
      if (slot != NONE) {
        unlink(slot); // a re-recorded id moves to the newest place
      } else {
        slot = allocate();
        ids[slot] = id;
        hashes[slot] = hash;
        insert(slot);
        size++;
      }
      values[slot] = value;
      labels[slot] = label;
      times[slot] = now;
      linkNewest(slot);
      int eldest = oldest;
      if (size > bound || now - times[eldest] > ttl) {
        remove(eldest);
        return true;
      }
      return false;
    }

    @Nullable Pending take(String id, int hash) {
      int slot = find(id, hash);
      if (slot == NONE) {
        return null;
      }
      Pending p = new Pending(values[slot], labels[slot], times[slot]);
      remove(slot);
      return p;
    }

    private int find(String id, int hash) {
      int[] t = index;
      if (t.length == 0) {
        return NONE;
      }
      int mask = t.length - 1;
      for (int i = probe(hash) & mask; ; i = (i + 1) & mask) {
        int slot = t[i] - 1;
        if (slot < 0) {
          return NONE;
        }
        if (hashes[slot] == hash && id.equals(ids[slot])) {
          return slot;
        }
      }
    }

    /** The table position of a hash: its bits above the segment's, mixed. */
    private static int probe(int hash) {
      return ((hash >>> 4) * 0x9E3779B1) >>> 7;
    }

    private void insert(int slot) {
      int[] t = index;
      int mask = t.length - 1;
      int i = probe(hashes[slot]) & mask;
      while (t[i] != 0) {
        i = (i + 1) & mask;
      }
      t[i] = slot + 1;
    }

    /** Unlinks, unindexes and frees a slot. */
    private void remove(int slot) {
      unlink(slot);
      unindex(slot);
      ids[slot] = null;
      labels[slot] = null;
      newer[slot] = free;
      free = slot;
      size--;
    }

    /** Deletes a slot from the linear-probing table, shifting later entries of its run back. */
    private void unindex(int slot) {
      int[] t = index;
      int mask = t.length - 1;
      int i = probe(hashes[slot]) & mask;
      while (t[i] != slot + 1) {
        i = (i + 1) & mask;
      }
      int gap = i;
      for (int j = (gap + 1) & mask; t[j] != 0; j = (j + 1) & mask) {
        int home = probe(hashes[t[j] - 1]) & mask;
        // move t[j] into the gap unless its home lies cyclically in (gap, j]
        if (((j - home) & mask) >= ((j - gap) & mask)) {
          t[gap] = t[j];
          gap = j;
        }
      }
      t[gap] = 0;
    }

    private void unlink(int slot) {
      int o = older[slot];
      int n = newer[slot];
      if (o == NONE) {
        oldest = n;
      } else {
        newer[o] = n;
      }
      if (n == NONE) {
        newest = o;
      } else {
        older[n] = o;
      }
    }

    private void linkNewest(int slot) {
      older[slot] = newest;
      newer[slot] = NONE;
      if (newest == NONE) {
        oldest = slot;
      } else {
        newer[newest] = slot;
      }
      newest = slot;
    }

    /** A free slot, growing the arrays (and the table) when none is left. */
    private int allocate() {
      if (free != NONE) {
        int slot = free;
        free = newer[slot];
        return slot;
      }
      if (used == ids.length) {
        grow();
      }
      return used++;
    }

    private void grow() {
      // one slot over the bound: an entry is appended before the eldest is dropped
      int n = (int) Math.min((long) bound + 1, Math.max(INITIAL, 2L * ids.length));
      ids = Arrays.copyOf(ids, n);
      hashes = Arrays.copyOf(hashes, n);
      values = Arrays.copyOf(values, n);
      labels = Arrays.copyOf(labels, n);
      times = Arrays.copyOf(times, n);
      older = Arrays.copyOf(older, n);
      newer = Arrays.copyOf(newer, n);
      int tableSize = Integer.highestOneBit(Math.max(2, n) - 1) << 2; // >= 2n, a power of two
      if (tableSize != index.length) {
        index = new int[tableSize];
        for (int slot = oldest; slot != NONE; slot = newer[slot]) {
          insert(slot);
        }
      }
    }
  }
}
