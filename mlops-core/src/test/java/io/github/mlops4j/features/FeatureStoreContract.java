package io.github.mlops4j.features;

import static io.github.mlops4j.features.FeatureStatus.EXPIRED;
import static io.github.mlops4j.features.FeatureStatus.NOT_FOUND;
import static io.github.mlops4j.features.FeatureStatus.NULL_VALUE;
import static io.github.mlops4j.features.FeatureStatus.PRESENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour of the feature store on every backing database. Extended once per store: SQLite
 * ({@link SqliteFeatureStoreIT}) and PostgreSQL ({@link PostgresFeatureStoreIT}). Times are seconds
 * after {@link #T0}; the store's clock starts at {@code t(10_000)}.
 */
abstract class FeatureStoreContract {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String AVG = "customer_stats:avg_spend_30d";
  static final String ORDERS = "customer_stats:orders_7d";

  @TempDir Path temp;
  MutableClock clock;
  FeatureStore features;

  /** A builder over a fresh, empty store under {@code temp}. */
  abstract FeatureStore.Builder freshStore(Path temp) throws Exception;

  /** A builder over the same store as the last {@link #freshStore}. */
  abstract FeatureStore.Builder sameStore(Path temp) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    clock = new MutableClock(t(10_000));
    features = freshStore(temp).clock(clock).build();
  }

  @AfterEach
  void closeStore() {
    features.close();
  }

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  static FeatureView customerStats(Duration ttl) {
    return FeatureView.builder("customer_stats")
        .entity("customer_id", ValueType.STRING)
        .feature("avg_spend_30d", ValueType.DOUBLE)
        .feature("orders_7d", ValueType.LONG)
        .ttl(ttl)
        .build();
  }

  static Map<String, @Nullable Object> map(@Nullable Object... kv) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** A customer_stats row with explicit created time. */
  static FeatureRow stats(
      String customer, long event, long created, @Nullable Double avg, @Nullable Long orders) {
    return FeatureRow.of(
        Map.of("customer_id", customer),
        t(event),
        t(created),
        map("avg_spend_30d", avg, "orders_7d", orders));
  }

  static EntityRow spine(String customer, long time) {
    return EntityRow.of(Map.of("customer_id", customer), t(time));
  }

  List<TrainingRow> join(List<EntityRow> spine, String... refs) {
    return features.historical(spine, List.of(refs));
  }

  // ================================================================ erasure

  @Test
  void erase_offlineAndOnlineNoLongerReturnTheEntity_othersStay() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 10, 10, 1.0, 1L),
            stats("c1", 20, 20, 2.0, 2L),
            stats("c2", 10, 10, 5.0, 5L)));
    features.materialize(t(10_000));
    Map<String, Object> c1 = Map.of("customer_id", "c1");
    Map<String, Object> c2 = Map.of("customer_id", "c2");
    assertThat(features.online(c1, List.of(AVG)).get(0, AVG)).isEqualTo(2.0); // cached now

    ErasurePlan plan = features.planErasure(c1);
    assertThat(plan.views()).hasSize(1);
    assertThat(plan.views().get(0).view()).isEqualTo("customer_stats");
    assertThat(plan.views().get(0).offlineRows()).isEqualTo(2);
    assertThat(plan.toString()).doesNotContain("c1");
    assertThat(features.online(c1, List.of(AVG)).get(0, AVG)).isEqualTo(2.0); // a dry run

    io.github.mlops4j.governance.PurgeResult result =
        features.erase(plan, "dpo@example.com", "erasure request 12");

    assertThat(result.purged()).containsExactly("customer_stats");
    assertThat(result.deletedRows()).containsEntry("offlineRows", 2L);
    assertThat(features.online(c1, List.of(AVG)).value(AVG).status())
        .isEqualTo(FeatureStatus.NOT_FOUND);
    assertThat(join(List.of(spine("c1", 30)), AVG).get(0).value(AVG).status())
        .isEqualTo(FeatureStatus.NOT_FOUND);
    assertThat(features.online(c2, List.of(AVG)).get(0, AVG)).isEqualTo(5.0);
    assertThat(join(List.of(spine("c2", 30)), AVG).get(0).get(AVG)).isEqualTo(5.0);
    // materializing again does not bring it back, and erasing again is harmless
    clock.advance(Duration.ofSeconds(1));
    features.materialize(clock.instant());
    assertThat(features.online(c1, List.of(AVG)).value(AVG).status())
        .isEqualTo(FeatureStatus.NOT_FOUND);
    assertThat(features.planErasure(c1).offlineRows()).isZero();
    features.erase(features.planErasure(c1), "dpo@example.com", null);

    try (io.github.mlops4j.governance.Purger purger =
        io.github.mlops4j.governance.Purger.builder().store(features.store()).build()) {
      List<io.github.mlops4j.governance.AuditRecord> audit = purger.auditTrail();
      assertThat(audit).extracting(a -> a.action()).containsOnly("ERASE_ENTITY");
      assertThat(audit.get(0).subject()).isEqualTo("customer_stats");
      assertThat(audit.get(0).counts()).contains("offlineRows=2");
      assertThat(audit.get(0).reason()).isEqualTo("erasure request 12");
      assertThat(audit.toString()).doesNotContain("c1");
    }
    assertThatThrownBy(() -> features.planErasure(Map.of("account", "a1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No feature view");
  }

  // ================================================================ definitions

  @Test
  void apply_identicalDefinitionIsANoOp() {
    AppliedView first = features.apply(customerStats(Duration.ofDays(2)));
    AppliedView again = features.apply(customerStats(Duration.ofDays(2)));
    assertThat(first).isEqualTo(new AppliedView("customer_stats", 1, true));
    assertThat(again).isEqualTo(new AppliedView("customer_stats", 1, false));
    assertThat(features.versions("customer_stats")).hasSize(1);
    assertThat(features.view("customer_stats").orElseThrow().ttl()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void apply_addingAFeatureIsCompatible_oldRowsReadNull() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 10, 10, 1.5, 3L)));
    FeatureView wider =
        FeatureView.builder("customer_stats")
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend_30d", ValueType.DOUBLE)
            .feature("orders_7d", ValueType.LONG)
            .feature("segment", ValueType.STRING)
            .build();
    assertThat(features.apply(wider)).isEqualTo(new AppliedView("customer_stats", 2, true));
    TrainingRow r = join(List.of(spine("c1", 20)), AVG, "customer_stats:segment").get(0);
    assertThat(r.get(AVG)).isEqualTo(1.5);
    assertThat(r.value("customer_stats:segment").status()).isEqualTo(NULL_VALUE);
    assertThat(features.versions("customer_stats"))
        .extracting(v -> v.features().size())
        .containsExactly(2, 3);
  }

  @Test
  void apply_removedFeatureIsRetired_andAddingItBackRevivesItsValues() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 10, 10, 1.5, 3L)));
    features.apply(
        FeatureView.builder("customer_stats")
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend_30d", ValueType.DOUBLE)
            .build());
    assertThatThrownBy(() -> join(List.of(spine("c1", 20)), ORDERS))
        .isInstanceOf(UnknownFeatureException.class)
        .hasMessageContaining("orders_7d");
    assertThatThrownBy(
            () ->
                features.apply(
                    FeatureView.builder("customer_stats")
                        .entity("customer_id", ValueType.STRING)
                        .feature("avg_spend_30d", ValueType.DOUBLE)
                        .feature("orders_7d", ValueType.STRING)
                        .build()))
        .isInstanceOf(IncompatibleViewException.class)
        .hasMessageContaining("orders_7d")
        .hasMessageContaining("LONG to STRING");
    assertThat(features.apply(customerStats(Duration.ZERO)).version()).isEqualTo(3);
    assertThat(join(List.of(spine("c1", 20)), ORDERS).get(0).get(ORDERS)).isEqualTo(3L);
  }

  @Test
  void apply_changingAFeatureTypeOrTheKeysIsIncompatible() {
    features.apply(customerStats(Duration.ZERO));
    assertThatThrownBy(
            () ->
                features.apply(
                    FeatureView.builder("customer_stats")
                        .entity("customer_id", ValueType.STRING)
                        .feature("avg_spend_30d", ValueType.LONG)
                        .feature("orders_7d", ValueType.LONG)
                        .build()))
        .isInstanceOf(IncompatibleViewException.class)
        .satisfies(e -> assertThat(((FeatureException) e).field()).isEqualTo("avg_spend_30d"));
    assertThatThrownBy(
            () ->
                features.apply(
                    FeatureView.builder("customer_stats")
                        .entity("customer_id", ValueType.LONG)
                        .feature("avg_spend_30d", ValueType.DOUBLE)
                        .build()))
        .isInstanceOf(IncompatibleViewException.class)
        .hasMessageContaining("entity keys")
        .satisfies(e -> assertThat(((FeatureException) e).field()).isEqualTo("customer_id"));
    assertThatThrownBy(
            () ->
                features.apply(
                    FeatureView.builder("customer_stats")
                        .entity("customer_id", ValueType.STRING)
                        .entity("region", ValueType.STRING)
                        .feature("avg_spend_30d", ValueType.DOUBLE)
                        .build()))
        .isInstanceOf(IncompatibleViewException.class)
        .satisfies(e -> assertThat(((FeatureException) e).field()).isEqualTo("region"));
    assertThat(features.versions("customer_stats")).hasSize(1);
  }

  @Test
  void definitionsAndRows_surviveReopening_onDemandMustBeAppliedAgain() throws Exception {
    features.apply(
        FeatureView.builder("customer_stats")
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend_30d", ValueType.DOUBLE)
            .feature("orders_7d", ValueType.LONG)
            .onDemand(
                "double_avg",
                ValueType.DOUBLE,
                in -> {
                  Double avg = (Double) in.value("avg_spend_30d");
                  return avg == null ? null : avg * 2;
                })
            .build());
    features.write("customer_stats", List.of(stats("c1", 10, 10, 1.5, 3L)));
    assertThat(
            join(List.of(spine("c1", 20)), "customer_stats:double_avg")
                .get(0)
                .get("customer_stats:double_avg"))
        .isEqualTo(3.0);
    features.close();
    features = sameStore(temp).clock(clock).build();
    assertThat(features.views()).extracting(FeatureView::name).containsExactly("customer_stats");
    assertThat(join(List.of(spine("c1", 20)), AVG).get(0).get(AVG)).isEqualTo(1.5);
    assertThatThrownBy(() -> join(List.of(spine("c1", 20)), "customer_stats:double_avg"))
        .isInstanceOf(UnknownFeatureException.class)
        .hasMessageContaining("double_avg");
  }

  /**
   * Naming an unknown view or feature used to reload every definition under the store's lock on
   * each call. Now it reloads only when the stored definitions changed since the last load, and a
   * view or feature applied by another instance is still found by the first call naming it.
   */
  @Test
  void unknownNames_reloadDefinitionsOnlyAfterAChange_andSeeViewsAppliedElsewhere()
      throws Exception {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 10, 10, 1.5, 3L)));
    long reloads = features.reloadCount();
    for (int i = 0; i < 20; i++) {
      assertThat(features.view("nope" + i)).isEmpty();
      String feature = "customer_stats:nope" + i;
      assertThatThrownBy(() -> features.online(Map.of("customer_id", "c1"), List.of(feature)))
          .isInstanceOf(UnknownFeatureException.class);
      assertThatThrownBy(() -> join(List.of(spine("c1", 20)), "other" + feature))
          .isInstanceOf(UnknownFeatureException.class);
      assertThatThrownBy(() -> features.freshness("nope"))
          .isInstanceOf(UnknownFeatureException.class);
    }
    assertThat(features.reloadCount()).isEqualTo(reloads);

    try (FeatureStore other = sameStore(temp).clock(clock).build()) {
      other.apply(
          FeatureView.builder("orders")
              .entity("order_id", ValueType.STRING)
              .feature("amount", ValueType.DOUBLE)
              .build());
    }
    assertThat(features.view("orders")).isPresent();
    assertThat(features.reloadCount()).isEqualTo(reloads + 1);

    try (FeatureStore other = sameStore(temp).clock(clock).build()) {
      other.apply(
          FeatureView.builder("customer_stats")
              .entity("customer_id", ValueType.STRING)
              .feature("avg_spend_30d", ValueType.DOUBLE)
              .feature("orders_7d", ValueType.LONG)
              .feature("visits", ValueType.LONG)
              .build());
    }
    OnlineFeatures online =
        features.online(Map.of("customer_id", "c1"), List.of("customer_stats:visits"));
    assertThat(online.value("customer_stats:visits").status()).isEqualTo(NOT_FOUND);
    assertThat(features.reloadCount()).isEqualTo(reloads + 2);
    assertThat(features.view("still_nope")).isEmpty();
    assertThat(features.reloadCount()).isEqualTo(reloads + 2);
  }

  // ================================================================ point-in-time rules

  @Test
  void join_latestEventAtOrBeforeT_wins() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 100, 100, 1.0, 1L),
            stats("c1", 200, 200, 2.0, 2L),
            stats("c1", 300, 300, 3.0, 3L)));
    List<TrainingRow> rows =
        join(
            List.of(
                spine("c1", 99),
                spine("c1", 100),
                spine("c1", 250),
                spine("c1", 299),
                spine("c1", 300),
                spine("c1", 5_000)),
            AVG,
            ORDERS);
    assertThat(rows.get(0).value(AVG)).isEqualTo(FeatureValue.NOT_FOUND);
    assertThat(rows.get(1).value(AVG)).isEqualTo(new FeatureValue(1.0, PRESENT, t(100)));
    assertThat(rows.get(2).get(AVG)).isEqualTo(2.0);
    assertThat(rows.get(3).get(ORDERS)).isEqualTo(2L);
    assertThat(rows.get(4).value(ORDERS)).isEqualTo(new FeatureValue(3L, PRESENT, t(300)));
    assertThat(rows.get(5).get(AVG)).isEqualTo(3.0);
    // One nanosecond before an event does not see it.
    TrainingRow justBefore =
        features
            .historical(
                List.of(EntityRow.of(Map.of("customer_id", "c1"), t(300).minusNanos(1))),
                List.of(AVG))
            .get(0);
    assertThat(justBefore.get(AVG)).isEqualTo(2.0);
  }

  @Test
  void join_tiesOnEventTime_latestCreatedTimeWins_thenWriteOrder() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 100, 105, 5.0, 5L),
            stats("c1", 100, 101, 1.0, 1L),
            // same event and created time: the later row in the batch wins
            stats("c2", 100, 100, 1.0, 1L),
            stats("c2", 100, 100, 2.0, 2L)));
    features.write("customer_stats", List.of(stats("c1", 100, 103, 3.0, 3L)));
    // across batches: the later batch wins
    features.write("customer_stats", List.of(stats("c2", 100, 100, 9.0, 9L)));
    List<TrainingRow> rows = join(List.of(spine("c1", 100), spine("c2", 100)), AVG);
    assertThat(rows.get(0).get(AVG)).isEqualTo(5.0);
    assertThat(rows.get(1).get(AVG)).isEqualTo(9.0);
  }

  @Test
  void join_ttlBoundsAreInclusive_andExpiredRowsReportTheirEventTime() {
    features.apply(customerStats(Duration.ofSeconds(100)));
    features.write("customer_stats", List.of(stats("c1", 1_000, 1_000, 1.0, 1L)));
    Instant e = t(1_000);
    List<EntityRow> spine =
        List.of(
            EntityRow.of(Map.of("customer_id", "c1"), e),
            EntityRow.of(Map.of("customer_id", "c1"), e.plusSeconds(100)),
            EntityRow.of(Map.of("customer_id", "c1"), e.plusSeconds(100).plusNanos(1)),
            EntityRow.of(Map.of("customer_id", "c1"), e.minusNanos(1)));
    List<TrainingRow> rows = features.historical(spine, List.of(AVG));
    assertThat(rows.get(0).value(AVG).status()).isEqualTo(PRESENT);
    assertThat(rows.get(1).value(AVG)).isEqualTo(new FeatureValue(1.0, PRESENT, e));
    assertThat(rows.get(2).value(AVG)).isEqualTo(new FeatureValue(null, EXPIRED, e));
    assertThat(rows.get(3).value(AVG)).isEqualTo(FeatureValue.NOT_FOUND);
  }

  @Test
  void join_withoutTtl_anyOlderRowMatches_andTtlCanBeOverriddenPerJoin() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 0, 0, 1.0, 1L)));
    List<EntityRow> spine = List.of(spine("c1", 1_000_000));
    assertThat(join(spine, AVG).get(0).get(AVG)).isEqualTo(1.0);
    JoinOptions shortTtl =
        JoinOptions.builder().ttl("customer_stats", Duration.ofSeconds(10)).build();
    assertThat(features.historical(spine, List.of(AVG), shortTtl).get(0).value(AVG).status())
        .isEqualTo(EXPIRED);
  }

  @Test
  void join_exactlyOneRowPerSpineRow_inSpineOrder_duplicatesKept() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats", List.of(stats("c1", 100, 100, 1.0, 1L), stats("c2", 100, 100, 2.0, 2L)));
    List<EntityRow> spine =
        List.of(
            spine("c2", 200),
            spine("c1", 200),
            spine("c2", 200),
            spine("c1", 50),
            spine("c2", 200),
            spine("nobody", 200));
    List<TrainingRow> rows = join(spine, AVG);
    assertThat(rows).hasSize(6);
    assertThat(rows).extracting(TrainingRow::entity).containsExactlyElementsOf(spine);
    assertThat(rows).extracting(r -> r.get(AVG)).containsExactly(2.0, 1.0, 2.0, null, 2.0, null);
    assertThat(rows.get(5).value(AVG)).isEqualTo(FeatureValue.NOT_FOUND);
  }

  @Test
  void join_winningRowIsTakenWhole_aNullStaysNull() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 100, 100, 1.0, 1L),
            stats("c1", 200, 200, null, 2L),
            // a feature absent from the row is null too
            FeatureRow.of(
                Map.of("customer_id", "c1"), t(300), t(300), Map.of("avg_spend_30d", 3.0))));
    List<TrainingRow> rows = join(List.of(spine("c1", 250), spine("c1", 300)), AVG, ORDERS);
    assertThat(rows.get(0).value(AVG)).isEqualTo(new FeatureValue(null, NULL_VALUE, t(200)));
    assertThat(rows.get(0).get(ORDERS)).isEqualTo(2L);
    assertThat(rows.get(1).get(AVG)).isEqualTo(3.0);
    assertThat(rows.get(1).value(ORDERS)).isEqualTo(new FeatureValue(null, NULL_VALUE, t(300)));
  }

  @Test
  void join_asOfKnownTime_hidesLateCorrectionsFromEarlierTrainingRows() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 100, 100, 1.0, 1L)));
    // A correction of the same event, known only at 500.
    features.write("customer_stats", List.of(stats("c1", 100, 500, 7.0, 7L)));
    List<EntityRow> spine = List.of(spine("c1", 200), spine("c1", 500), spine("c1", 99));
    JoinOptions known = JoinOptions.builder().asOfKnownTime(true).build();
    assertThat(features.historical(spine, List.of(AVG), known))
        .extracting(r -> r.get(AVG))
        .containsExactly(1.0, 7.0, null);
    assertThat(features.historical(spine, List.of(AVG)))
        .extracting(r -> r.get(AVG))
        .containsExactly(7.0, 7.0, null);
  }

  @Test
  void join_asOfKnownTime_rowKnownOnlyLaterBecomesEligibleAtItsCreatedTime() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 100, 400, 1.0, 1L), // backfilled late
            stats("c1", 200, 200, 2.0, 2L)));
    JoinOptions known = JoinOptions.builder().asOfKnownTime(true).build();
    assertThat(
            features.historical(
                List.of(spine("c1", 150), spine("c1", 300), spine("c1", 450)), List.of(AVG), known))
        .extracting(r -> r.value(AVG).status(), r -> r.get(AVG))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(NOT_FOUND, null),
            org.assertj.core.groups.Tuple.tuple(PRESENT, 2.0),
            org.assertj.core.groups.Tuple.tuple(PRESENT, 2.0));
  }

  @Test
  void join_compositeKeysNeverCollide() {
    features.apply(
        FeatureView.builder("pair")
            .entity("a", ValueType.STRING)
            .entity("b", ValueType.STRING)
            .feature("x", ValueType.LONG)
            .build());
    features.apply(
        FeatureView.builder("mixed")
            .entity("user", ValueType.LONG)
            .entity("item", ValueType.STRING)
            .entity("flag", ValueType.BOOLEAN)
            .feature("x", ValueType.LONG)
            .build());
    features.write(
        "pair",
        List.of(
            FeatureRow.of(Map.of("a", "x:y", "b", "z"), t(1), Map.of("x", 1L)),
            FeatureRow.of(Map.of("a", "x", "b", "y:z"), t(1), Map.of("x", 2L)),
            FeatureRow.of(Map.of("a", "x|y", "b", ""), t(1), Map.of("x", 3L)),
            FeatureRow.of(Map.of("a", "x", "b", "|y"), t(1), Map.of("x", 4L))));
    features.write(
        "mixed",
        List.of(
            FeatureRow.of(Map.of("user", 1L, "item", "1", "flag", true), t(1), Map.of("x", 10L)),
            FeatureRow.of(Map.of("user", 11L, "item", "", "flag", true), t(1), Map.of("x", 11L))));
    List<TrainingRow> rows =
        features.historical(
            List.of(
                EntityRow.of(Map.of("a", "x:y", "b", "z"), t(2)),
                EntityRow.of(Map.of("a", "x", "b", "y:z"), t(2)),
                EntityRow.of(Map.of("a", "x|y", "b", ""), t(2)),
                EntityRow.of(Map.of("a", "x", "b", "|y"), t(2)),
                EntityRow.of(Map.of("a", "x", "b", "y"), t(2))),
            List.of("pair:x"));
    assertThat(rows).extracting(r -> r.get("pair:x")).containsExactly(1L, 2L, 3L, 4L, null);
    List<TrainingRow> mixed =
        features.historical(
            List.of(
                EntityRow.of(Map.of("user", 1L, "item", "1", "flag", true), t(2)),
                EntityRow.of(Map.of("user", 11L, "item", "", "flag", true), t(2)),
                EntityRow.of(Map.of("user", 1L, "item", "1", "flag", false), t(2))),
            List.of("mixed:x"));
    assertThat(mixed).extracting(r -> r.get("mixed:x")).containsExactly(10L, 11L, null);
  }

  @Test
  void join_viewsJoinIndependently_resultDoesNotDependOnListingOrder() {
    features.apply(customerStats(Duration.ofSeconds(50)));
    features.apply(
        FeatureView.builder("driver")
            .entity("driver_id", ValueType.LONG)
            .feature("rating", ValueType.DOUBLE)
            .build());
    features.write(
        "customer_stats", List.of(stats("c1", 100, 100, 1.0, 1L), stats("c1", 100, 100, 1.5, 2L)));
    features.write(
        "driver",
        List.of(
            FeatureRow.of(Map.of("driver_id", 7L), t(90), Map.of("rating", 4.5)),
            FeatureRow.of(Map.of("driver_id", 7L), t(180), Map.of("rating", 4.0))));
    List<EntityRow> spine =
        List.of(
            EntityRow.of(Map.of("customer_id", "c1", "driver_id", 7L, "label", true), t(120)),
            EntityRow.of(Map.of("customer_id", "c1", "driver_id", 7L, "label", false), t(200)),
            EntityRow.of(Map.of("customer_id", "c1", "driver_id", 7L, "label", false), t(120)));
    List<TrainingRow> ab = features.historical(spine, List.of(AVG, "driver:rating", ORDERS));
    List<TrainingRow> ba = features.historical(spine, List.of("driver:rating", ORDERS, AVG));
    for (int i = 0; i < spine.size(); i++) {
      for (String ref : List.of(AVG, ORDERS, "driver:rating")) {
        assertThat(ab.get(i).value(ref)).isEqualTo(ba.get(i).value(ref));
      }
    }
    assertThat(ab).extracting(r -> r.get(AVG)).containsExactly(1.5, null, 1.5);
    assertThat(ab).extracting(r -> r.get("driver:rating")).containsExactly(4.5, 4.0, 4.5);
    assertThat(ab.get(0).entity().get("label")).isEqualTo(true);
    assertThat(ab.get(0).features()).containsExactly(AVG, "driver:rating", ORDERS);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FeatureStore parallel =
        FeatureStore.builder().store(features.store()).clock(clock).executor(pool).build()) {
      assertThat(parallel.historical(spine, List.of(AVG, "driver:rating", ORDERS))).isEqualTo(ab);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void join_manySpineKeys_scanTheView_withTheSameResultsAsFewKeys() {
    features.apply(customerStats(Duration.ofSeconds(30)));
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      rows.add(stats("c" + i, i % 100, i % 100, (double) i, (long) i));
      rows.add(stats("c" + i, 50 + i % 100, 50 + i % 100, i + 0.5, (long) -i));
    }
    features.write("customer_stats", rows);
    List<EntityRow> spine = new ArrayList<>();
    for (int i = 0; i < 2_600; i++) {
      spine.add(spine("c" + (i * 7 % 2_600), 40 + i % 90));
    }
    List<TrainingRow> all = features.historical(spine, List.of(AVG, ORDERS));
    for (int i = 0; i < spine.size(); i += 13) {
      TrainingRow one = features.historical(List.of(spine.get(i)), List.of(AVG, ORDERS)).get(0);
      assertThat(all.get(i)).isEqualTo(one);
    }
    assertThat(all).hasSize(2_600);
    assertThat(all).extracting(r -> r.value(AVG).status()).contains(PRESENT, EXPIRED, NOT_FOUND);
  }

  /**
   * On an executor, a spine of many distinct keys is joined in key ranges at once (several parts
   * per view, each scanning its range): the same rows as the join on the calling thread.
   */
  @Test
  void join_onAnExecutor_manyKeys_joinsKeyRangesInParallel_withTheSameResults() {
    features.apply(customerStats(Duration.ofSeconds(40)));
    int keys = HistoricalJoin.PARTS * HistoricalJoin.MIN_KEYS_PER_PART + 1_000;
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      rows.add(stats("c" + i, i % 100, i % 100, i % 7 == 0 ? null : (double) i, (long) i));
      rows.add(stats("c" + i, 30 + i % 100, 60 + i % 100, i + 0.5, (long) -i));
    }
    features.write("customer_stats", rows);
    List<EntityRow> spine = new ArrayList<>();
    for (int i = 0; i < keys + 500; i++) {
      spine.add(spine("c" + (i * 7 % (keys + 300)), 20 + i % 120)); // some keys never stored
    }
    JoinOptions knownTime = JoinOptions.builder().asOfKnownTime(true).build();
    List<TrainingRow> one = features.historical(spine, List.of(ORDERS, AVG));
    List<TrainingRow> oneKnown = features.historical(spine, List.of(AVG, ORDERS), knownTime);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FeatureStore parallel =
        FeatureStore.builder().store(features.store()).clock(clock).executor(pool).build()) {
      assertThat(parallel.historical(spine, List.of(ORDERS, AVG))).isEqualTo(one);
      assertThat(parallel.historical(spine, List.of(AVG, ORDERS), knownTime)).isEqualTo(oneKnown);
    } finally {
      pool.shutdownNow();
    }
    assertThat(one)
        .extracting(r -> r.value(AVG).status())
        .contains(PRESENT, EXPIRED, NOT_FOUND, NULL_VALUE);
  }

  /**
   * A stored row that cannot be decoded fails the join on the caller, naming the row and the view,
   * also when it is found by a part joined on the executor; every part has ended when the join
   * throws, and the executor stays usable.
   */
  @Test
  void join_onAnExecutor_unreadableStoredRow_failsOnTheCaller_afterEveryPartEnded() {
    features.apply(customerStats(Duration.ZERO));
    int keys = HistoricalJoin.PARTS * HistoricalJoin.MIN_KEYS_PER_PART;
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      rows.add(stats("c" + i, 10, 10, (double) i, (long) i));
    }
    features.write("customer_stats", rows);
    String last = "c" + (keys - 1); // in the last part: not the first to start
    io.github.mlops4j.store.internal.StoreAccess.write(
        features.store(),
        c -> {
          try (java.sql.PreparedStatement p =
              c.prepareStatement("UPDATE feature_rows SET vals = ? WHERE entity_key = ?")) {
            p.setBytes(1, new byte[] {ValueCodec.VERSION, 1, 1, 9}); // bad tag
            p.setBytes(2, KeyCodec.encodeString(last).bytes());
            assertThat(p.executeUpdate()).isEqualTo(1);
          }
          return null;
        });
    List<EntityRow> spine = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      spine.add(spine("c" + i, 20));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    java.util.concurrent.atomic.AtomicInteger submitted =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger started =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.Executor counting =
        r -> {
          submitted.incrementAndGet();
          pool.execute(
              () -> {
                started.incrementAndGet();
                r.run();
              });
        };
    try (FeatureStore parallel =
        FeatureStore.builder().store(features.store()).clock(clock).executor(counting).build()) {
      assertThatThrownBy(() -> parallel.historical(spine, List.of(AVG)))
          .isInstanceOf(FeatureException.class)
          .hasMessageContaining("Unreadable stored row")
          .hasMessageContaining(last)
          .hasMessageContaining("customer_stats");
      // One task per part, and none was still waiting when the join threw (each part's result is
      // complete only once its work has returned).
      assertThat(submitted.get()).isEqualTo(HistoricalJoin.PARTS);
      assertThat(started.get()).isEqualTo(submitted.get());
      // The store and the executor still work: a spine without the bad row joins.
      List<TrainingRow> rest = parallel.historical(spine.subList(0, keys - 1), List.of(AVG));
      assertThat(rest).hasSize(keys - 1);
      assertThat(rest.get(0).value(AVG).status()).isEqualTo(PRESENT);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void join_emptySpine_givesEmptyResult() {
    features.apply(customerStats(Duration.ZERO));
    assertThat(features.historical(List.of(), List.of(AVG))).isEmpty();
  }

  // ================================================================ materialization and online

  @Test
  void materialize_thenOnline_returnsTheNewestRowWithEventTime() {
    features.apply(customerStats(Duration.ofDays(2)));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 9_000, 9_000, 1.0, 1L),
            stats("c1", 9_500, 9_500, 2.0, 2L),
            stats("c2", 9_900, 9_900, null, 5L)));
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).value(AVG))
        .isEqualTo(FeatureValue.NOT_FOUND);
    List<Materialization> m = features.materialize(t(10_000));
    assertThat(m).containsExactly(new Materialization("customer_stats", null, t(10_000), 3, 2));
    OnlineFeatures online =
        features.online(
            List.of(
                Map.of("customer_id", "c1"),
                Map.of("customer_id", "c2"),
                Map.of("customer_id", "c3")),
            List.of(AVG, ORDERS));
    assertThat(online.size()).isEqualTo(3);
    assertThat(online.readTime()).isEqualTo(t(10_000));
    assertThat(online.value(0, AVG)).isEqualTo(new FeatureValue(2.0, PRESENT, t(9_500)));
    assertThat(online.value(1, AVG)).isEqualTo(new FeatureValue(null, NULL_VALUE, t(9_900)));
    assertThat(online.get(1, ORDERS)).isEqualTo(5L);
    assertThat(online.value(2, ORDERS)).isEqualTo(FeatureValue.NOT_FOUND);
    assertThat(online.features()).containsExactly(AVG, ORDERS);
  }

  @Test
  void materialize_isIncremental_resumesAtTheWatermark_andIsANoOpWhenCaughtUp() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 100, 100, 1.0, 1L),
            stats("c1", 200, 200, 2.0, 2L),
            stats("c1", 300, 300, 3.0, 3L)));
    assertThat(features.materialize(t(200)).get(0))
        .isEqualTo(new Materialization("customer_stats", null, t(200), 2, 1));
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
        .isEqualTo(2.0);
    assertThat(features.materialize(t(200)).get(0))
        .isEqualTo(new Materialization("customer_stats", t(200), t(200), 0, 0));
    assertThat(features.materialize(t(150)).get(0).watermark()).isEqualTo(t(200));
    assertThat(features.materialize(t(5_000)).get(0))
        .isEqualTo(new Materialization("customer_stats", t(200), t(5_000), 1, 1));
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
        .isEqualTo(3.0);
    // A new store instance (as after a crash or restart) resumes from the stored watermark.
    try (FeatureStore other = FeatureStore.builder().store(features.store()).clock(clock).build()) {
      assertThat(other.materialize(t(6_000)).get(0).previousWatermark()).isEqualTo(t(5_000));
    }
  }

  @Test
  void materialize_firstRunFrom_skipsOlderRows_laterFromMayNotSkipPastTheWatermark() {
    features.apply(customerStats(Duration.ZERO));
    features.write(
        "customer_stats",
        List.of(stats("old", 100, 100, 1.0, 1L), stats("new", 300, 300, 3.0, 3L)));
    assertThat(features.materialize(t(200), t(1_000)).get(0).rowsRead()).isEqualTo(1);
    OnlineFeatures online =
        features.online(
            List.of(Map.of("customer_id", "old"), Map.of("customer_id", "new")), List.of(AVG));
    assertThat(online.value(0, AVG).status()).isEqualTo(NOT_FOUND);
    assertThat(online.get(1, AVG)).isEqualTo(3.0);
    assertThatThrownBy(() -> features.materialize(t(1_500), t(2_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'from'")
        .hasMessageContaining("customer_stats")
        .hasMessageContaining(t(1_000).toString());
    assertThat(features.materialize(t(900), t(2_000)).get(0).previousWatermark())
        .isEqualTo(t(1_000));
  }

  @Test
  void online_olderEventWrittenLaterNeverReplacesNewer_withinAndAcrossBatches() {
    features.apply(customerStats(Duration.ZERO));
    features.materialize(t(10_000)); // watermark now: every later write goes online at once
    // Feast #5163: pushing [t3, t2, t1] in one batch left t1 online.
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 300, 300, 3.0, 3L),
            stats("c1", 200, 200, 2.0, 2L),
            stats("c1", 100, 100, 1.0, 1L)));
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
        .isEqualTo(3.0);
    features.write("customer_stats", List.of(stats("c1", 250, 250, 2.5, 2L)));
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
        .isEqualTo(3.0);
    // Same event time, later created time: a correction, which does replace.
    WriteResult w = features.write("customer_stats", List.of(stats("c1", 300, 400, 3.3, 3L)));
    assertThat(w.lateEntities()).isEqualTo(1);
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
        .isEqualTo(3.3);
    // And materializing again changes nothing.
    clock.advance(Duration.ofSeconds(1));
    features.materialize(clock.instant());
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
        .isEqualTo(3.3);
  }

  @Test
  void lateData_belowTheWatermark_reachesOnlineWithoutAnotherMaterialization() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 100, 100, 1.0, 1L)));
    features.materialize(t(10_000));
    WriteResult w =
        features.write(
            "customer_stats",
            List.of(
                stats("c1", 5_000, 9_999, 5.0, 5L),
                stats("c2", 6_000, 9_999, 6.0, 6L),
                stats("c3", 20_000, 9_999, 20.0, 20L)));
    assertThat(w).isEqualTo(new WriteResult("customer_stats", 3, 2, 2));
    OnlineFeatures online =
        features.online(
            List.of(
                Map.of("customer_id", "c1"),
                Map.of("customer_id", "c2"),
                Map.of("customer_id", "c3")),
            List.of(AVG));
    assertThat(online.get(0, AVG)).isEqualTo(5.0);
    assertThat(online.get(1, AVG)).isEqualTo(6.0);
    assertThat(online.value(2, AVG).status()).isEqualTo(NOT_FOUND); // after the watermark
  }

  @Test
  void online_enforcesTtlAtReadTime_withTheOfflineBoundary() {
    features.apply(customerStats(Duration.ofSeconds(100)));
    features.write("customer_stats", List.of(stats("c1", 9_950, 9_950, 1.0, 1L)));
    features.materialize(t(10_000));
    Map<String, Object> c1 = Map.of("customer_id", "c1");
    assertThat(features.online(c1, List.of(AVG)).value(AVG).status()).isEqualTo(PRESENT);
    clock.set(t(10_050)); // age == ttl: still valid (inclusive bound)
    assertThat(features.online(c1, List.of(AVG)).value(AVG).status()).isEqualTo(PRESENT);
    clock.set(t(10_050).plusNanos(1));
    assertThat(features.online(c1, List.of(AVG)).value(AVG))
        .isEqualTo(new FeatureValue(null, EXPIRED, t(9_950)));
    List<TrainingRow> offline =
        features.historical(
            List.of(EntityRow.of(c1, t(10_050)), EntityRow.of(c1, t(10_050).plusNanos(1))),
            List.of(AVG));
    assertThat(offline).extracting(r -> r.value(AVG).status()).containsExactly(PRESENT, EXPIRED);
    // A newer row revives it once materialized (its event time is after the watermark).
    features.write("customer_stats", List.of(stats("c1", 10_040, 10_040, 2.0, 2L)));
    assertThat(features.online(c1, List.of(AVG)).value(AVG).status()).isEqualTo(EXPIRED);
    features.materialize(clock.instant());
    assertThat(features.online(c1, List.of(AVG)).value(AVG).value()).isEqualTo(2.0);
  }

  @Test
  void online_equalsOffline_atTheReadTime() {
    features.apply(customerStats(Duration.ofSeconds(300)));
    features.write(
        "customer_stats",
        List.of(
            stats("a", 9_000, 9_000, 1.0, 1L), stats("a", 9_800, 9_800, 2.0, null),
            stats("b", 9_600, 9_600, 3.0, 3L), stats("b", 9_600, 9_601, 4.0, 4L),
            stats("c", 9_999, 9_999, null, 7L), stats("d", 10_500, 9_999, 9.0, 9L)));
    features.materialize(t(10_000));
    for (long now : new long[] {10_000, 10_099, 10_100, 10_299, 10_301}) {
      clock.set(t(now));
      features.materialize(t(Math.min(now, 10_499)));
      List<Map<String, ?>> keys = new ArrayList<>();
      List<EntityRow> spine = new ArrayList<>();
      for (String k : List.of("a", "b", "c", "d", "e")) {
        keys.add(Map.of("customer_id", k));
        spine.add(spine(k, now));
      }
      OnlineFeatures online = features.online(keys, List.of(AVG, ORDERS));
      List<TrainingRow> offline = features.historical(spine, List.of(AVG, ORDERS));
      for (int i = 0; i < keys.size(); i++) {
        assertThat(online.row(i))
            .as("entity %s at %s", keys.get(i), now)
            .isEqualTo(offline.get(i).values());
      }
    }
  }

  @Test
  void online_keysOfAnLongEntityAcceptIntsAndCanonicalizeThem() {
    features.apply(
        FeatureView.builder("driver")
            .entity("driver_id", ValueType.LONG)
            .feature("rating", ValueType.DOUBLE)
            .build());
    features.write(
        "driver", List.of(FeatureRow.of(Map.of("driver_id", 7), t(1), Map.of("rating", 4.5))));
    features.materialize(t(10_000));
    assertThat(
            features
                .online(Map.of("driver_id", 7L), List.of("driver:rating"))
                .get(0, "driver:rating"))
        .isEqualTo(4.5);
    assertThat(
            features
                .online(Map.of("driver_id", 7), List.of("driver:rating"))
                .get(0, "driver:rating"))
        .isEqualTo(4.5);
  }

  // ================================================================ bad input

  @Test
  void unknownViewOrFeature_isAClearErrorEverywhere() {
    features.apply(customerStats(Duration.ZERO));
    assertThatThrownBy(() -> features.write("nope", List.of()))
        .isInstanceOf(UnknownFeatureException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("customer_stats");
    assertThatThrownBy(() -> join(List.of(spine("c1", 1)), "customer_stats:nope"))
        .isInstanceOf(UnknownFeatureException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("avg_spend_30d")
        .satisfies(e -> assertThat(((FeatureException) e).field()).isEqualTo("nope"));
    assertThatThrownBy(() -> features.online(Map.of("customer_id", "c1"), List.of("x:y")))
        .isInstanceOf(UnknownFeatureException.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> features.online(Map.of("customer_id", "c1"), List.of("no_colon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("view:feature");
    assertThatThrownBy(() -> features.online(Map.of("customer_id", "c1"), List.of(AVG, AVG)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void wrongKeyType_isAnErrorNamingFieldAndRow_neverASilentNull() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("42", 1, 1, 1.0, 1L)));
    features.materialize(t(10_000));
    assertThatThrownBy(
            () ->
                features.write(
                    "customer_stats",
                    List.of(
                        stats("c1", 1, 1, 1.0, 1L),
                        FeatureRow.of(Map.of("customer_id", 42), t(1), Map.of()))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("Row 1")
        .hasMessageContaining("customer_id")
        .hasMessageContaining("must be STRING but was Integer (42)")
        .satisfies(
            e -> {
              FeatureDataException f = (FeatureDataException) e;
              assertThat(f.row()).isEqualTo(1);
              assertThat(f.field()).isEqualTo("customer_id");
              assertThat(f.view()).isEqualTo("customer_stats");
            });
    assertThatThrownBy(
            () ->
                features.historical(
                    List.of(spine("c1", 5), EntityRow.of(Map.of("customer_id", 42), t(5))),
                    List.of(AVG)))
        .isInstanceOf(FeatureDataException.class)
        .satisfies(e -> assertThat(((FeatureException) e).row()).isEqualTo(1));
    assertThatThrownBy(
            () ->
                features.online(
                    List.of(
                        Map.of("customer_id", "c1"),
                        Map.of("customer_id", "c2"),
                        Map.of("customer_id", 42)),
                    List.of(AVG)))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("Row 2")
        .hasMessageContaining("Integer");
    // Nothing of the failed batch was stored.
    assertThat(join(List.of(spine("c1", 5)), AVG).get(0).value(AVG).status()).isEqualTo(NOT_FOUND);
  }

  @Test
  void missingKeyColumnOrTimestamp_isAnErrorNamingFieldAndRow() {
    features.apply(customerStats(Duration.ZERO));
    assertThatThrownBy(
            () ->
                features.write(
                    "customer_stats",
                    List.of(FeatureRow.of(Map.of("customer", "c1"), t(1), Map.of()))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("Row 0")
        .hasMessageContaining("'customer_id'")
        .hasMessageContaining("missing entity key");
    assertThatThrownBy(
            () ->
                features.write(
                    "customer_stats",
                    List.of(
                        stats("c1", 1, 1, 1.0, 1L),
                        new FeatureRow(Map.of("customer_id", "c1"), null, null, Map.of()))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("Row 1")
        .hasMessageContaining("eventTime");
    assertThatThrownBy(
            () ->
                features.historical(
                    List.of(spine("c1", 1), new EntityRow(Map.of("customer_id", "c1"), null)),
                    List.of(AVG)))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("Row 1")
        .hasMessageContaining("timestamp");
    assertThatThrownBy(
            () ->
                features.historical(
                    List.of(EntityRow.of(Map.of("customer", "c1"), t(1))), List.of(AVG)))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("customer_id");
    assertThatThrownBy(() -> features.online(map("customer_id", null), List.of(AVG)))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("null entity key");
    assertThatThrownBy(
            () ->
                features.write(
                    "customer_stats",
                    List.of(
                        FeatureRow.of(
                            Map.of("customer_id", "c1"),
                            Instant.parse("2300-01-01T00:00:00Z"),
                            Map.of()))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("storable range");
  }

  @Test
  void badValues_areErrorsNamingFieldAndRow() {
    features.apply(
        FeatureView.builder("events")
            .entity("id", ValueType.STRING)
            .feature("amount", ValueType.DOUBLE)
            .feature("seen", ValueType.TIMESTAMP)
            .build());
    assertThatThrownBy(
            () ->
                features.write(
                    "events", List.of(FeatureRow.of(Map.of("id", "a"), t(1), Map.of("amount", 1)))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("'amount'")
        .hasMessageContaining("must be DOUBLE but was Integer");
    assertThatThrownBy(
            () ->
                features.write(
                    "events",
                    List.of(FeatureRow.of(Map.of("id", "a"), t(1), Map.of("amont", 1.0)))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("unknown feature");
    assertThatThrownBy(
            () ->
                features.write(
                    "events",
                    List.of(
                        FeatureRow.of(
                            Map.of("id", "a"), t(1), Map.of("seen", LocalDateTime.now())))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("Instant (UTC)");
    assertThatThrownBy(
            () ->
                features.write(
                    "events",
                    List.of(FeatureRow.of(Map.of("id", "a", "other", "x"), t(1), Map.of()))))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("not an entity key");
    Instant seen = Instant.parse("1950-05-06T07:08:09.123456789Z");
    features.write(
        "events",
        List.of(FeatureRow.of(Map.of("id", "a"), t(1), map("amount", -0.0, "seen", seen))));
    TrainingRow r =
        features
            .historical(
                List.of(EntityRow.of(Map.of("id", "a"), t(2))),
                List.of("events:amount", "events:seen"))
            .get(0);
    assertThat(Double.doubleToRawLongBits((Double) r.get("events:amount")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(r.get("events:seen")).isEqualTo(seen);
  }

  @Test
  void futureOrBackwardWatermarks_areRejected() {
    features.apply(customerStats(Duration.ZERO));
    assertThatThrownBy(() -> features.materialize(t(10_001)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'to'")
        .hasMessageContaining("future");
    assertThatThrownBy(() -> features.materialize(t(500), t(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'from'");
  }

  // ================================================================ on-demand

  @Test
  void onDemandFeatures_sameFunctionForTrainingAndOnline() {
    features.apply(
        FeatureView.builder("customer_stats")
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend_30d", ValueType.DOUBLE)
            .feature("orders_7d", ValueType.LONG)
            .request("amount", ValueType.DOUBLE)
            .onDemand(
                "amount_vs_avg",
                ValueType.DOUBLE,
                in -> {
                  Double avg = (Double) in.value("avg_spend_30d");
                  Double amount = (Double) in.request("amount");
                  return avg == null || amount == null ? null : amount / avg;
                })
            .build());
    features.apply(
        OnDemandView.builder("risk")
            .input(AVG)
            .input("customer_stats:orders_7d")
            .feature(
                "new_customer",
                ValueType.BOOLEAN,
                in -> in.feature(ORDERS).status() != PRESENT || (Long) in.value(ORDERS) < 2)
            .build());
    features.write("customer_stats", List.of(stats("c1", 9_000, 9_000, 20.0, 5L)));
    features.materialize(t(10_000));
    List<String> refs = List.of("customer_stats:amount_vs_avg", "risk:new_customer");
    TrainingRow training =
        features
            .historical(
                List.of(EntityRow.of(Map.of("customer_id", "c1", "amount", 50.0), t(10_000))), refs)
            .get(0);
    OnlineFeatures online = features.online(Map.of("customer_id", "c1", "amount", 50.0), refs);
    assertThat(training.value("customer_stats:amount_vs_avg"))
        .isEqualTo(new FeatureValue(2.5, PRESENT, t(9_000)));
    assertThat(training.get("risk:new_customer")).isEqualTo(false);
    assertThat(online.row(0)).isEqualTo(training.values());
    assertThat(online.features()).containsExactlyElementsOf(refs);
    OnlineFeatures unknown = features.online(Map.of("customer_id", "zz", "amount", 1.0), refs);
    assertThat(unknown.value("customer_stats:amount_vs_avg").status()).isEqualTo(NULL_VALUE);
    assertThat(unknown.get(0, "risk:new_customer")).isEqualTo(true);
    assertThatThrownBy(() -> features.online(Map.of("customer_id", "c1"), refs))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("'amount'")
        .hasMessageContaining("missing request field");
    assertThatThrownBy(() -> features.online(Map.of("customer_id", "c1", "amount", "50"), refs))
        .isInstanceOf(FeatureDataException.class)
        .hasMessageContaining("must be DOUBLE");
    assertThatThrownBy(
            () ->
                features.apply(
                    OnDemandView.builder("broken")
                        .input("nope:x")
                        .feature("f", ValueType.LONG, in -> 1L)
                        .build()))
        .isInstanceOf(UnknownFeatureException.class);
  }

  @Test
  void onDemandFeature_returningTheWrongType_orThrowing_isAnErrorNamingTheRow() {
    features.apply(
        FeatureView.builder("customer_stats")
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend_30d", ValueType.DOUBLE)
            .onDemand("bad_type", ValueType.LONG, in -> "oops")
            .onDemand(
                "throws",
                ValueType.LONG,
                in -> {
                  throw new ArithmeticException("boom");
                })
            .build());
    assertThatThrownBy(
            () -> join(List.of(spine("c1", 1), spine("c2", 1)), "customer_stats:bad_type"))
        .isInstanceOf(FeatureException.class)
        .hasMessageContaining("row 0")
        .hasMessageContaining("must be LONG but was String");
    assertThatThrownBy(() -> join(List.of(spine("c1", 1)), "customer_stats:throws"))
        .isInstanceOf(FeatureException.class)
        .hasMessageContaining("boom")
        .hasCauseInstanceOf(ArithmeticException.class);
  }

  // ================================================================ freshness

  @Test
  void freshness_reportsWatermarkAgeAndLookupsByStatus() {
    features.apply(customerStats(Duration.ofSeconds(500)));
    FeatureFreshness before = features.freshness("customer_stats");
    assertThat(before.watermark()).isNull();
    assertThat(before.age()).isNull();
    features.write(
        "customer_stats",
        List.of(stats("c1", 9_000, 9_000, 1.0, null), stats("c2", 9_800, 9_800, 2.0, 2L)));
    features.materialize(t(10_000));
    clock.set(t(10_100));
    features.online(
        List.of(
            Map.of("customer_id", "c1"), Map.of("customer_id", "c2"), Map.of("customer_id", "c3")),
        List.of(AVG, ORDERS));
    FeatureFreshness f = features.freshness("customer_stats");
    assertThat(f.watermark()).isEqualTo(t(10_000));
    assertThat(f.newestEventTime()).isEqualTo(t(9_800));
    assertThat(f.age()).isEqualTo(Duration.ofSeconds(300));
    assertThat(f.present()).isEqualTo(2);
    assertThat(f.expired()).isEqualTo(2); // c1 is 1,100 s old
    assertThat(f.notFound()).isEqualTo(2);
    assertThat(f.nullValue()).isEqualTo(0);
    assertThat(f.lookups()).isEqualTo(6);
    assertThat(features.freshness())
        .extracting(FeatureFreshness::view)
        .containsExactly("customer_stats");
  }

  @Test
  void freshness_countsNullValues() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 9_000, 9_000, 1.0, null)));
    features.materialize(t(10_000));
    features.online(Map.of("customer_id", "c1"), List.of(AVG, ORDERS));
    FeatureFreshness f = features.freshness("customer_stats");
    assertThat(f.present()).isEqualTo(1);
    assertThat(f.nullValue()).isEqualTo(1);
  }

  @Test
  void freshness_countsOnlyRequestedStoredFeatures_notInputsOfOnDemandOnes() {
    features.apply(
        FeatureView.builder("customer_stats")
            .entity("customer_id", ValueType.STRING)
            .feature("avg_spend_30d", ValueType.DOUBLE)
            .feature("orders_7d", ValueType.LONG)
            .onDemand("has_orders", ValueType.BOOLEAN, in -> in.value("orders_7d") != null)
            .build());
    features.write("customer_stats", List.of(stats("c1", 9_000, 9_000, null, 4L)));
    features.materialize(t(10_000));
    OnlineFeatures r =
        features.online(Map.of("customer_id", "c1"), List.of("customer_stats:has_orders", AVG));
    assertThat(r.get(0, "customer_stats:has_orders")).isEqualTo(true);
    assertThat(r.value(AVG)).isEqualTo(new FeatureValue(null, NULL_VALUE, t(9_000)));
    assertThat(r.features()).containsExactly("customer_stats:has_orders", AVG);
    FeatureFreshness f = features.freshness("customer_stats");
    assertThat(f.nullValue()).isEqualTo(1);
    assertThat(f.present()).isEqualTo(0);
    assertThat(f.lookups()).isEqualTo(1);
  }

  // ================================================================ helpers for subclasses

  /** Values of a list of training rows, for comparisons. */
  static List<Map<String, FeatureValue>> values(List<TrainingRow> rows) {
    List<Map<String, FeatureValue>> out = new ArrayList<>();
    for (TrainingRow r : rows) {
      out.add(new HashMap<>(r.values()));
    }
    return out;
  }

  // ================================================================ idempotent writes

  @Test
  void writeWithId_repeated_storesTheRowsOnce_andReturnsTheFirstResult() {
    features.apply(customerStats(Duration.ZERO));
    List<FeatureRow> rows = List.of(stats("c1", 100, 100, 1.0, 1L), stats("c2", 100, 100, 2.0, 2L));
    WriteResult first = features.write("customer_stats", rows, "job-7:partition-0");
    WriteResult again = features.write("customer_stats", rows, "job-7:partition-0");
    assertThat(again).isEqualTo(first).isEqualTo(new WriteResult("customer_stats", 2, 1, 0));
    // No sequence was used by the repeat: the next write continues right after the first one.
    assertThat(features.write("customer_stats", List.of(stats("c3", 100, 100, 3.0, 3L))))
        .isEqualTo(new WriteResult("customer_stats", 1, 3, 0));
    // Another id stores again, and the same id in another view is another write.
    assertThat(features.write("customer_stats", rows, "job-7:partition-1").firstSequence())
        .isEqualTo(4);
    features.apply(
        FeatureView.builder("other")
            .entity("customer_id", ValueType.STRING)
            .feature("x", ValueType.LONG)
            .build());
    assertThat(
            features
                .write(
                    "other",
                    List.of(FeatureRow.of(Map.of("customer_id", "c1"), t(1), map("x", 1L))),
                    "job-7:partition-0")
                .rows())
        .isEqualTo(1);
    // A join sees each row once (c1 twice: the write with the other id stored it again).
    assertThat(join(List.of(spine("c2", 200)), AVG).get(0).get(AVG)).isEqualTo(2.0);
  }

  @Test
  void writeWithId_lateRowsReachOnlineOnce_andTheRepeatTouchesNothing() {
    features.apply(customerStats(Duration.ZERO));
    features.materialize(t(10_000));
    List<FeatureRow> rows = List.of(stats("c1", 500, 500, 5.0, 5L));
    assertThat(features.write("customer_stats", rows, "w").lateEntities()).isEqualTo(1);
    features.write("customer_stats", List.of(stats("c1", 600, 600, 6.0, 6L)));
    // The repeat returns the first result and does not offer its (now older) row again.
    assertThat(features.write("customer_stats", rows, "w").lateEntities()).isEqualTo(1);
    assertThat(features.online(Map.of("customer_id", "c1"), List.of(AVG)).get(0, AVG))
        .isEqualTo(6.0);
  }

  @Test
  void writeWithId_reusedForAnotherNumberOfRows_isRefused_andStoresNothing() {
    features.apply(customerStats(Duration.ZERO));
    features.write("customer_stats", List.of(stats("c1", 100, 100, 1.0, 1L)), "w-1");
    assertThatThrownBy(
            () ->
                features.write(
                    "customer_stats",
                    List.of(stats("c1", 200, 200, 2.0, 2L), stats("c2", 200, 200, 2.0, 2L)),
                    "w-1"))
        .isInstanceOf(FeatureException.class)
        .hasMessageContaining("'w-1'")
        .hasMessageContaining("1 rows")
        .hasMessageContaining("has 2");
    assertThat(
            features.write("customer_stats", List.of(stats("c9", 1, 1, 0.0, 0L))).firstSequence())
        .isEqualTo(2);
  }

  @Test
  void writeWithId_badIdsAreRefused() {
    features.apply(customerStats(Duration.ZERO));
    List<FeatureRow> rows = List.of(stats("c1", 100, 100, 1.0, 1L));
    for (String bad : List.of("", "a\nb", "x".repeat(FeatureStore.MAX_WRITE_ID + 1))) {
      assertThatThrownBy(() -> features.write("customer_stats", rows, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Bad write id")
          .hasMessageNotContaining("xxxxxxxxxx");
    }
    assertThat(features.write("customer_stats", rows, "x".repeat(FeatureStore.MAX_WRITE_ID)).rows())
        .isEqualTo(1);
  }

  @Test
  void writeWithId_concurrentWritesWithOneId_storeTheRowsOnce() throws Exception {
    features.apply(customerStats(Duration.ZERO));
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(stats("c" + i, 100, 100, (double) i, (long) i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<WriteResult>> results = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        results.add(pool.submit(() -> features.write("customer_stats", rows, "same")));
      }
      for (java.util.concurrent.Future<WriteResult> f : results) {
        assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo(new WriteResult("customer_stats", 200, 1, 0));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(features.write("customer_stats", List.of(stats("z", 1, 1, 0.0, 0L))).firstSequence())
        .isEqualTo(201);
  }
}
