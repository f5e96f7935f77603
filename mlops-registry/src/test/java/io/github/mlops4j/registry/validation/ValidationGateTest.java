package io.github.mlops4j.registry.validation;

import static io.github.mlops4j.registry.validation.Rule.atLeast;
import static io.github.mlops4j.registry.validation.Rule.betterThanChampionBy;
import static io.github.mlops4j.registry.validation.Rule.notWorseThanChampionBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.AuditAction;
import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.EvaluationRecord;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.RegistryException;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

class ValidationGateTest {
  static MutableDataset<Label> train;
  static Holdout<Label> holdout;

  /** Trained on all rows: better than {@link #north} overall and on both regions. */
  static Model<Label> all;

  /** Trained on the north rows only. */
  static Model<Label> north;

  /** Trained on the south rows only: better than {@link #all} overall, much worse on north. */
  static Model<Label> south;

  @TempDir Path dir;

  @BeforeAll
  static void train() {
    train = Data.churn(3000, 11);
    holdout = Holdout.builder(Data.churn(2000, 12)).name("holdout-12").sliceBy("region").build();
    all = Data.logistic(train);
    north = Data.logistic(Data.region(train, "north"));
    south = Data.logistic(Data.region(train, "south"));
  }

  static ValidationGate gate() {
    return ValidationGate.builder()
        .require("accuracy", atLeast(0.7))
        .require("accuracy", betterThanChampionBy(0.0))
        .require("macro_f1", notWorseThanChampionBy(0.01))
        .require("auc:yes", notWorseThanChampionBy(0.01))
        .requireOnEverySlice("accuracy", notWorseThanChampionBy(0.02))
        .requireOnEverySlice("recall:yes", atLeast(0.3))
        .significance(0.05)
        .seed(42)
        .bootstrapResamples(500)
        .build();
  }

  @Test
  void genuinelyBetterModel_passes() {
    GateResult r = gate().evaluate(all, north, holdout);
    assertThat(r.failures()).isEmpty();
    assertThat(r.passed()).isTrue();
    RuleResult better = r.rules().get(1);
    assertThat(better.test()).startsWith("mcnemar");
    assertThat(better.pValue()).isLessThan(0.05);
    assertThat(better.difference()).isPositive();
    RuleResult auc = r.rules().get(3);
    assertThat(auc.test()).isEqualTo("bootstrap");
    assertThat(auc.lower()).isNotNull();
    assertThat(r.rules())
        .extracting(RuleResult::slice)
        .contains(null, "region=north", "region=south");
  }

  @Test
  void betterOnAverageButWorseOnASlice_isBlocked() {
    Evaluation cand = ModelEvaluator.evaluate(south, holdout);
    Evaluation champ = ModelEvaluator.evaluate(all, holdout);
    assertThat(cand.metric("accuracy")).isGreaterThan(champ.metric("accuracy"));
    GateResult r = gate().evaluate(cand, champ);
    assertThat(r.passed()).isFalse();
    assertThat(r.failures()).allMatch(f -> "region=north".equals(f.slice()));
    assertThat(r.failures()).extracting(RuleResult::metric).contains("accuracy");
    assertThat(r.rules().get(1).passed()).isTrue(); // better overall, significantly
    assertThat(r.summary()).contains("failed").contains("region=north");
  }

  @Test
  void equalModels_areNotDeclaredDifferent() {
    ValidationGate g =
        ValidationGate.builder()
            .require("accuracy", betterThanChampionBy(0.0))
            .require("macro_f1", betterThanChampionBy(0.0))
            .require("auc:yes", betterThanChampionBy(0.0))
            .require("log_loss", notWorseThanChampionBy(0.0))
            .seed(5)
            .build();
    // Two equally good models: each is right on a row with probability 0.8, independently, and
    // gives the true class a probability drawn from the same distribution.
    int n = 2000;
    Holdout<Label> rows = Holdout.builder(Data.churn(n, 30)).build();
    for (long seed : new long[] {1, 2, 3}) {
      java.util.Random random = new java.util.Random(seed);
      int[] truth = new int[n];
      for (int i = 0; i < n; i++) {
        truth[i] = random.nextInt(2);
      }
      Evaluation a = equallyGood(rows, truth, random);
      Evaluation b = equallyGood(rows, truth, random);
      for (Evaluation[] pair : new Evaluation[][] {{a, b}, {b, a}}) {
        GateResult r = g.evaluate(pair[0], pair[1]);
        assertThat(r.rules().get(0).passed()).as("accuracy better, seed " + seed).isFalse();
        assertThat(r.rules().get(1).passed()).as("macro_f1 better, seed " + seed).isFalse();
        assertThat(r.rules().get(2).passed()).as("auc better, seed " + seed).isFalse();
        assertThat(r.rules().get(3).passed()).as("log_loss not worse, seed " + seed).isTrue();
      }
      // seeded: the same gate gives the same p-values and intervals
      assertThat(g.evaluate(a, b).rules()).isEqualTo(g.evaluate(a, b).rules());
    }
    GateResult same = g.evaluate(all, all, holdout);
    assertThat(same.rules().get(0).pValue()).isEqualTo(1.0);
    assertThat(same.rules().get(1).lower()).isZero();
    assertThat(same.rules().get(1).upper()).isZero();
  }

