package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Property tests of the online lookup's fast paths against the simple forms they replace, on random
 * inputs: results resolved on access from the cache entries ({@link OnlineCells.Entries}) against
 * the values copied into a (rows x columns) array with the statuses decided inline, as the reader
 * did before (values, statuses, event times, the outcome and the counters alike); and the ASCII key
 * encoding against the checked UTF-8 encoding.
 */
class OnlineLookupProperties {
  private static final long SEED = 0x0C0F_FEE5_1A2EL;
  private static final long T = Timestamps.toNanos(Instant.parse("2026-07-01T12:00:00Z"));
  private static final long SECOND = 1_000_000_000L;

  /** A view: feature count and TTL in nanoseconds (0: none). */
  record ViewSpec(int features, long ttlNanos) {}

  /**
   * A cache entry: no row ({@code found == false}), or a row at {@code T + eventOffset} with the
   * given values (null elements are null values). {@code shareWith >= 0}: the same entry object as
   * that earlier row's (a key requested twice).
   */
  record EntrySpec(boolean found, long eventOffset, List<@Nullable Double> values, int shareWith) {}

  record Scenario(List<ViewSpec> views, List<String> refs, int rows, List<List<EntrySpec>> cells) {}

  private static int pick(RandomnessSource in, int min, int max) {
    return (int) in.next(Constraint.between(min, max));
  }

  private static long eventOffset(RandomnessSource in, long ttl) {
    switch (pick(in, 0, 7)) {
      case 0:
        return -ttl; // the last instant within the TTL
      case 1:
        return -ttl - 1; // the first instant past it
      case 2:
        return 0;
      case 3:
        return pick(in, 1, 5) * SECOND; // in the future: no row at T
      case 4:
        return 1;
      default:
        return -pick(in, 0, 120) * SECOND - pick(in, 0, 999);
    }
  }

