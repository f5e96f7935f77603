package io.github.mlops4j.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.governance.ReadAuditEntry.Outcome;
import io.github.mlops4j.testing.MutableClock;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read audit's queue, sampling, failures and bounds, with in-memory sinks. */
class ReadAuditTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration SAFETY = Duration.ofSeconds(30);

  @TempDir Path temp;

  private static DataOperation read(String run) {
    return new DataOperation(DataAction.RUN_READ, "alice", List.of(run), 0);
  }

  /** The indexes of the reads a read audit with this seed and rate keeps, of {@code n}. */
  private static List<Integer> kept(long seed, double rate, int n) {
    List<ReadAuditEntry> got = new CopyOnWriteArrayList<>();
    try (ReadAudit audit =
        ReadAudit.builder().sink(got::addAll).sampleRate(rate).seed(seed).build()) {
      for (int i = 0; i < n; i++) {
        audit.record(read("run" + i), Outcome.SUCCEEDED);
      }
      assertThat(audit.flush(SAFETY)).isTrue();
      assertThat(audit.sampledOutEntries() + audit.writtenEntries()).isEqualTo(n);
    }
    List<Integer> out = new ArrayList<>();
    for (ReadAuditEntry e : got) {
      out.add(Integer.parseInt(e.subjects().get(0).substring(3)));
    }
    return out;
  }

  @Test
  void sampling_keepsAboutTheRate_andTheSameReadsUnderTheSameSeed() {
    List<Integer> first = kept(42, 0.25, 4_000);
    assertThat(kept(42, 0.25, 4_000)).isEqualTo(first);
    assertThat(kept(43, 0.25, 4_000)).isNotEqualTo(first);
    // Binomial(4000, 0.25): mean 1000, sd 27.4; the count is fixed by the seed, the bound is 5 sd
    assertThat(first.size()).isBetween(863, 1137);
    assertThat(kept(42, 1.0, 500)).hasSize(500);
  }

  @Test
  void sampling_neverLeavesOutARefusal() {
    List<ReadAuditEntry> got = new CopyOnWriteArrayList<>();
    try (ReadAudit audit =
        ReadAudit.builder().sink(got::addAll).sampleRate(Double.MIN_VALUE).seed(1).build()) {
      for (int i = 0; i < 100; i++) {
        audit.record(read("r" + i), Outcome.SUCCEEDED);
        audit.record(read("d" + i), Outcome.DENIED);
      }
      assertThat(audit.flush(SAFETY)).isTrue();
    }
    assertThat(got).hasSize(100).allMatch(e -> e.outcome() == Outcome.DENIED);
  }

  @Test
  void aFullQueue_dropsAndCounts_withoutBlockingTheReader() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<ReadAuditEntry> got = new CopyOnWriteArrayList<>();
    try (ReadAudit audit =
        ReadAudit.builder()
            .queueCapacity(2)
            .maxBatch(1)
            .sink(
                batch -> {
                  entered.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  got.addAll(batch);
                })
            .build()) {
      audit.record(read("first"), Outcome.SUCCEEDED);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue(); // the sink holds "first"
      for (int i = 0; i < 7; i++) {
        audit.record(read("next" + i), Outcome.SUCCEEDED); // returns although the sink is stuck
      }
      assertThat(audit.pendingEntries()).isEqualTo(2);
      assertThat(audit.droppedEntries()).isEqualTo(5);
      assertThat(audit.flush(Duration.ZERO)).isFalse();
      release.countDown();
      assertThat(audit.flush(SAFETY)).isTrue();
      assertThat(audit.writtenEntries()).isEqualTo(3);
    }
    assertThat(got).extracting(e -> e.subjects().get(0)).containsExactly("first", "next0", "next1");
  }

  @Test
  void aFailingSink_losesThatBatchOnly_andCountsIt() {
    List<ReadAuditEntry> got = new CopyOnWriteArrayList<>();
    CountDownLatch once = new CountDownLatch(1);
    try (ReadAudit audit =
        ReadAudit.builder()
            .maxBatch(1)
            .sink(
                batch -> {
                  if (once.getCount() > 0) {
                    once.countDown();
                    throw new IllegalStateException("SIEM unreachable");
                  }
                  got.addAll(batch);
                })
            .build()) {
      audit.record(read("lost"), Outcome.SUCCEEDED);
      audit.record(read("kept"), Outcome.SUCCEEDED);
      assertThat(audit.flush(SAFETY)).isTrue();
      assertThat(audit.failedEntries()).isEqualTo(1);
      assertThat(audit.writtenEntries()).isEqualTo(1);
    }
    assertThat(got).extracting(e -> e.subjects().get(0)).containsExactly("kept");
  }

  @Test
  void close_dropsWhatTheSinkCouldNotTakeInTime_andLaterReadsAreCounted() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ReadAudit audit =
        ReadAudit.builder()
            .maxBatch(1)
            .sink(
                batch -> {
                  entered.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                })
            .build();
    try {
      audit.record(read("a"), Outcome.SUCCEEDED);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      audit.record(read("b"), Outcome.SUCCEEDED);
      audit.record(read("c"), Outcome.SUCCEEDED);
      audit.close(Duration.ofMillis(1)); // the sink is held: b and c cannot be written
      assertThat(audit.droppedEntries()).isEqualTo(2);
      audit.record(read("d"), Outcome.SUCCEEDED);
      assertThat(audit.droppedEntries()).isEqualTo(3);
    } finally {
      release.countDown();
    }
  }

  @Test
  void entries_takeTheirTimeFromTheClock_andBoundHostileActorsAndSubjects() {
    List<ReadAuditEntry> got = new CopyOnWriteArrayList<>();
    MutableClock clock = new MutableClock(NOW);
    String forged = "mallory\nread-audit 2026-01-01 actor=admin\u2028\u0000";
    String huge = "x".repeat(1_000_000);
    try (ReadAudit audit = ReadAudit.builder().sink(got::addAll).clock(clock).build()) {
      audit.record(
          new DataOperation(DataAction.RUN_READ, forged, List.of(huge), 0), Outcome.FAILED);
      clock.advance(Duration.ofSeconds(5));
      List<String> many = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        many.add("v" + i);
      }
      audit.record(
          new DataOperation(DataAction.FEATURE_READ_ONLINE, huge, many, 3), Outcome.SUCCEEDED);
      assertThat(audit.flush(SAFETY)).isTrue();
    }
    assertThat(got).hasSize(2);
    ReadAuditEntry first = got.get(0);
    assertThat(first.time()).isEqualTo(NOW);
    assertThat(first.actor())
        .isEqualTo("mallory\\u000Aread-audit 2026-01-01 actor=admin\\u2028\\u0000")
        .doesNotContain("\n");
    assertThat(first.subjects().get(0)).hasSizeLessThan(340).endsWith("(1000000 chars)");
    assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
    ReadAuditEntry second = got.get(1);
    assertThat(second.time()).isEqualTo(NOW.plusSeconds(5));
    assertThat(second.actor()).hasSizeLessThan(240).endsWith("(1000000 chars)");
    assertThat(second.subjects()).hasSize(50).startsWith("v0").endsWith("v49");
    assertThat(second.entityCount()).isEqualTo(3);
  }

  @Test
  void aHostileActor_getsABoundedDenial_andABoundedEntry() throws Exception {
    List<ReadAuditEntry> got = new CopyOnWriteArrayList<>();
    String actor = "eve\r\nERROR admin logged in" + "y".repeat(500_000);
    try (ReadAudit audit = ReadAudit.builder().sink(got::addAll).build();
        Tracker tracker =
            Tracker.builder()
                .workspace(temp.resolve("ws"))
                .captureEnvironment(false)
                .accessPolicy(
                    op -> {
                      if (op.action() == DataAction.RUN_READ) {
                        throw new DataAccessDeniedException(op, "no\nreads " + "z".repeat(9_000));
                      }
                    })
                .actor(() -> actor)
                .readAudit(audit)
                .build();
        Run run = tracker.startRun("exp")) {
      assertThatThrownBy(() -> tracker.findRun(run.id()))
          .isInstanceOfSatisfying(
              DataAccessDeniedException.class,
              e -> {
                assertThat(e.operation().actor()).isEqualTo(actor); // the policy sees it whole
                assertThat(e.getMessage())
                    .hasSizeLessThan(1_000)
                    .doesNotContain("\n", "\r")
                    .startsWith("Access denied: 'eve\\u000D\\u000AERROR admin logged in")
                    .contains("(500026 chars)' may not RUN_READ on '" + run.id() + "'")
                    .contains(": no\\u000Areads zzz")
                    .endsWith("(9009 chars)");
              });
      assertThat(audit.flush(SAFETY)).isTrue();
    }
    assertThat(got)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).hasSizeLessThan(240).doesNotContain("\n", "\r");
              assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
            });
  }

  @Test
  void writes_areNotReadAudited_andTheBuilderChecksItsSettings() {
    try (ReadAudit audit = ReadAudit.builder().sink(ReadAuditSink.logging()).build()) {
      assertThatThrownBy(
              () ->
                  audit.record(
                      new DataOperation(DataAction.RUN_WRITE, "a", List.of(), 0),
                      Outcome.SUCCEEDED))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("RUN_WRITE is a write");
    }
    assertThatThrownBy(() -> ReadAudit.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("ReadAudit.Builder: sink is required; call sink(ReadAuditSink)");
    assertThatThrownBy(() -> ReadAudit.builder().sampleRate(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sampleRate");
    assertThatThrownBy(() -> ReadAudit.builder().queueCapacity(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLoggingSink_writesOneEscapedLinePerEntry() {
    // slf4j-simple writes to stderr in tests; this checks the sink takes every entry
    try (ReadAudit audit = ReadAudit.builder().sink(ReadAuditSink.logging()).build()) {
      audit.record(read("r1"), Outcome.SUCCEEDED);
      assertThat(audit.flush(SAFETY)).isTrue();
      assertThat(audit.writtenEntries()).isEqualTo(1);
      assertThat(audit.failedEntries()).isZero();
    }
  }
}
