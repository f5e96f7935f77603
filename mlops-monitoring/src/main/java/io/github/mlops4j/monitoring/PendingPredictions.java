package io.github.mlops4j.monitoring;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Predictions waiting for their label, bounded in count and age.
 *
 * <p>Ids are spread over 16 segments by hash, each an insertion-ordered map under its own lock
 * holding at most ⌈capacity / 16⌉ entries. Eviction: when a segment is full the oldest entry of
 * that segment goes (so the store as a whole drops approximately its oldest entries); a segment's
 * oldest entry is also dropped when it is older than the time to live as the segment is written,
 * and any entry that has expired is dropped when its label arrives. Recording an id again replaces
 * the earlier prediction.
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
      segments[i] = new Segment();
    }
  }

  /** An insertion-ordered map that drops its eldest entry when full or expired. */
  private final class Segment extends LinkedHashMap<String, Pending> {
    private static final long serialVersionUID = 1L;
    final transient ReentrantLock lock = new ReentrantLock();
    transient long now; // set under lock before each put

    Segment() {
      super(16, 0.75f, false);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
      if (size() > perSegment || now - eldest.getValue().timeMillis() > ttlMillis) {
        evicted.increment();
        return true;
      }
      return false;
    }
  }

  private Segment segment(String id) {
    int h = id.hashCode();
    h ^= h >>> 16;
    return segments[h & (SEGMENTS - 1)];
  }

  void put(String id, double value, @Nullable String label) {
    long now = clock.millis();
    Pending p = new Pending(value, label, now);
    Segment s = segment(id);
    s.lock.lock();
    try {
      s.now = now;
      if (s.put(id, p) != null) {
        s.remove(id); // a re-recorded id moves to the end
        s.put(id, p);
      }
    } finally {
      s.lock.unlock();
    }
  }

  /** Removes and returns the prediction of an id, or null if unknown or expired. */
  @Nullable Pending take(String id) {
    Segment s = segment(id);
    Pending p;
    s.lock.lock();
    try {
      p = s.remove(id);
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
        n += s.size();
      } finally {
        s.lock.unlock();
      }
    }
    return n;
  }

  long evicted() {
    return evicted.sum();
  }
}
