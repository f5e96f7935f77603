package io.github.mlops4j.registry.training;

import static io.github.mlops4j.registry.validation.Rule.atLeast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.validation.Holdout;
import io.github.mlops4j.registry.validation.ValidationGate;
import io.github.mlops4j.store.internal.Sql;
import io.github.mlops4j.store.internal.StoreAccess;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/**
 * Two "replicas" of a service, each with its own registry (own connection pool) on one shared
 * store, each running a {@link RetrainingLoop} of the same model: the retraining lease lets one of
 * them retrain at a time. Extended for SQLite (one workspace file) and PostgreSQL.
 */
abstract class RetrainingLeaseContract {
  static final Duration TTL = Duration.ofMinutes(10);

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
  final ExecutorService pool = Executors.newCachedThreadPool();
  final AtomicInteger trainings = new AtomicInteger();
  Replica a;
  Replica b;

  /** One replica's view of the store. */
  record Replica(ModelRegistry registry, Tracker tracker) {}

  /**
   * A registry builder for replica {@code index} (0 or 1) on the store both replicas share, with a
   * connection pool of its own.
   */
  abstract ModelRegistry.Builder replica(int index) throws Exception;

  @BeforeEach
  void openReplicas() throws Exception {
    a = open(0);
    b = open(1);
  }

  private Replica open(int index) throws Exception {
    ModelRegistry registry = replica(index).clock(clock).pollInterval(Duration.ZERO).build();
    Tracker tracker =
        Tracker.builder().store(registry.store()).clock(clock).captureEnvironment(false).build();
    return new Replica(registry, tracker);
  }

  @AfterEach
  void closeReplicas() throws Exception {
    latches.forEach(CountDownLatch::countDown);
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    for (Replica r : List.of(a, b)) {
      r.tracker().close();
      r.registry().close();
    }
    afterReplicasClosed();
  }

  /** Closes what {@link #replica} opened besides the registry. */
  void afterReplicasClosed() throws Exception {}

  CountDownLatch latch(int count) {
    CountDownLatch l = new CountDownLatch(count);
    latches.add(l);
    return l;
  }

  /** Waits for a latch the code under test opens; the bound is only a safety net. */
  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a latch of the test was not opened within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Trains a logistic regression; counts the trainings. */
  TrainingFunction<Label> training() {
    return (data, run) -> {
      trainings.incrementAndGet();
      return new LogisticRegressionTrainer().train(data);
    };
  }

  /** Trains after signalling {@code entered} and waiting for {@code release}. */
  TrainingFunction<Label> blocking(CountDownLatch entered, CountDownLatch release) {
    TrainingFunction<Label> train = training();
    return (data, run) -> {
      entered.countDown();
      await(release);
      return train.train(data, run);
    };
  }

  RetrainingLoop.Builder<Label> loop(Replica r, String holder, TrainingFunction<Label> training) {
    return RetrainingLoop.<Label>builder()
        .registry(r.registry())
        .tracker(r.tracker())
        .model("churn")
        .data(() -> RetrainingLoopTest.rows(800, 100, 3))
        .training(training)
        .holdout(() -> Holdout.builder(RetrainingLoopTest.rows(600, 200, 3)).build())
        .gate(ValidationGate.builder().require("accuracy", atLeast(0.8)).build())
        .clock(clock)
        .minInterval(Duration.ofHours(1))
        .leaseTtl(TTL)
        .leaseHolder(holder);
  }

  static void assertSkippedNaming(RetrainingOutcome o, String holder) {
    assertThat(o.status()).as(o.message()).isEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(o.message()).contains("replica '" + holder + "'");
  }

  List<Integer> versions(Replica r) {
    return r.registry().versions("churn").stream().map(ModelVersion::version).toList();
  }

