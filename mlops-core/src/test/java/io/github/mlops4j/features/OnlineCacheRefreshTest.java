package io.github.mlops4j.features;

import static io.github.mlops4j.features.FeatureStoreContract.AVG;
import static io.github.mlops4j.features.FeatureStoreContract.customerStats;
import static io.github.mlops4j.features.FeatureStoreContract.map;
import static io.github.mlops4j.features.FeatureStoreContract.stats;
import static io.github.mlops4j.features.FeatureStoreContract.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refresh-ahead of the online cache: a second feature store over the same workspace and online
 * store plays another process whose writes this store's cache does not see until it re-reads. The
 * refresh executor only queues tasks, so a lookup that returns while its reload is still queued has
 * provably not waited for it; the test runs the queue when it chooses.
 */
class OnlineCacheRefreshTest {
  @TempDir Path temp;
  private final MutableClock clock = new MutableClock(t(10_000));
  private final InMemoryOnlineStore online = new InMemoryOnlineStore();
  private final QueuedExecutor refreshes = new QueuedExecutor();
  private FeatureStore features;
  private FeatureStore other;

  /** Holds submitted tasks until {@link #runAll()}. */
  static final class QueuedExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

    private @Nullable Runnable rejectNext;

    @Override
    public void execute(Runnable task) {
      Runnable reject;
      synchronized (this) {
        reject = rejectNext;
        rejectNext = null;
        if (reject == null) {
          tasks.add(task);
          return;
        }
      }
      reject.run();
      throw new RejectedExecutionException("refresh executor is shut down");
    }

    /** Rejects the next task, after running {@code during} on the submitting thread. */
    synchronized void rejectNext(Runnable during) {
      rejectNext = during;
    }

    synchronized int size() {
      return tasks.size();
    }

