package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Property tests: the point-in-time join agrees with a naive oracle (scan every row for every spine
 * row) on random histories with ties, corrections, nulls, composite keys that look alike, duplicate
 * spine rows, random TTLs and as-of-known-time on and off. Once on the in-memory merge (many
 * cases), once through the whole store on SQLite. Public: the Spark join (mlops-spark) runs the
 * same cases and oracle.
 */
public class PointInTimeJoinProperties {
  private static final long SEED = 0x9172_0A5E_0F1EL;
  public static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  static final List<String> KEY_A = List.of("a", "b", "a:b", "", "a:");
  static final List<Long> KEY_B = List.of(0L, 1L, -1L);

  @TempDir Path temp;
  private FeatureStore features;
  private MutableClock clock;
  private final AtomicInteger views = new AtomicInteger();

  @BeforeEach
  void open() {
    clock = new MutableClock(T0.plusSeconds(1_000));
    features = FeatureStore.builder().workspace(temp.resolve("ws")).clock(clock).build();
  }

  @AfterEach
  void close() {
    features.close();
  }

  /** A stored row: composite key, times in nanoseconds after T0, write sequence, values. */
  public record Row(
      String a, long b, long e, long c, long seq, @Nullable Double x, @Nullable Long y) {}

  /** A spine row. */
  public record Probe(String a, long b, long t) {}

  public record Case(
      List<Row> rows,
      List<Integer> batchEnds,
      List<Probe> spine,
      long ttlNanos,
      boolean asOfKnownTime) {}

  // ---------------------------------------------------------------- the oracle

  /** The winner for one probe by the documented rule, scanning every row. */
  public static @Nullable Row oracleWinner(List<Row> rows, Probe p, boolean asOfKnownTime) {
    Row best = null;
    for (Row r : rows) {
      if (!r.a().equals(p.a())
          || r.b() != p.b()
          || r.e() > p.t()
          || (asOfKnownTime && r.c() > p.t())) {
        continue;
      }
      if (best == null
          || r.e() > best.e()
          || (r.e() == best.e()
              && (r.c() > best.c() || (r.c() == best.c() && r.seq() > best.seq())))) {
        best = r;
      }
    }
    return best;
  }

  /** The feature values the oracle expects for one probe. */
  public static FeatureValue[] oracle(
      List<Row> rows, Probe p, long ttlNanos, boolean asOfKnownTime) {
    Row w = oracleWinner(rows, p, asOfKnownTime);
    if (w == null) {
      return new FeatureValue[] {FeatureValue.NOT_FOUND, FeatureValue.NOT_FOUND};
    }
    Instant e = T0.plusNanos(w.e());
    // matches need e >= T - ttl; computed with Instants, independently of the store's arithmetic
    if (ttlNanos > 0 && e.isBefore(T0.plusNanos(p.t()).minusNanos(ttlNanos))) {
      FeatureValue x = new FeatureValue(null, FeatureStatus.EXPIRED, e);
      return new FeatureValue[] {x, x};
    }
    return new FeatureValue[] {
      new FeatureValue(w.x(), w.x() == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT, e),
      new FeatureValue(w.y(), w.y() == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT, e)
    };
  }

  // ---------------------------------------------------------------- generators

  private static int pick(RandomnessSource in, int min, int max) {
    return (int) in.next(Constraint.between(min, max));
  }

  /** Times cluster on whole seconds (ties), sometimes with nanoseconds. */
  private static long time(RandomnessSource in, int minSeconds, int maxSeconds) {
    long t = pick(in, minSeconds, maxSeconds) * 1_000_000_000L;
    switch (pick(in, 0, 5)) {
      case 0:
        return t + 1;
      case 1:
        return t - 1;
      case 2:
        return t + pick(in, 0, 999_999_999);
      default:
        return t;
    }
  }

