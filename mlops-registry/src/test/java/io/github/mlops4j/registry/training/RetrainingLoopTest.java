package io.github.mlops4j.registry.training;

import static io.github.mlops4j.registry.validation.Rule.atLeast;
import static io.github.mlops4j.registry.validation.Rule.notWorseThanChampionBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.AuditAction;
import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunStatus;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

class RetrainingLoopTest {
  @TempDir Path dir;
  MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  ModelRegistry registry;
  Tracker tracker;
  List<RetrainingEvent> events = new CopyOnWriteArrayList<>();

  /** Rows the data supplier returns: the world drifts when this changes. */
  volatile int shift;

  @BeforeEach
  void open() {
    registry =
        ModelRegistry.builder().workspace(dir).clock(clock).pollInterval(Duration.ZERO).build();
    tracker =
        Tracker.builder().store(registry.store()).clock(clock).captureEnvironment(false).build();
  }

  @AfterEach
  void close() {
    tracker.close();
    registry.close();
  }

  /** churn = tenure < threshold; after a shift the threshold moves. */
  static MutableDataset<Label> rows(int n, long seed, double threshold) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d =
        new MutableDataset<>(new SimpleDataSourceProvenance("t" + seed, f), f);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      double tenure = r.nextDouble() * 10;
      double spend = r.nextDouble() * 100;
      d.add(
          new ArrayExample<>(
              new Label(tenure < threshold ? "yes" : "no"),
              new String[] {"tenure", "spend"},
              new double[] {tenure, spend},
              Map.of("tier", spend < 50 ? "basic" : "gold")));
    }
    return d;
  }

  double threshold() {
    return shift == 0 ? 3 : 7;
  }

  RetrainingLoop.Builder<Label> loop(TrainingFunction<Label> training) {
    ValidationGate gate =
        ValidationGate.builder()
            .require("accuracy", atLeast(0.8))
            .require("macro_f1", notWorseThanChampionBy(0.0))
            .requireOnEverySlice("accuracy", atLeast(0.7))
            .seed(3)
            .bootstrapResamples(200)
            .tracker(tracker)
            .build();
    return RetrainingLoop.<Label>builder()
        .registry(registry)
        .tracker(tracker)
        .model("churn")
        .data(() -> rows(800, 100 + shift, threshold()))
        .training(training)
        .holdout(() -> Holdout.builder(rows(600, 200 + shift, threshold())).sliceBy("tier").build())
        .gate(gate)
        .clock(clock)
        .minInterval(Duration.ofHours(1))
        .schedule(Duration.ofDays(1))
        .listener(events::add);
  }

  static TrainingFunction<Label> logistic() {
    return (data, run) -> {
      run.logParam("trainer", "logistic-regression");
      return new LogisticRegressionTrainer().train(data);
    };
  }

  @Test
  void scheduleThenDrift_endsWithAPromotedVersionAndACompleteAuditTrail() {
    RetrainingLoop<Label> loop = loop(logistic()).build();
    assertThat(loop.tick().status()).isEqualTo(RetrainingOutcome.Status.SKIPPED); // not due yet
    clock.advance(Duration.ofDays(1));
    RetrainingOutcome first = loop.tick();
    assertThat(first.status()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(first.trigger()).startsWith("schedule");
    assertThat(registry.aliases("churn")).containsEntry("champion", 1);

    // the world changes; monitoring reports drift on tenure
    shift = 1;
    clock.advance(Duration.ofHours(2));
    RetrainingOutcome second = loop.onDrift("KS p=0.0001", List.of("tenure"));
    assertThat(second.status()).as(second.message()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(second.version()).isEqualTo(2);
    assertThat(registry.aliases("churn"))
        .containsEntry("champion", 2)
        .containsEntry("challenger", 2);

    RunInfo run = tracker.findRun(second.runId()).orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.tags())
        .containsEntry(RetrainingLoop.TRIGGER_TAG, "drift in [tenure]: KS p=0.0001")
        .containsEntry("mlops.gate.passed", "true");
    assertThat(run.params())
        .containsEntry("trigger", "drift")
        .containsEntry("trainer", "logistic-regression");
    assertThat(registry.getVersion("churn", 2).orElseThrow().runId()).hasValue(run.runId());
    assertThat(registry.evaluations("churn", 2)).isNotEmpty();

    List<AuditEntry> audit = registry.auditLog("churn");
    assertThat(audit)
        .extracting(AuditEntry::action)
        .containsExactly(
            AuditAction.MODEL_CREATED,
            AuditAction.VERSION_REGISTERED,
            AuditAction.ALIAS_SET,
            AuditAction.ALIAS_SET,
            AuditAction.VERSION_REGISTERED,
            AuditAction.ALIAS_SET,
            AuditAction.ALIAS_SET);
    AuditEntry promotion = audit.get(audit.size() - 1);
    assertThat(promotion.alias()).isEqualTo("champion");
    assertThat(promotion.version()).isEqualTo(2);
    assertThat(promotion.previousVersion()).isEqualTo(1);
    assertThat(promotion.comment()).startsWith("Validation gate passed: churn v2 vs champion v1");
    assertThat(audit.get(5).comment()).contains("drift in [tenure]").contains(run.runId());

    assertThat(
            events.stream()
                .filter(e -> "drift in [tenure]: KS p=0.0001".equals(e.trigger()))
                .map(RetrainingEvent::step))
        .containsExactly(
            RetrainingEvent.Step.TRIGGERED,
            RetrainingEvent.Step.TRAINED,
            RetrainingEvent.Step.REGISTERED,
            RetrainingEvent.Step.GATE_EVALUATED,
            RetrainingEvent.Step.PROMOTED);
  }

  @Test
  void minimumInterval_skipsEarlyTriggers() {
    RetrainingLoop<Label> loop = loop(logistic()).build();
    assertThat(loop.trigger("first").status()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
    clock.advance(Duration.ofMinutes(59));
    RetrainingOutcome early = loop.onDrift("", List.of("spend"));
    assertThat(early.status()).isEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(early.message()).contains("minimum interval");
    clock.advance(Duration.ofMinutes(1));
    assertThat(loop.trigger("later").status()).isNotEqualTo(RetrainingOutcome.Status.SKIPPED);
  }

  @Test
  void failedTraining_leavesTheChampionAndIsReported() {
    RetrainingLoop<Label> good = loop(logistic()).build();
    good.trigger("initial");
    clock.advance(Duration.ofHours(1)); // past the model's minimum interval, shared by all loops
    List<AuditEntry> before = registry.auditLog("churn");
    RetrainingLoop<Label> broken =
        loop((data, run) -> {
              throw new IllegalStateException("out of memory in trainer");
            })
            .build();
    RetrainingOutcome o = broken.trigger("retry");
    assertThat(o.status()).isEqualTo(RetrainingOutcome.Status.FAILED);
    assertThat(o.message()).contains("out of memory in trainer");
    assertThat(registry.aliases("churn")).containsEntry("champion", 1);
    assertThat(registry.auditLog("churn")).isEqualTo(before);
    assertThat(tracker.findRun(o.runId()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    assertThat(events)
        .anyMatch(
            e -> e.step() == RetrainingEvent.Step.FAILED && e.detail().contains("out of memory"));
  }

  @Test
  void refusedPromotionCheck_leavesTheChallengerAndTheChampion() {
    loop(logistic()).build().trigger("initial");
    clock.advance(Duration.ofHours(1)); // past the model's minimum interval, shared by all loops
    List<Integer> checked = new CopyOnWriteArrayList<>();
    RetrainingLoop<Label> loop =
        loop(logistic())
            .promotionCheck(
                v -> {
                  checked.add(v);
                  return false; // e.g. its canary was rolled back
                })
            .build();
    RetrainingOutcome o = loop.trigger("canary refused");
    assertThat(o.status()).isEqualTo(RetrainingOutcome.Status.REJECTED);
    assertThat(checked).containsExactly(2);
    assertThat(registry.aliases("churn"))
        .containsEntry("champion", 1)
        .containsEntry("challenger", 2);
    assertThat(tracker.findRun(o.runId()).orElseThrow().tags())
        .containsEntry("mlops.promotion.check", "refused");
  }

  @Test
  void failedGate_leavesTheChallengerAndTheChampion() {
    loop(logistic()).build().trigger("initial");
    clock.advance(Duration.ofHours(1)); // past the model's minimum interval, shared by all loops
    // a model that always says "no" fails accuracy >= 0.8
    RetrainingLoop<Label> weak =
        loop((data, run) -> {
              MutableDataset<Label> constant = rows(50, 9, -1);
              return new LogisticRegressionTrainer().train(constant);
            })
            .build();
    RetrainingOutcome o = weak.trigger("weak");
    assertThat(o.status()).isIn(RetrainingOutcome.Status.REJECTED, RetrainingOutcome.Status.FAILED);
    assertThat(registry.aliases("churn")).containsEntry("champion", 1);
  }

  @Test
  void concurrentTrigger_isSkippedNotQueued() throws Exception {
    CountDownLatch training = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RetrainingLoop<Label> loop =
        loop((data, run) -> {
              training.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new LogisticRegressionTrainer().train(data);
            })
            .minInterval(Duration.ZERO)
            .build();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<RetrainingOutcome> first = pool.submit(() -> loop.trigger("first"));
      assertThat(training.await(30, TimeUnit.SECONDS)).isTrue();
      RetrainingOutcome second = loop.trigger("second");
      assertThat(second.status()).isEqualTo(RetrainingOutcome.Status.SKIPPED);
      assertThat(second.message()).contains("already running");
      release.countDown();
      assertThat(first.get(60, TimeUnit.SECONDS).status())
          .isEqualTo(RetrainingOutcome.Status.PROMOTED);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void performanceTrigger_runsOnlyPastTheBound() {
    RetrainingLoop<Label> loop = loop(logistic()).build();
    assertThat(loop.onPerformance("accuracy", 0.9, 0.85).status())
        .isEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(loop.onPerformance("rmse", 2.0, 1.0).status())
        .isNotEqualTo(RetrainingOutcome.Status.SKIPPED);
  }

  @Test
  void anArtifactTrainingFunctionRegistersItsArtifactAndIsGatedLikeAModel() {
    ArtifactTrainingFunction<Label> exported =
        (data, run) -> {
          run.logParam("trainer", "exported elsewhere");
          return ModelArtifact.tribuo(new LogisticRegressionTrainer().train(data));
        };
    RetrainingLoop<Label> loop =
        RetrainingLoop.<Label>builder()
            .registry(registry)
            .tracker(tracker)
            .model("churn")
            .data(() -> rows(800, 100, threshold()))
            .trainingArtifact(exported)
            .holdout(() -> Holdout.builder(rows(600, 200, threshold())).build())
            .gate(ValidationGate.builder().require("accuracy", atLeast(0.8)).build())
            .build();
    RetrainingOutcome first = loop.trigger("by hand");
    assertThat(first.status()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(registry.aliases("churn"))
        .containsEntry("champion", 1)
        .containsEntry("challenger", 1);
    RetrainingOutcome second = loop.trigger("by hand");
    assertThat(second.status()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(java.util.Objects.requireNonNull(second.gate()).championVersion()).hasValue(1);
    assertThat(registry.aliases("churn")).containsEntry("champion", 2);
    assertThat(registry.getVersion("churn", 2).orElseThrow().runId()).hasValue(second.runId());
  }

  @Test
  void trainingAndTrainingArtifactExcludeEachOther() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                loop(logistic())
                    .trainingArtifact(
                        (data, run) ->
                            ModelArtifact.tribuo(new LogisticRegressionTrainer().train(data)))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not both");
  }
}