    void runAll() {
      while (true) {
        Runnable r;
        synchronized (this) {
          r = tasks.poll();
        }
        if (r == null) {
          return;
        }
        r.run();
      }
    }
  }

  @BeforeEach
  void open() {
    features =
        FeatureStore.builder()
            .workspace(temp.resolve("ws"))
            .onlineStore(online)
            .clock(clock)
            .cacheMaxStaleness(Duration.ofSeconds(60))
            .cacheRefreshExecutor(refreshes)
            .build();
    features.apply(customerStats(Duration.ZERO));
    other =
        FeatureStore.builder()
            .workspace(temp.resolve("ws"))
            .onlineStore(online)
            .clock(clock)
            .build();
    other.refresh();
    writeElsewhere("c1", 9_000, 1.0);
    writeElsewhere("c2", 9_000, 10.0);
  }

  @AfterEach
  void close() {
    other.close();
    features.close();
  }

  /** A write and materialization by the other store, unseen by this store's cache. */
  private void writeElsewhere(String customer, long event, double avg) {
    other.write("customer_stats", List.of(stats(customer, event, event, avg, 1L)));
    other.materialize(clock.instant());
  }

  private Object avg(String customer) {
    return features.online(Map.of("customer_id", customer), List.of(AVG)).get(0, AVG);
  }

  @Test
  void aStaleEntryIsServedAtOnceAndReloadedInTheBackground() {
    assertThat(avg("c1")).isEqualTo(1.0);
    int reads = online.reads.get();
    clock.advance(Duration.ofSeconds(20));
    writeElsewhere("c1", 10_010, 2.0);
    assertThat(avg("c1")).isEqualTo(1.0); // younger than refreshAfter (30 s): cached, no reload
    assertThat(refreshes.size()).isZero();

    clock.advance(Duration.ofSeconds(20)); // 40 s old: past refreshAfter, within maxStaleness
    assertThat(avg("c1")).isEqualTo(1.0); // served from the cache, reload only queued
    assertThat(online.reads.get()).isEqualTo(reads);
    assertThat(refreshes.size()).isEqualTo(1);
    assertThat(avg("c1")).isEqualTo(1.0); // one reload per key at a time
    assertThat(refreshes.size()).isEqualTo(1);

    refreshes.runAll();
    assertThat(online.reads.get()).isEqualTo(reads + 1);
    assertThat(avg("c1")).isEqualTo(2.0);
    assertThat(refreshes.size()).isZero();
  }

  @Test
  void reloadsDueTogetherAreOneBulkRead() {
    features.online(
        List.of(Map.of("customer_id", "c1"), Map.of("customer_id", "c2")), List.of(AVG));
    int reads = online.reads.get();
    clock.advance(Duration.ofSeconds(40));
    writeElsewhere("c1", 10_030, 2.0);
    writeElsewhere("c2", 10_030, 20.0);
    OnlineFeatures stale =
        features.online(
            List.of(Map.of("customer_id", "c1"), Map.of("customer_id", "c2")), List.of(AVG));
    assertThat(stale.get(0, AVG)).isEqualTo(1.0);
    assertThat(stale.get(1, AVG)).isEqualTo(10.0);
    assertThat(refreshes.size()).isEqualTo(1);

    refreshes.runAll();
    assertThat(online.reads.get()).isEqualTo(reads + 1);
    assertThat(avg("c1")).isEqualTo(2.0);
    assertThat(avg("c2")).isEqualTo(20.0);
  }

  @Test
  void aFailedReloadKeepsTheOldValueAndIsCounted() {
    assertThat(avg("c1")).isEqualTo(1.0);
    clock.advance(Duration.ofSeconds(40));
    writeElsewhere("c1", 10_030, 2.0);
    online.failReads = true;
    assertThat(avg("c1")).isEqualTo(1.0);
    refreshes.runAll();
    assertThat(features.freshness("customer_stats").cacheRefreshFailures()).isEqualTo(1);
    assertThat(avg("c1")).isEqualTo(1.0); // the old value is kept; the next reload is queued
    assertThat(features.freshness("customer_stats").present()).isEqualTo(3);

    online.failReads = false;
    refreshes.runAll();
    assertThat(avg("c1")).isEqualTo(2.0);
    assertThat(features.freshness("customer_stats").cacheRefreshFailures()).isEqualTo(1);
  }

  @Test
  void anEntryPastMaxStalenessIsStillReadOnTheCallersThread() {
    assertThat(avg("c1")).isEqualTo(1.0);
    clock.advance(Duration.ofSeconds(60).plusNanos(1));
    writeElsewhere("c1", 10_030, 2.0);
    int reads = online.reads.get();
    assertThat(avg("c1")).isEqualTo(2.0); // never older than the bound, whatever the executor does
    assertThat(online.reads.get()).isEqualTo(reads + 1);
    assertThat(refreshes.size()).isZero();

    clock.advance(Duration.ofSeconds(61));
    online.failReads = true; // as without refresh: the caller sees the store's failure
    assertThatThrownBy(() -> avg("c1")).hasMessageContaining("online store is down");
  }

  @Test
  void aWriteOfThisStoreWinsOverAQueuedReload() {
    assertThat(avg("c1")).isEqualTo(1.0);
    clock.advance(Duration.ofSeconds(40));
    assertThat(avg("c1")).isEqualTo(1.0);
    assertThat(refreshes.size()).isEqualTo(1);
    features.write("customer_stats", List.of(stats("c1", 10_030, 10_030, 3.0, 1L)));
    features.materialize(clock.instant());
    assertThat(avg("c1")).isEqualTo(3.0);
    refreshes.runAll();
    assertThat(avg("c1")).isEqualTo(3.0);
  }

  @Test
  void aRejectedDrainFailsEveryQueuedReloadSoRefreshGoesOn() {
    assertThat(avg("c1")).isEqualTo(1.0);
    assertThat(avg("c2")).isEqualTo(10.0);
    clock.advance(Duration.ofSeconds(40));
    writeElsewhere("c2", 10_030, 20.0);
    // the executor rejects the drain task; while it is being offered, c2's reload is queued too
    refreshes.rejectNext(() -> assertThat(avg("c2")).isEqualTo(10.0));
    assertThat(avg("c1")).isEqualTo(1.0);
    assertThat(refreshes.size()).isZero();

    assertThat(avg("c2")).isEqualTo(10.0); // a new reload of c2 is started and runs
    assertThat(refreshes.size()).isEqualTo(1);
    refreshes.runAll();
    assertThat(avg("c2")).isEqualTo(20.0);
    assertThat(features.freshness("customer_stats").cacheRefreshFailures()).isEqualTo(2);
  }

  @Test
  void anErrorInOneViewsReloadStillCompletesTheOtherViewsReloads() {
    // applied after customer_stats: a higher id, so its reloads are drained after customer_stats'
    features.apply(
        FeatureView.builder("later")
            .entity("customer_id", ValueType.STRING)
            .feature("x", ValueType.DOUBLE)
            .build());
    other.refresh();
    writeLater(5.0);
    assertThat(later()).isEqualTo(5.0);
    assertThat(avg("c1")).isEqualTo(1.0);
    clock.advance(Duration.ofSeconds(40));
    writeLater(6.0);
    assertThat(later()).isEqualTo(5.0);
    assertThat(avg("c1")).isEqualTo(1.0);
    assertThat(refreshes.size()).isEqualTo(1); // one drain for both views

    online.errorOnView = "customer_stats";
    assertThatThrownBy(refreshes::runAll).isInstanceOf(AssertionError.class);
    online.errorOnView = null;
    assertThat(later()).isEqualTo(6.0); // reloaded although customer_stats' reload threw
    assertThat(features.freshness("customer_stats").cacheRefreshFailures()).isEqualTo(1);
  }

  private void writeLater(double x) {
    long now = clock.instant().getEpochSecond() - t(0).getEpochSecond();
    other.write(
        "later", List.of(FeatureRow.of(Map.of("customer_id", "c1"), t(now), t(now), map("x", x))));
    other.materialize(clock.instant());
  }

  private Object later() {
    return features.online(Map.of("customer_id", "c1"), List.of("later:x")).get(0, "later:x");
  }

  @Test
  void refreshAheadCanBeTurnedOff() {
    try (FeatureStore noRefresh =
        FeatureStore.builder()
            .workspace(temp.resolve("ws"))
            .onlineStore(online)
            .clock(clock)
            .cacheMaxStaleness(Duration.ofSeconds(60))
            .cacheRefreshAfter(Duration.ZERO)
            .cacheRefreshExecutor(refreshes)
            .build()) {
      noRefresh.refresh();
      Map<String, String> c1 = Map.of("customer_id", "c1");
      assertThat(noRefresh.online(c1, List.of(AVG)).get(0, AVG)).isEqualTo(1.0);
      clock.advance(Duration.ofSeconds(40));
      writeElsewhere("c1", 10_030, 2.0);
      assertThat(noRefresh.online(c1, List.of(AVG)).get(0, AVG)).isEqualTo(1.0);
      assertThat(refreshes.size()).isZero();
    }
    assertThatThrownBy(() -> FeatureStore.builder().cacheRefreshAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheRefreshAfter");
  }
}
