package io.github.mlops4j.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Property test: for any history of writes (out of order, corrections with the same event time,
 * disorder within batches, rows in the future), materializations and clock moves, an online read at
 * time T returns exactly what the point-in-time join returns for spine rows at T, value, status and
 * event time alike, with as-of-known-time on or off. This includes late rows written below the
 * watermark after a materialization, which reach the online store without another one.
 */
class OnlineOfflineProperties {
  private static final long SEED = 0x0111_0FF1_1EL;
  private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
  private static final List<String> KEYS = List.of("a", "b", "c", "d", "a\u0000");

  @TempDir Path temp;
  private final AtomicInteger examples = new AtomicInteger();

  sealed interface Action permits Write, Advance, Check {}

  /** Rows relative to the clock at the time of writing. */
  record Write(List<Draft> rows) implements Action {}

  record Advance(long nanos) implements Action {}

  /** Materialize to now, compare, then write late rows (at or before now) and compare again. */
  record Check(List<Draft> lateRows) implements Action {}

  /** A row: event time = now + eventOffset; created = now - createdAgo, or null (= now). */
  record Draft(
      String key,
      long eventOffset,
      @Nullable Long createdAgo,
      @Nullable Double x,
      @Nullable Long y) {}

  record Scenario(long ttlNanos, List<Action> actions) {}

  private static int pick(RandomnessSource in, int min, int max) {
    return (int) in.next(Constraint.between(min, max));
  }

  private static long seconds(RandomnessSource in, int min, int max) {
    long t = pick(in, min, max) * 1_000_000_000L;
    return pick(in, 0, 3) == 0 ? t + pick(in, -999_999, 999_999) : t;
  }

  private static Draft draft(RandomnessSource in, int maxEventAhead) {
    String key = KEYS.get(pick(in, 0, KEYS.size() - 1));
    long e = seconds(in, -40, maxEventAhead);
    Long createdAgo = pick(in, 0, 2) == 0 ? null : Math.max(0, seconds(in, 0, 30));
    Double x = pick(in, 0, 4) == 0 ? null : (double) pick(in, 0, 1000);
    Long y = pick(in, 0, 4) == 0 ? null : (long) pick(in, 0, 1000);
    return new Draft(key, e, createdAgo, x, y);
  }

  private static List<Draft> drafts(RandomnessSource in, int min, int max, int maxEventAhead) {
    List<Draft> out = new ArrayList<>();
    int n = pick(in, min, max);
    for (int i = 0; i < n; i++) {
      out.add(draft(in, maxEventAhead));
    }
    return out;
  }

  static Gen<Scenario> scenarios() {
    return in -> {
      long ttl = pick(in, 0, 2) == 0 ? 0 : seconds(in, 1, 25);
      List<Action> actions = new ArrayList<>();
      int n = pick(in, 3, 12);
      for (int i = 0; i < n; i++) {
        switch (pick(in, 0, 3)) {
          case 0:
          case 1:
            actions.add(new Write(drafts(in, 1, 6, 10)));
            break;
          case 2:
            actions.add(new Advance(Math.max(0, seconds(in, 0, 20))));
            break;
          default:
            actions.add(new Check(drafts(in, 0, 3, 0)));
        }
      }
      actions.add(new Check(drafts(in, 0, 3, 0)));
      return new Scenario(Math.max(0, ttl), actions);
    };
  }

  @Test
  void onlineReadAtT_equalsTheOfflineJoinAtT() {
    qt().withFixedSeed(SEED).withExamples(40).forAll(scenarios()).checkAssert(this::run);
  }

  private void run(Scenario s) {
    MutableClock clock = new MutableClock(START);
    Path ws = temp.resolve("ex" + examples.incrementAndGet());
    try (FeatureStore features = FeatureStore.builder().workspace(ws).clock(clock).build()) {
      features.apply(
          FeatureView.builder("v")
              .entity("k", ValueType.STRING)
              .feature("x", ValueType.DOUBLE)
              .feature("y", ValueType.LONG)
              .ttl(Duration.ofNanos(s.ttlNanos()))
              .build());
      for (Action a : s.actions()) {
        if (a instanceof Write w) {
          write(features, clock, w.rows());
        } else if (a instanceof Advance adv) {
          clock.advance(Duration.ofNanos(adv.nanos()));
        } else if (a instanceof Check c) {
          features.materialize(clock.instant());
          compare(features, clock, s);
          write(features, clock, c.lateRows()); // event times <= now == watermark
          compare(features, clock, s);
        }
      }
    }
  }

  private static void write(FeatureStore features, MutableClock clock, List<Draft> drafts) {
    Instant now = clock.instant();
    List<FeatureRow> rows = new ArrayList<>();
    for (Draft d : drafts) {
      Instant e = now.plusNanos(d.eventOffset());
      Map<String, @Nullable Object> values = FeatureStoreContract.map("x", d.x(), "y", d.y());
      rows.add(
          d.createdAgo() == null
              ? FeatureRow.of(Map.of("k", d.key()), e, values)
              : FeatureRow.of(Map.of("k", d.key()), e, now.minusNanos(d.createdAgo()), values));
    }
    features.write("v", rows);
  }

  private static void compare(FeatureStore features, MutableClock clock, Scenario s) {
    Instant now = clock.instant();
    List<String> refs = List.of("v:x", "v:y");
    List<Map<String, ?>> requests = new ArrayList<>();
    List<EntityRow> spine = new ArrayList<>();
    for (String k : KEYS) {
      requests.add(Map.of("k", k));
      spine.add(EntityRow.of(Map.of("k", k), now));
    }
    requests.add(Map.of("k", "never-written"));
    spine.add(EntityRow.of(Map.of("k", "never-written"), now));
    OnlineFeatures online = features.online(requests, refs);
    OnlineFeatures single = features.online(requests.get(0), refs);
    List<TrainingRow> byEvent = features.historical(spine, refs);
    List<TrainingRow> byKnown =
        features.historical(spine, refs, JoinOptions.builder().asOfKnownTime(true).build());
    assertThat(online.readTime()).isEqualTo(now);
    for (int i = 0; i < spine.size(); i++) {
      assertThat(online.row(i))
          .as("key %s at %s, scenario %s", requests.get(i), now, s)
          .isEqualTo(byEvent.get(i).values())
          .isEqualTo(byKnown.get(i).values());
    }
    assertThat(single.row(0)).isEqualTo(online.row(0));
  }
}