  @Test
  void twoReplicasTriggeredTogether_exactlyOneTrainsAndTheOtherNamesTheHolder() throws Exception {
    CountDownLatch entered = latch(1);
    CountDownLatch release = latch(1);
    RetrainingLoop<Label> first = loop(a, "replica-a", blocking(entered, release)).build();
    RetrainingLoop<Label> second = loop(b, "replica-b", training()).build();
    Future<RetrainingOutcome> running = pool.submit(() -> first.onDrift("", List.of("tenure")));
    await(entered);

    RetrainingOutcome skipped = second.onDrift("", List.of("tenure"));
    assertSkippedNaming(skipped, "replica-a");
    assertThat(skipped.message())
        .contains("since " + clock.instant())
        .contains("until " + clock.instant().plus(TTL));
    assertThat(skipped.runId()).isNull();

    release.countDown();
    assertThat(running.get(60, TimeUnit.SECONDS).status())
        .isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(trainings).hasValue(1);
    assertThat(versions(b)).containsExactly(1);
    assertThat(b.registry().aliases("churn")).containsEntry("champion", 1);
  }

  @Test
  void theMinimumIntervalCountsTheLatestStartOfAnyReplica() {
    RetrainingLoop<Label> first = loop(a, "replica-a", training()).build();
    RetrainingLoop<Label> second = loop(b, "replica-b", training()).build();
    Instant start = clock.instant();
    assertThat(first.onDrift("", List.of("tenure")).status())
        .isEqualTo(RetrainingOutcome.Status.PROMOTED);

    clock.advance(Duration.ofMinutes(30)); // replica b sees the same drift late
    RetrainingOutcome late = second.onDrift("", List.of("tenure"));
    assertSkippedNaming(late, "replica-a");
    assertThat(late.message()).contains("minimum interval").contains("started at " + start);
    assertThat(trainings).hasValue(1);

    clock.advance(Duration.ofMinutes(30));
    assertThat(second.onDrift("", List.of("tenure")).status())
        .isNotEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(trainings).hasValue(2);
    // and now replica a, whose own last start is an hour old, waits for b's interval
    assertSkippedNaming(first.trigger("again"), "replica-b");
  }

