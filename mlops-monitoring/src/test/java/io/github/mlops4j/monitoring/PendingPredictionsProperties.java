package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.github.mlops4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The primitive-array store of {@link PendingPredictions} behaves exactly as the simple one it
 * replaced (kept below as {@link Simple}: 16 insertion-ordered {@code LinkedHashMap}s that drop
 * their eldest entry when full or expired) on random sequences of puts, re-puts, takes and clock
 * moves: the same entries taken, the same size and the same eviction count after every step.
 */
class PendingPredictionsProperties {
  private static final long SEED = 20_261_206L;

  /**
   * Ids: 600 plain ones, and 64 built from "Aa"/"BB" blocks, which all share one hash code (so they
   * share a segment and probe for one another).
   */
  private static final List<String> IDS = new ArrayList<>();

  static {
    for (int i = 0; i < 600; i++) {
      IDS.add("req-" + i);
    }
    for (int bits = 0; bits < 64; bits++) {
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < 6; k++) {
        b.append((bits >> k & 1) == 0 ? "Aa" : "BB");
      }
      IDS.add(b.toString());
    }
  }

  @Test
  void fastStoreEqualsTheSimpleStore() {
    qt().withFixedSeed(SEED)
        .withExamples(200)
        .forAll(
            integers().between(1, 700), // capacity: 1 to 44 per segment
            integers().between(1, 40), // time to live in ms
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 3_000))
        .checkAssert(PendingPredictionsProperties::sameBehaviour);
  }

  @Test
  void largeStoreGrowsAndStaysEqual() {
    qt().withFixedSeed(SEED + 1)
        .withExamples(6)
        .forAll(
            integers().between(200, 5_000),
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(5_000, 12_000))
        .checkAssert((capacity, ops) -> sameBehaviour(capacity, 1_000_000, ops));
  }

  private static void sameBehaviour(int capacity, int ttl, List<Integer> ops) {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    PendingPredictions fast = new PendingPredictions(capacity, ttl, clock);
    Simple simple = new Simple(capacity, ttl, clock);
    int step = 0;
    for (int op : ops) {
      String id = IDS.get((op >>> 4) % IDS.size());
      switch (op & 15) {
        case 0 -> clock.advance(Duration.ofMillis(1 + (op >>> 8) % 7));
        case 1, 2, 3, 4, 5 -> { // take
          PendingPredictions.Pending a = fast.take(id);
          PendingPredictions.Pending b = simple.take(id);
          assertThat(a).as("take %s at step %d", id, step).isEqualTo(b);
        }
        case 6 -> { // a class label
          String label = "c" + (op >>> 20);
          fast.put(id, Double.NaN, label);
          simple.put(id, Double.NaN, label);
        }
        default -> {
          double value = (op >>> 12) / 7.0;
          fast.put(id, value, null);
          simple.put(id, value, null);
        }
      }
      assertThat(fast.size()).as("size at step %d", step).isEqualTo(simple.size());
      assertThat(fast.evicted()).as("evicted at step %d", step).isEqualTo(simple.evicted);
      step++;
    }
    for (String id : IDS) { // everything left is still there, under its own id
      assertThat(fast.take(id)).as("final take %s", id).isEqualTo(simple.take(id));
    }
    assertThat(fast.size()).isZero();
  }

  /** The store as it was written first: the reference behaviour. */
  private static final class Simple {
    private final List<Map<String, PendingPredictions.Pending>> segments = new ArrayList<>();
    private final int perSegment;
    private final long ttl;
    private final MutableClock clock;
    long evicted;
    long now;

    Simple(int capacity, long ttl, MutableClock clock) {
      this.perSegment =
          Math.max(1, (capacity + PendingPredictions.SEGMENTS - 1) / PendingPredictions.SEGMENTS);
      this.ttl = ttl;
      this.clock = clock;
      for (int i = 0; i < PendingPredictions.SEGMENTS; i++) {
        segments.add(
            new LinkedHashMap<>(16, 0.75f, false) {
              private static final long serialVersionUID = 1L;

              @Override
              protected boolean removeEldestEntry(
                  Map.Entry<String, PendingPredictions.Pending> eldest) {
                if (size() > perSegment || now - eldest.getValue().timeMillis() > Simple.this.ttl) {
                  evicted++;
                  return true;
                }
                return false;
              }
            });
      }
    }

    private Map<String, PendingPredictions.Pending> segment(String id) {
      int h = id.hashCode();
      h ^= h >>> 16;
      return segments.get(h & (PendingPredictions.SEGMENTS - 1));
    }

    void put(String id, double value, @Nullable String label) {
      now = clock.millis();
      PendingPredictions.Pending p = new PendingPredictions.Pending(value, label, now);
      Map<String, PendingPredictions.Pending> s = segment(id);
      if (s.put(id, p) != null) {
        s.remove(id);
        s.put(id, p);
      }
    }

    PendingPredictions.@Nullable Pending take(String id) {
      PendingPredictions.Pending p = segment(id).remove(id);
      if (p != null && clock.millis() - p.timeMillis() > ttl) {
        evicted++;
        return null;
      }
      return p;
    }

    long size() {
      return segments.stream().mapToLong(Map::size).sum();
    }
  }
}