  private static Evaluation equallyGood(Holdout<Label> rows, int[] truth, java.util.Random r) {
    int n = truth.length;
    int[] pred = new int[n];
    double[] prob = new double[2 * n];
    for (int i = 0; i < n; i++) {
      boolean right = r.nextDouble() < 0.8;
      double pTrue = right ? 0.5 + r.nextDouble() / 2 : r.nextDouble() / 2;
      pred[i] = right ? truth[i] : 1 - truth[i];
      prob[2 * i + truth[i]] = pTrue;
      prob[2 * i + 1 - truth[i]] = 1 - pTrue;
    }
    Scores s = Scores.labels(List.of("no", "yes"), truth, pred, prob);
    return new Evaluation(null, null, rows, s, Metrics.all(s), Map.of(), Map.of());
  }

  @Test
  void promoteIfPassed_movesTheAliasWithTheGateSummaryAsComment() {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build()) {
      int v1 = registry.register("churn", north, null).version();
      registry.setAlias("churn", "champion", v1);
      int v2 = registry.register("churn", all, null).version();
      GateResult r = gate().promoteIfPassed(registry, "churn", v2, "champion", holdout);
      assertThat(r.passed()).isTrue();
      assertThat(r.wasPromoted()).isTrue();
      assertThat(r.championVersion()).hasValue(v1);
      assertThat(registry.aliases("churn")).containsEntry("champion", v2);
      AuditEntry last = registry.auditLog("churn").get(registry.auditLog("churn").size() - 1);
      assertThat(last.action()).isEqualTo(AuditAction.ALIAS_SET);
      assertThat(last.previousVersion()).isEqualTo(v1);
      assertThat(last.comment())
          .startsWith("Validation gate passed: churn v2 vs champion v1")
          .contains(holdout.version().digest().substring(0, 12));
      List<EvaluationRecord> records = registry.evaluations("churn", v2);
      assertThat(records).hasSize(1);
      EvaluationRecord rec = records.get(0);
      assertThat(rec.datasetDigest()).isEqualTo(holdout.version().digest());
      assertThat(rec.metrics()).containsKeys("accuracy", "slice/region=north/accuracy");
      assertThat(registry.evaluations("churn", v1)).hasSize(1);
      try (Tracker tracker = Tracker.builder().store(registry.store()).build()) {
        assertThat(tracker.findRun(java.util.Objects.requireNonNull(rec.runId()))).isPresent();
        assertThat(tracker.runsUsingDataset(rec.datasetDigest())).contains(rec.runId());
        assertThat(tracker.metricHistory(rec.runId(), "accuracy"))
            .singleElement()
            .satisfies(p -> assertThat(p.value()).isEqualTo(rec.metrics().get("accuracy")));
      }
    }
  }

  @Test
  void failedGate_changesNoAliasAndNoAuditEntry() {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build()) {
      int v1 = registry.register("churn", all, null).version();
      registry.setAlias("churn", "champion", v1);
      int v2 = registry.register("churn", south, null).version();
      Map<String, Integer> aliases = registry.aliases("churn");
      List<AuditEntry> audit = registry.auditLog("churn");
      GateResult r = gate().promoteIfPassed(registry, "churn", v2, "champion", holdout);
      assertThat(r.passed()).isFalse();
      assertThat(r.wasPromoted()).isFalse();
      assertThat(registry.aliases("churn")).isEqualTo(aliases);
      assertThat(registry.auditLog("churn")).isEqualTo(audit);
    }
  }

  @Test
  void evaluateThenPromote_isPromoteIfPassedInTwoSteps() {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build()) {
      int v1 = registry.register("churn", all, null).version();
      registry.setAlias("churn", "champion", v1);
      int v2 = registry.register("churn", south, null).version();
      GateResult failed = gate().evaluate(registry, "churn", v2, "champion", holdout);
      assertThat(failed.passed()).isFalse();
      assertThatThrownBy(() -> gate().promote(registry, failed, "champion"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("only a passed result can be promoted");
      assertThat(registry.aliases("churn")).containsEntry("champion", v1);

      int v3 = registry.register("churn", north, null).version();
      registry.setAlias("churn", "champion", v3);
      int v4 = registry.register("churn", all, null).version();
      GateResult passed = gate().evaluate(registry, "churn", v4, "champion", holdout);
      assertThat(passed.passed()).isTrue();
      assertThat(passed.wasPromoted()).isFalse();
      assertThat(registry.aliases("churn")).containsEntry("champion", v3);
      GateResult promoted = gate().promote(registry, passed, "champion");
      assertThat(promoted.wasPromoted()).isTrue();
      assertThat(registry.aliases("churn")).containsEntry("champion", v4);
      assertThat(registry.auditLog("churn").get(registry.auditLog("churn").size() - 1).comment())
          .isEqualTo(passed.summary());
      // promoting the same result again: the champion is no longer the version it was gated against
      registry.setAlias("churn", "champion", v1);
      assertThatThrownBy(() -> gate().promote(registry, passed, "champion"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("moved while the gate ran");
    }
  }

  @Test
  void missingAlias_isAClearError() {
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(dir).pollInterval(Duration.ZERO).build()) {
      int v1 = registry.register("churn", all, null).version();
      assertThatThrownBy(() -> gate().promoteIfPassed(registry, "churn", v1, "champion", holdout))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("no alias 'champion'")
          .hasMessageContaining("setAlias");
      assertThatThrownBy(() -> ModelEvaluator.evaluate(registry, "churn", "prod", holdout))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("'prod'");
    }
  }

  @Test
  void columnsNotMatchingTheSignature_areNamed() {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("x", f), f);
    data.add(
        new ArrayExample<>(new Label("yes"), new String[] {"tenure", "age"}, new double[] {1, 2}));
    Holdout<Label> wrong = Holdout.builder(data).build();
    assertThatThrownBy(() -> ModelEvaluator.evaluate(all, wrong))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("missing feature columns [spend]")
        .hasMessageContaining("columns the model does not know [age]");
  }

  @Test
  void emptyDataSet_isRefused() {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> empty = new MutableDataset<>(new SimpleDataSourceProvenance("e", f), f);
    assertThatThrownBy(() -> Holdout.builder(empty).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("has no rows");
  }

  @Test
  void sliceWithNoRows_isRefused() {
    Holdout<Label> h =
        Holdout.builder(Data.churn(100, 3))
            .slice("tenure-over-100", ex -> ex.lookup("tenure").getValue() > 100)
            .build();
    assertThatThrownBy(() -> ModelEvaluator.evaluate(all, h))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Slice 'tenure-over-100'")
        .hasMessageContaining("no rows");
  }

  @Test
  void unknownMetricForTheOutputType_isAClearError() {
    ValidationGate g = ValidationGate.builder().require("rmse", Rule.atMost(1)).build();
    assertThatThrownBy(() -> g.evaluate(all, null, holdout))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Unknown metric 'rmse'")
        .hasMessageContaining("macro_f1");
  }

  @Test
  void sliceRulesWithoutSlices_areAClearError() {
    ValidationGate g =
        ValidationGate.builder().requireOnEverySlice("accuracy", atLeast(0.5)).build();
    Holdout<Label> plain = Holdout.builder(Data.churn(50, 4)).build();
    assertThatThrownBy(() -> g.evaluate(all, null, plain))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("defines no slices");
  }

  @Test
  void noChampion_championRulesPassWithAReason() {
    GateResult r = gate().evaluate(all, null, holdout);
    assertThat(r.rules().get(1).detail()).isEqualTo("no champion to compare with");
    assertThat(r.rules().get(1).passed()).isTrue();
  }

  @Test
  void builder_validatesEagerly() {
    assertThatThrownBy(() -> ValidationGate.builder().significance(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.0");
    assertThatThrownBy(() -> ValidationGate.builder().bootstrapResamples(10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ValidationGate.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> notWorseThanChampionBy(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-0.1");
  }
}