  @Test
  void aFinishedRetraining_releasesTheLease() {
    RetrainingLoop<Label> first =
        loop(a, "replica-a", training()).minInterval(Duration.ZERO).build();
    RetrainingLoop<Label> second =
        loop(b, "replica-b", training()).minInterval(Duration.ZERO).build();
    assertThat(first.trigger("one").status()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(second.trigger("two").status()).isNotEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(trainings).hasValue(2);
  }

  /**
   * Replica a hangs in training and never releases its lease: until the TTL passes replica b is
   * turned away; then b takes the lease over and retrains. When a wakes up it finds the lease lost
   * and registers nothing.
   */
  @Test
  void aHolderThatNeverReleases_losesTheLeaseAfterItsTtl() throws Exception {
    CountDownLatch entered = latch(1);
    CountDownLatch release = latch(1);
    RetrainingLoop<Label> hung = loop(a, "replica-a", blocking(entered, release)).build();
    RetrainingLoop<Label> other = loop(b, "replica-b", training()).build();
    Future<RetrainingOutcome> stuck = pool.submit(() -> hung.trigger("hangs"));
    await(entered);

    clock.advance(TTL.minusMillis(1));
    assertSkippedNaming(other.trigger("too early"), "replica-a");
    clock.advance(Duration.ofMillis(1)); // the lease expires now
    clock.advance(Duration.ofHours(1)); // and replica a's start is past the minimum interval
    RetrainingOutcome takeover = other.trigger("takes over");
    assertThat(takeover.status())
        .as(takeover.message())
        .isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(versions(b)).containsExactly(1);

    release.countDown();
    RetrainingOutcome lost = stuck.get(60, TimeUnit.SECONDS);
    assertThat(lost.status()).isEqualTo(RetrainingOutcome.Status.FAILED);
    assertThat(lost.message())
        .contains("lease of 'churn' was lost before registering")
        .contains("nothing registered")
        .contains("champion unchanged");
    assertThat(lost.version()).isNull();
    assertThat(versions(a)).containsExactly(1);
    assertThat(a.registry().aliases("churn")).containsEntry("champion", 1);
  }

  /**
   * Replica a registers its version, then stalls in the promotion check past the TTL; replica b
   * takes the lease and promotes its own version. Replica a must not promote afterwards.
   */
  @Test
  void aLeaseLostAfterRegistering_promotesNothing() throws Exception {
    CountDownLatch checking = latch(1);
    CountDownLatch release = latch(1);
    IntPredicate stalls =
        v -> {
          checking.countDown();
          await(release);
          return true;
        };
    RetrainingLoop<Label> slow = loop(a, "replica-a", training()).promotionCheck(stalls).build();
    RetrainingLoop<Label> other = loop(b, "replica-b", training()).build();
    Future<RetrainingOutcome> stalled = pool.submit(() -> slow.trigger("stalls"));
    await(checking);
    assertThat(versions(b)).containsExactly(1);

    clock.advance(TTL.plus(Duration.ofHours(1)));
    RetrainingOutcome takeover = other.trigger("takes over");
    assertThat(takeover.status())
        .as(takeover.message())
        .isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(takeover.version()).isEqualTo(2);

    release.countDown();
    RetrainingOutcome lost = stalled.get(60, TimeUnit.SECONDS);
    assertThat(lost.status()).isEqualTo(RetrainingOutcome.Status.FAILED);
    assertThat(lost.version()).isEqualTo(1);
    assertThat(lost.message())
        .contains("lease of 'churn' was lost before gating")
        .contains("v1 not promoted");
    assertThat(a.registry().aliases("churn")).containsEntry("champion", 2);
    assertThat(a.registry().auditLog("churn"))
        .filteredOn(e -> "champion".equals(e.alias()))
        .hasSize(1);
  }

  @Test
  void aHostileHolderName_isBoundedAndEscapedInMessages() throws Exception {
    String hostile = "evil\u2028\u202e[31mred" + "x".repeat(RetrainingLease.MAX_HOLDER_LENGTH - 13);
    assertThat(hostile).hasSize(RetrainingLease.MAX_HOLDER_LENGTH);
    CountDownLatch entered = latch(1);
    CountDownLatch release = latch(1);
    RetrainingLoop<Label> first = loop(a, hostile, blocking(entered, release)).build();
    RetrainingLoop<Label> second = loop(b, "replica-b", training()).build();
    Future<RetrainingOutcome> running = pool.submit(() -> first.trigger("hostile"));
    await(entered);

    RetrainingOutcome skipped = second.trigger("bounded");
    assertThat(skipped.status()).isEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(skipped.message())
        .hasSizeLessThan(400)
        .contains("'evil\\u2028\\u202e[31mredxx")
        .contains("(1000 characters)")
        .doesNotContain("\u2028")
        .doesNotContain("\u202e");
    release.countDown();
    assertThat(running.get(60, TimeUnit.SECONDS).status())
        .isEqualTo(RetrainingOutcome.Status.PROMOTED);

    assertThatThrownBy(() -> loop(b, "y".repeat(100_000), training()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1000 characters")
        .hasMessageContaining("(100000 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    assertThatThrownBy(() -> loop(b, "host\n\u001b[2J\u0000" + "z".repeat(500), training()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control characters")
        .hasMessageContaining("'host\\u000a\\u001b[2J\\u0000zz")
        .hasMessageContaining("(510 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("\n"));
    assertThatThrownBy(() -> loop(b, " \t", training()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> loop(b, "b", training()).leaseTtl(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> loop(b, "b", training()).leaseTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A pod that crashes after its retraining and restarts under the same holder name (a
   * StatefulSet's POD_NAME, or {@code host/1} in a container) gets a new loop: it must wait for the
   * shared minimum interval like any other replica instead of retraining on every start.
   */
  @Test
  void aRestartUnderTheSameHolderName_waitsForTheSharedInterval() {
    RetrainingLoop<Label> beforeCrash = loop(a, "pod-0", training()).build();
    Instant start = clock.instant();
    assertThat(beforeCrash.onDrift("", List.of("tenure")).status())
        .isEqualTo(RetrainingOutcome.Status.PROMOTED);

    clock.advance(Duration.ofMinutes(5));
    RetrainingLoop<Label> afterRestart = loop(b, "pod-0", training()).build();
    RetrainingOutcome again = afterRestart.onDrift("", List.of("tenure"));
    assertSkippedNaming(again, "pod-0");
    assertThat(again.message()).contains("started at " + start).contains("minimum interval");
    assertThat(trainings).hasValue(1);
    assertThat(versions(a)).containsExactly(1);

    clock.advance(Duration.ofMinutes(55)); // the interval is over: the restarted loop retrains
    assertThat(afterRestart.onDrift("", List.of("tenure")).status())
        .isNotEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(trainings).hasValue(2);
  }

  /**
   * The monitoring window is 15 minutes and its results may arrive up to 5 minutes late, so the
   * loops use a minimum interval of 20 minutes (docs/validation.md). Every replica sees the drift
   * of the same window and triggers after the first one finished, the last one a restarted replica
   * under its old name: exactly one retraining.
   */
  @Test
  void aDriftSeenByAllReplicas_eachTriggeringAfterTheFirstFinished_retrainsOnce() {
    Duration window = Duration.ofMinutes(15);
    Duration grace = Duration.ofMinutes(5);
    List<RetrainingLoop<Label>> replicas =
        List.of(
            loop(a, "replica-a", training()).minInterval(window.plus(grace)).build(),
            loop(b, "replica-b", training()).minInterval(window.plus(grace)).build(),
            loop(b, "replica-c", training()).minInterval(window.plus(grace)).build(),
            loop(a, "replica-a", training()).minInterval(window.plus(grace)).build());
    List<RetrainingOutcome> outcomes = new ArrayList<>();
    for (RetrainingLoop<Label> r : replicas) {
      outcomes.add(r.onDrift("window 00:00-00:15", List.of("tenure")));
      clock.advance(Duration.ofMinutes(6)); // the last trigger comes 18 minutes after the first
    }
    assertThat(outcomes.get(0).status()).isEqualTo(RetrainingOutcome.Status.PROMOTED);
    assertThat(outcomes.subList(1, outcomes.size()))
        .allSatisfy(o -> assertSkippedNaming(o, "replica-a"));
    assertThat(trainings).hasValue(1);
    assertThat(versions(b)).containsExactly(1);
  }

  /** Writes hostile values into the model's lease row, as a hand edit of the database would. */
  void editRow(String holder, String token, Instant expires, Instant lastStart, String lastHolder) {
    StoreAccess.write(
        a.registry().store(),
        c -> {
          Sql.update(
              c,
              "INSERT INTO retraining_leases (model) VALUES (?) ON CONFLICT (model) DO NOTHING",
              "churn");
          return Sql.update(
              c,
              "UPDATE retraining_leases SET holder = ?, token = ?, acquired_time = ?,"
                  + " expiry_time = ?, last_start = ?, last_holder = ? WHERE model = ?",
              holder,
              token,
              lastStart.toEpochMilli(),
              expires.toEpochMilli(),
              lastStart.toEpochMilli(),
              lastHolder,
              "churn");
        });
  }

  /**
   * Huge hand-edited holder, token and last holder: the lease reads at most a bounded prefix of
   * each (with the full length), and the SKIPPED messages stay short and name the length.
   */
  @Test
  void hugeHandEditedStrings_areReadBoundedAndGiveBoundedMessages() {
    int huge = 3_000_000;
    String big = "h".repeat(huge);
    Instant now = clock.instant();
    editRow(big, "t".repeat(huge), now.plus(TTL), now, "l".repeat(huge));
    RetrainingLease lease = new RetrainingLease(b.registry().store(), "churn", "replica-b", TTL);

    RetrainingLease.Acquisition held = lease.acquire("token-b", now, Duration.ZERO);
    assertThat(held).isInstanceOf(RetrainingLease.Held.class);
    RetrainingLease.Row row = ((RetrainingLease.Held) held).row();
    assertThat(row.holder()).isNotNull();
    assertThat(row.holder().prefix()).hasSizeLessThanOrEqualTo(RetrainingLease.READ_LENGTH);
    assertThat(row.holder().length()).isEqualTo(huge);
    assertThat(row.token()).hasSizeLessThanOrEqualTo(RetrainingLease.READ_LENGTH);
    assertThat(row.lastHolder()).isNotNull();
    assertThat(row.lastHolder().prefix()).hasSizeLessThanOrEqualTo(RetrainingLease.READ_LENGTH);
    assertThat(row.lastHolder().length()).isEqualTo(huge);

    RetrainingLoop<Label> loop = loop(b, "replica-b", training()).build();
    RetrainingOutcome running = loop.trigger("held");
    assertThat(running.status()).isEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(running.message())
        .hasSizeLessThan(400)
        .contains("'" + "h".repeat(100) + "'… (" + huge + " characters)");

    clock.advance(TTL); // the lease expired; the recorded start is within the minimum interval
    RetrainingOutcome soon = loop.trigger("too soon");
    assertThat(soon.status()).isEqualTo(RetrainingOutcome.Status.SKIPPED);
    assertThat(soon.message())
        .hasSizeLessThan(400)
        .contains("'" + "l".repeat(100) + "'… (" + huge + " characters)");
    assertThat(trainings).hasValue(0);
  }

  /**
   * Many threads trigger the loops of both replicas at once; the one that trains waits until every
   * other trigger has returned, so all of them overlap it. Exactly one trains.
   */
  @Test
  void concurrentTriggersOnBothReplicas_trainExactlyOnce() throws Exception {
    int perReplica = 6;
    int others = 2 * perReplica - 1;
    CountDownLatch start = latch(1);
    CountDownLatch returned = latch(others);
    TrainingFunction<Label> train = training();
    TrainingFunction<Label> waitsForTheOthers =
        (data, run) -> {
          await(returned);
          return train.train(data, run);
        };
    RetrainingLoop<Label> first = loop(a, "replica-a", waitsForTheOthers).build();
    RetrainingLoop<Label> second = loop(b, "replica-b", waitsForTheOthers).build();
    List<Future<RetrainingOutcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < 2 * perReplica; i++) {
      RetrainingLoop<Label> loop = i % 2 == 0 ? first : second;
      String reason = "thread " + i;
      outcomes.add(
          pool.submit(
              () -> {
                await(start);
                RetrainingOutcome o = loop.trigger(reason);
                if (o.status() == RetrainingOutcome.Status.SKIPPED) {
                  returned.countDown();
                }
                return o;
              }));
    }
    start.countDown();
    List<RetrainingOutcome> done = new ArrayList<>();
    for (Future<RetrainingOutcome> f : outcomes) {
      done.add(f.get(120, TimeUnit.SECONDS));
    }
    assertThat(trainings).hasValue(1);
    assertThat(done).filteredOn(o -> o.status() == RetrainingOutcome.Status.PROMOTED).hasSize(1);
    assertThat(done)
        .filteredOn(o -> o.status() == RetrainingOutcome.Status.SKIPPED)
        .hasSize(others);
    assertThat(done)
        .filteredOn(o -> o.status() == RetrainingOutcome.Status.SKIPPED)
        .allSatisfy(
            o ->
                assertThat(o.message())
                    .containsAnyOf("is already running", "is running on replica 'replica-"));
    assertThat(versions(a)).containsExactly(1);
  }
}