  public static Gen<Case> cases(int maxRows, int maxSpine) {
    return in -> {
      long ttl = pick(in, 0, 2) == 0 ? 0 : Math.max(0, time(in, 0, 15));
      int n = pick(in, 0, maxRows);
      List<Row> rows = new ArrayList<>();
      List<Integer> batchEnds = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String a = KEY_A.get(pick(in, 0, KEY_A.size() - 1));
        long b = KEY_B.get(pick(in, 0, KEY_B.size() - 1));
        long e = time(in, 0, 30);
        long c = pick(in, 0, 3) == 0 ? e + time(in, -3, 20) : e; // late corrections, backfills
        Double x = pick(in, 0, 4) == 0 ? null : (double) pick(in, -100, 100);
        Long y = pick(in, 0, 4) == 0 ? null : (long) pick(in, -100, 100);
        rows.add(new Row(a, b, e, c, i + 1, x, y));
        if (pick(in, 0, 3) == 0 || i == n - 1) {
          batchEnds.add(i + 1);
        }
      }
      int m = pick(in, 0, maxSpine);
      List<Probe> spine = new ArrayList<>();
      for (int i = 0; i < m; i++) {
        int kind = pick(in, 0, 5);
        if (i > 0 && kind == 0) {
          spine.add(spine.get(pick(in, 0, i - 1))); // exact duplicates
        } else if (!rows.isEmpty() && kind <= 2) {
          // Aim at a boundary of a stored row: its event time, the end of its TTL window, its
          // created time; exactly or one nanosecond either side.
          Row r = rows.get(pick(in, 0, rows.size() - 1));
          long[] bounds = {r.e(), r.e() + ttl, r.c()};
          long t = bounds[pick(in, 0, 2)] + pick(in, -1, 1);
          spine.add(new Probe(r.a(), r.b(), t));
        } else {
          spine.add(
              new Probe(
                  KEY_A.get(pick(in, 0, KEY_A.size() - 1)),
                  KEY_B.get(pick(in, 0, KEY_B.size() - 1)),
                  time(in, -2, 40)));
        }
      }
      return new Case(rows, batchEnds, spine, ttl, pick(in, 0, 1) == 1);
    };
  }

  // ---------------------------------------------------------------- properties

  private static final List<Field> KEYS =
      List.of(new Field("a", ValueType.STRING), new Field("b", ValueType.LONG));

  static EntityKey key(String a, long b) {
    return KeyCodec.encode(KEYS, new Object[] {a, b});
  }

  /** The in-memory merge (what the store runs over its sorted rows) against the oracle. */
  @Test
  void mergeJoin_agreesWithTheOracle() {
    qt().withFixedSeed(SEED)
        .withExamples(3_000)
        .forAll(cases(40, 30))
        .checkAssert(
            c -> {
              Merge m = Merge.of(c);
              List<SourceRow> sorted = m.sorted();
              EntityKey[] keys = m.keys();
              long[] times = m.times();
              SourceRow[] winners;
              try {
                winners =
                    PointInTimeJoin.join(keys, times, c.asOfKnownTime(), memorySource(sorted));
              } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
              }
              assertThat(winners).hasSameSizeAs(c.spine());
              for (int i = 0; i < keys.length; i++) {
                Row expected = oracleWinner(c.rows(), c.spine().get(i), c.asOfKnownTime());
                assertThat(winners[i] == null ? null : winners[i].seq)
                    .as("spine row %s of %s", i, c)
                    .isEqualTo(expected == null ? null : expected.seq());
                if (winners[i] != null) {
                  FeatureStatus status =
                      oracle(c.rows(), c.spine().get(i), c.ttlNanos(), c.asOfKnownTime())[0]
                          .status();
                  assertThat(AsOf.expired(winners[i].event, times[i], c.ttlNanos()))
                      .as("expiry of spine row %s of %s", i, c)
                      .isEqualTo(status == FeatureStatus.EXPIRED);
                }
              }
            });
  }

  /** A case's stored rows sorted by (key, e, c, seq), and its spine's keys and times. */
  static final class Merge {
    private final List<SourceRow> sorted;
    private final EntityKey[] keys;
    private final long[] times;

    private Merge(List<SourceRow> sorted, EntityKey[] keys, long[] times) {
      this.sorted = sorted;
      this.keys = keys;
      this.times = times;
    }

    List<SourceRow> sorted() {
      return sorted;
    }

    EntityKey[] keys() {
      return keys;
    }

    long[] times() {
      return times;
    }

    static Merge of(Case c) {
      List<SourceRow> sorted = new ArrayList<>();
      for (Row r : c.rows()) {
        sorted.add(new SourceRow(key(r.a(), r.b()), r.e(), r.c(), r.seq(), new byte[0]));
      }
      sorted.sort(
          Comparator.<SourceRow, EntityKey>comparing(s -> s.key).thenComparing(AsOf::compare));
      EntityKey[] keys = new EntityKey[c.spine().size()];
      long[] times = new long[keys.length];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = key(c.spine().get(i).a(), c.spine().get(i).b());
        times[i] = c.spine().get(i).t();
      }
      return new Merge(sorted, keys, times);
    }
  }

  /** A source over stored rows in memory, sorted by (key, e, c, seq). */
  static PointInTimeJoin.Source memorySource(List<SourceRow> sorted) {
    return (ks, max) -> {
      List<SourceRow> selected = new ArrayList<>();
      for (SourceRow s : sorted) {
        if (s.event <= max && ks.contains(s.key)) {
          selected.add(s);
        }
      }
      var it = selected.iterator();
      return new PointInTimeJoin.Cursor() {
        @Override
        public SourceRow next() {
          return it.hasNext() ? it.next() : null;
        }

        @Override
        public void close() {}
      };
    };
  }

  /**
   * The merge split into key ranges (what a join on an executor runs, one part per task) finds the
   * same winner for every spine row as the merge in one piece, each spine row exactly once.
   */
  @Test
  void mergeJoin_inKeyRanges_agreesWithTheWholeMerge() {
    qt().withFixedSeed(SEED + 3)
        .withExamples(2_000)
        .forAll(cases(40, 30), org.quicktheories.generators.SourceDSL.integers().between(1, 7))
        .checkAssert(
            (c, parts) -> {
              Merge m = Merge.of(c);
              List<SourceRow> sorted = m.sorted();
              EntityKey[] keys = m.keys();
              long[] times = m.times();
              PointInTimeJoin.Spine spine = PointInTimeJoin.spine(keys, times);
              try {
                SourceRow[] whole =
                    PointInTimeJoin.join(spine, c.asOfKnownTime(), memorySource(sorted));
                SourceRow[] split = new SourceRow[keys.length];
                int[] calls = new int[keys.length];
                int[] bounds = PointInTimeJoin.partBounds(spine, parts);
                assertThat(bounds[0]).isZero();
                assertThat(bounds[bounds.length - 1]).isEqualTo(spine.sortedKeys.size());
                for (int p = bounds.length - 2; p >= 0; p--) { // any order: parts are independent
                  PointInTimeJoin.join(
                      spine,
                      bounds[p],
                      bounds[p + 1],
                      c.asOfKnownTime(),
                      memorySource(sorted),
                      (s, w) -> {
                        split[s] = w;
                        calls[s]++;
                      });
                }
                for (int i = 0; i < keys.length; i++) {
                  assertThat(calls[i]).as("calls for spine row %s of %s", i, c).isEqualTo(1);
                  assertThat(split[i])
                      .as("spine row %s of %s in %s parts", i, c, parts)
                      .isSameAs(whole[i]);
                }
              } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
              }
            });
  }

  /** The spine's string ids: the same ids as a hash map assigning them in first-seen order. */
  @Test
  void stringIds_agreeWithAHashMap() {
    qt().withFixedSeed(SEED + 4)
        .withExamples(300)
        .forAll(
            org.quicktheories.generators.SourceDSL.lists()
                .of(org.quicktheories.generators.SourceDSL.integers().between(0, 3_000))
                .ofSizeBetween(0, 4_000))
        .checkAssert(
            picks -> {
              StringIds ids = new StringIds();
              Map<String, Integer> expected = new java.util.HashMap<>();
              for (int pick : picks) {
                // "Aa" and "BB" hash alike: equal hashes, different strings, in every pick.
                String s = (pick % 2 == 0 ? "Aa" : "BB") + (pick / 2);
                Integer want = expected.get(s);
                int got = ids.get(s);
                if (want == null) {
                  assertThat(got).as("%s before it was added", s).isEqualTo(-1);
                  want = expected.size();
                  expected.put(s, want);
                  assertThat(ids.add(s)).isEqualTo(want);
                } else {
                  assertThat(got).as(s).isEqualTo(want);
                }
              }
              assertThat(ids.size()).isEqualTo(expected.size());
              for (Map.Entry<String, Integer> e : expected.entrySet()) {
                assertThat(ids.get(e.getKey())).isEqualTo(e.getValue());
              }
            });
  }

  /** The whole store on SQLite: writes in batches, join, compare every value and status. */
  @Test
  void storeJoin_agreesWithTheOracle() {
    qt().withFixedSeed(SEED + 1)
        .withExamples(60)
        .forAll(cases(25, 20))
        .checkAssert(c -> checkStore(c, false));
  }

  /**
   * The same on a view keyed by one STRING column (the key {@code a + "|" + b}, one to one with the
   * composite key since no {@code a} holds {@code '|'}), the spine's fast path that checks and
   * encodes each distinct key once; two views of the same keys share one sorted spine.
   */
  @Test
  void storeJoin_singleStringKey_agreesWithTheOracle() {
    qt().withFixedSeed(SEED + 2)
        .withExamples(60)
        .forAll(cases(25, 20))
        .checkAssert(c -> checkStore(c, true));
  }

  private static Map<String, Object> keyColumns(String a, long b, boolean singleKey) {
    return singleKey ? Map.of("k", a + "|" + b) : Map.of("a", a, "b", b);
  }

  /**
   * Writes the case's rows into two views keyed the same way (so the join shares one sorted spine
   * between them), joins features of both interleaved, and compares each with the oracle.
   */
  private void checkStore(Case c, boolean singleKey) {
    String view = "v" + views.incrementAndGet();
    String twin = view + "_twin";
    for (String name : List.of(view, twin)) {
      FeatureView.Builder builder = FeatureView.builder(name);
      if (singleKey) {
        builder.entity("k", ValueType.STRING);
      } else {
        builder.entity("a", ValueType.STRING).entity("b", ValueType.LONG);
      }
      features.apply(builder.feature("x", ValueType.DOUBLE).feature("y", ValueType.LONG).build());
      int from = 0;
      for (int end : c.batchEnds()) {
        List<FeatureRow> batch = new ArrayList<>();
        for (Row r : c.rows().subList(from, end)) {
          batch.add(
              FeatureRow.of(
                  keyColumns(r.a(), r.b(), singleKey),
                  T0.plusNanos(r.e()),
                  T0.plusNanos(r.c()),
                  FeatureStoreContract.map("x", r.x(), "y", r.y())));
        }
        features.write(name, batch);
        from = end;
      }
    }
    List<EntityRow> spine = new ArrayList<>();
    for (Probe p : c.spine()) {
      spine.add(EntityRow.of(keyColumns(p.a(), p.b(), singleKey), T0.plusNanos(p.t())));
    }
    JoinOptions options =
        JoinOptions.builder()
            .asOfKnownTime(c.asOfKnownTime())
            .ttl(view, Duration.ofNanos(c.ttlNanos()))
            .ttl(twin, Duration.ofNanos(c.ttlNanos()))
            .build();
    List<String> refs = List.of(view + ":x", twin + ":y", view + ":y", twin + ":x");
    List<TrainingRow> result = features.historical(spine, refs, options);
    assertThat(result).hasSameSizeAs(spine);
    for (int i = 0; i < spine.size(); i++) {
      FeatureValue[] expected = oracle(c.rows(), c.spine().get(i), c.ttlNanos(), c.asOfKnownTime());
      assertThat(result.get(i).entity()).isEqualTo(spine.get(i));
      for (String ref : refs) {
        assertThat(result.get(i).value(ref))
            .as("row %s %s of %s", i, ref, c)
            .isEqualTo(expected[ref.endsWith(":x") ? 0 : 1]);
      }
    }
    // Listing the features the other way round changes nothing.
    List<TrainingRow> reversed =
        features.historical(
            spine, List.of(refs.get(3), refs.get(2), refs.get(1), refs.get(0)), options);
    for (int i = 0; i < spine.size(); i++) {
      assertThat(reversed.get(i).values()).containsAllEntriesOf(result.get(i).values());
    }
  }
}