  static Gen<Scenario> scenarios() {
    return in -> {
      List<ViewSpec> views = new ArrayList<>();
      List<String> all = new ArrayList<>();
      int viewCount = pick(in, 1, 3);
      for (int v = 0; v < viewCount; v++) {
        // up to 70 features: null bits in a second word
        int features = pick(in, 0, 3) == 0 ? pick(in, 60, 70) : pick(in, 1, 8);
        long ttl = pick(in, 0, 2) == 0 ? 0 : pick(in, 1, 60) * SECOND;
        views.add(new ViewSpec(features, ttl));
        for (int f = 0; f < features; f++) {
          all.add("v" + v + ":f" + f);
        }
      }
      // a random non-empty selection of the references, in random order
      List<String> refs = new ArrayList<>();
      List<String> left = new ArrayList<>(all);
      int wanted = pick(in, 1, Math.min(all.size(), 12));
      for (int i = 0; i < wanted; i++) {
        refs.add(left.remove(pick(in, 0, left.size() - 1)));
      }
      int rows = pick(in, 0, 3) == 0 ? pick(in, 0, 1) : pick(in, 2, 12);
      List<List<EntrySpec>> cells = new ArrayList<>();
      for (ViewSpec view : views) {
        List<EntrySpec> column = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
          if (r > 0 && pick(in, 0, 5) == 0) {
            column.add(new EntrySpec(false, 0, List.of(), pick(in, 0, r - 1)));
          } else if (pick(in, 0, 4) == 0) {
            column.add(new EntrySpec(false, 0, List.of(), -1));
          } else {
            List<@Nullable Double> values = new ArrayList<>();
            for (int f = 0; f < view.features(); f++) {
              values.add(pick(in, 0, 4) == 0 ? null : (double) pick(in, -1000, 1000));
            }
            column.add(new EntrySpec(true, eventOffset(in, view.ttlNanos()), values, -1));
          }
        }
        cells.add(column);
      }
      return new Scenario(views, refs, rows, cells);
    };
  }

  @Test
  void entriesResolvedOnAccess_equalTheValuesCopiedWithInlineStatuses() {
    qt().withFixedSeed(SEED).withExamples(400).forAll(scenarios()).checkAssert(this::compare);
  }

  private void compare(Scenario s) {
    Map<String, ViewState> fastViews = states(s);
    Map<String, ViewState> simpleViews = states(s);
    Plan fastPlan = Plan.compile(s.refs(), fastViews, Map.of());
    Plan simplePlan = Plan.compile(s.refs(), simpleViews, Map.of());
    Map<String, OnlineCache.Entry[]> entries = entries(s, fastViews);
    int n = s.rows();

    // the fast path, as OnlineReader.read runs it
    OnlineCache.Entry[][] byView = new OnlineCache.Entry[fastPlan.views.length][];
    byte[] states = new byte[fastPlan.views.length * n];
    int outcome = 0;
    for (int v = 0; v < fastPlan.views.length; v++) {
      byView[v] = entries.get(fastPlan.views[v].view.name);
      outcome =
          Math.max(outcome, OnlineReader.resolve(fastPlan.views[v], byView[v], T, states, v * n));
    }
    OnlineCells.Entries cells = new OnlineCells.Entries(fastPlan, n, byView, states);
    OnlineFeatures fast =
        new OnlineFeatures(fastPlan.columns, n, cells, Timestamps.ofNanos(T), outcome(outcome));
    OnlineFeatures copied =
        new OnlineFeatures(
            fastPlan.columns,
            n,
            new OnlineCells.Copied(cells.copy(), fastPlan.width),
            Timestamps.ofNanos(T),
            outcome(outcome));

    // the simple path
    int[] simpleOutcome = {0};
    FeatureValue[] expected = simpleRead(simplePlan, entries, n, simpleOutcome);
    OnlineFeatures simple =
        new OnlineFeatures(
            simplePlan.columns,
            n,
            new OnlineCells.Copied(expected, simplePlan.width),
            Timestamps.ofNanos(T),
            outcome(simpleOutcome[0]));

    assertThat(fast.size()).isEqualTo(n);
    assertThat(fast.features()).isEqualTo(s.refs());
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < s.refs().size(); c++) {
        String ref = s.refs().get(c);
        FeatureValue want = expected[r * simplePlan.width + c];
        assertThat(fast.value(r, c)).as("row %s %s in %s", r, ref, s).isEqualTo(want);
        assertThat(fast.value(r, ref)).isEqualTo(want);
        assertThat(fast.get(r, ref)).isEqualTo(want.value());
        assertThat(copied.value(r, c)).isEqualTo(want);
      }
      Map<String, FeatureValue> row = new LinkedHashMap<>();
      for (int c = 0; c < s.refs().size(); c++) {
        row.put(s.refs().get(c), expected[r * simplePlan.width + c]);
      }
      assertThat(fast.row(r)).containsExactlyEntriesOf(row).isEqualTo(simple.row(r));
    }
    assertThat(fast.toString()).isEqualTo(simple.toString());
    assertThat(fast.outcome).as("outcome in %s", s).isEqualTo(simple.outcome);
    for (String view : fastViews.keySet()) {
      assertThat(counts(fastViews.get(view).counters))
          .as("counters of %s in %s", view, s)
          .containsExactly(counts(simpleViews.get(view).counters));
    }
  }

  private static FeatureStatus outcome(int rank) {
    return new FeatureStatus[] {
          FeatureStatus.PRESENT,
          FeatureStatus.NULL_VALUE,
          FeatureStatus.EXPIRED,
          FeatureStatus.NOT_FOUND
        }
        [rank];
  }

  private static long[] counts(LookupCounters c) {
    return new long[] {
      c.present.sum(), c.nullValue.sum(), c.notFound.sum(), c.expired.sum(), c.refreshFailures.sum()
    };
  }

  /**
   * The reader's former loop: for each view and entity, decide the status and copy the values of
   * the view's columns into the (rows x width) array; count statuses into the view's counters.
   */
  private static FeatureValue[] simpleRead(
      Plan plan, Map<String, OnlineCache.Entry[]> entries, int n, int[] outcomeOut) {
    int width = plan.width;
    FeatureValue[] out = new FeatureValue[n * width];
    int outcome = 0;
    for (Plan.ViewPlan vp : plan.views) {
      ViewState v = vp.view;
      OnlineCache.Entry[] es = Objects.requireNonNull(entries.get(v.name));
      long present = 0;
      long nulls = 0;
      long notFound = 0;
      long expired = 0;
      for (int i = 0; i < n; i++) {
        OnlineCache.Entry e = es[i];
        int base = i * width;
        if (!e.found || e.event > T) {
          for (int col : vp.cols) {
            out[base + col] = FeatureValue.NOT_FOUND;
          }
          notFound++;
        } else if (AsOf.expired(e.event, T, v.def.ttlNanos)) {
          for (int col : vp.cols) {
            out[base + col] = Objects.requireNonNull(e.expired);
          }
          expired++;
        } else {
          FeatureValue[] values = Objects.requireNonNull(e.values);
          for (int j = 0; j < vp.slots.length; j++) {
            out[base + vp.cols[j]] = values[vp.slots[j]];
          }
          nulls += vp.requestedNulls(e.nullSlots);
          present++;
        }
      }
      if (notFound > 0) {
        outcome = 3;
      } else if (expired > 0) {
        outcome = Math.max(outcome, 2);
      } else if (nulls > 0) {
        outcome = Math.max(outcome, 1);
      }
      LookupCounters c = v.counters;
      int perEntity = vp.requested;
      if (perEntity > 0) {
        c.present.add(present * perEntity - nulls);
        c.nullValue.add(nulls);
        c.notFound.add(notFound * perEntity);
        c.expired.add(expired * perEntity);
      }
    }
    outcomeOut[0] = outcome;
    return out;
  }

  private static Map<String, ViewState> states(Scenario s) {
    Map<String, ViewState> out = new LinkedHashMap<>();
    for (int v = 0; v < s.views().size(); v++) {
      ViewSpec spec = s.views().get(v);
      FeatureView.Builder b =
          FeatureView.builder("v" + v)
              .entity("k", ValueType.STRING)
              .ttl(Duration.ofNanos(spec.ttlNanos()));
      for (int f = 0; f < spec.features(); f++) {
        b.feature("f" + f, ValueType.DOUBLE);
      }
      ViewState state =
          new ViewState(
              v + 1,
              1,
              ViewDefinition.first(b.build()),
              List.of(),
              List.of(),
              new LookupCounters());
      out.put(state.name, state);
    }
    return out;
  }

  /** The entries of each view's rows, built as the cache builds them from stored rows. */
  private static Map<String, OnlineCache.Entry[]> entries(
      Scenario s, Map<String, ViewState> views) {
    Map<String, OnlineCache.Entry[]> out = new LinkedHashMap<>();
    for (int v = 0; v < s.views().size(); v++) {
      OnlineCache.Entry[] column = new OnlineCache.Entry[s.rows()];
      for (int r = 0; r < s.rows(); r++) {
        EntrySpec spec = s.cells().get(v).get(r);
        column[r] = spec.shareWith() >= 0 ? column[spec.shareWith()] : entry(spec);
      }
      out.put(Objects.requireNonNull(views.get("v" + v)).name, column);
    }
    return out;
  }

  private static OnlineCache.Entry entry(EntrySpec spec) {
    if (!spec.found()) {
      return new OnlineCache.Entry(1, false, 0, null, null, null, Long.MAX_VALUE);
    }
    long event = T + spec.eventOffset();
    Instant eventTime = Timestamps.ofNanos(event);
    int size = spec.values().size();
    FeatureValue[] values = new FeatureValue[size];
    long[] nullSlots = null;
    for (int i = 0; i < size; i++) {
      values[i] = FeatureValue.of(spec.values().get(i), eventTime);
      if (spec.values().get(i) == null) {
        if (nullSlots == null) {
          nullSlots = new long[(size + 63) >>> 6];
        }
        nullSlots[i >>> 6] |= 1L << i;
      }
    }
    return new OnlineCache.Entry(
        1, true, event, values, FeatureValue.expired(eventTime), nullSlots, Long.MAX_VALUE);
  }

  // ---------------------------------------------------------------- key encoding

  private static final String ALPHABET =
      "abcXYZ019-_:. \u0000\u007f\u0080\u00e9\u4e2d\ud83d\ude00\ud800\udc00";

  static Gen<String> keys() {
    return in -> {
      int length =
          switch (pick(in, 0, 3)) {
            case 0 -> pick(in, 0, 3);
            case 1 -> pick(in, 125, 131); // around the one-byte length limit
            default -> pick(in, 4, 30);
          };
      boolean ascii = pick(in, 0, 1) == 0;
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < length; i++) {
        b.append(ALPHABET.charAt(pick(in, 0, ascii ? 15 : ALPHABET.length() - 1)));
      }
      return b.toString();
    };
  }

  @Test
  void lookupKey_equalsTheCheckedUtf8Encoding() {
    ViewState view =
        new ViewState(
            7,
            1,
            ViewDefinition.first(
                FeatureView.builder("v")
                    .entity("k", ValueType.STRING)
                    .feature("x", ValueType.DOUBLE)
                    .build()),
            List.of(),
            List.of(),
            new LookupCounters());
    qt().withFixedSeed(SEED)
        .withExamples(2_000)
        .forAll(keys())
        .checkAssert(
            key -> {
              Map<String, Object> row = Map.of("k", key, "other", 1);
              byte[] simple = null;
              FeatureDataException simpleError = null;
              try {
                simple = encodeSimple(view, key);
              } catch (FeatureDataException e) {
                simpleError = e;
              }
              String chars = Arrays.toString(key.toCharArray());
              if (simpleError != null) {
                assertThatThrownBy(() -> RowCodec.lookupKey(view, row, 3))
                    .as("key %s", chars)
                    .isInstanceOf(FeatureDataException.class)
                    .hasMessage(simpleError.getMessage());
              } else {
                assertThat(RowCodec.lookupKey(view, row, 3)).as("key %s", chars).isEqualTo(simple);
                byte[] ascii = KeyCodec.encodeAsciiString(key);
                if (ascii != null) {
                  assertThat(ascii).as("key %s", chars).isEqualTo(simple);
                }
              }
            });
  }

  /** The checked encoding: lone surrogates refused, then UTF-8 with a varint length. */
  private static byte[] encodeSimple(ViewState view, String key) {
    return KeyCodec.encodeString(RowCodec.checkText(view, "k", 3, key, "entity key")).bytes();
  }
}
