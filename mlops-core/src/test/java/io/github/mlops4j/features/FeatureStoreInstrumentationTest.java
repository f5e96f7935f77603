package io.github.mlops4j.features;

import static io.github.mlops4j.features.FeatureStoreContract.AVG;
import static io.github.mlops4j.features.FeatureStoreContract.ORDERS;
import static io.github.mlops4j.features.FeatureStoreContract.customerStats;
import static io.github.mlops4j.features.FeatureStoreContract.stats;
import static io.github.mlops4j.features.FeatureStoreContract.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FeatureStore#cacheStats()} and the {@link FeatureLookupObserver} of online reads. */
class FeatureStoreInstrumentationTest {
  @TempDir Path temp;
  private final MutableClock clock = new MutableClock(t(10_000));
  private final InMemoryOnlineStore online = new InMemoryOnlineStore();
  private final Recorder recorder = new Recorder();
  private FeatureStore features;

  /** What the observer saw, one line per call. */
  static final class Recorder implements FeatureLookupObserver {
    final List<String> calls = new ArrayList<>();
    final List<List<String>> viewLists = new ArrayList<>();
    @Nullable RuntimeException failOnEnd;

    @Override
    public synchronized Object onStart(List<String> views, int rows) {
      viewLists.add(views);
      calls.add("start " + views + " " + rows);
      return "ctx" + calls.size();
    }

    @Override
    public synchronized void onEnd(
        @Nullable Object context, @Nullable FeatureStatus outcome, @Nullable Throwable error) {
      calls.add(
          "end "
              + context
              + " "
              + outcome
              + " "
              + (error == null ? null : error.getClass().getSimpleName()));
      RuntimeException fail = failOnEnd;
      if (fail != null) {
        throw fail;
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
            .cacheRefreshAfter(Duration.ZERO)
            .lookupObserver(recorder)
            .build();
    features.apply(customerStats(Duration.ofSeconds(100)));
    features.write(
        "customer_stats",
        List.of(
            stats("c1", 9_990, 9_990, 1.0, 1L),
            stats("c2", 9_990, 9_990, null, 2L),
            stats("old", 5_000, 5_000, 3.0, 3L)));
    features.materialize(clock.instant());
    recorder.calls.clear();
  }

  @AfterEach
  void close() {
    features.close();
  }

  private static Map<String, String> customer(String id) {
    return Map.of("customer_id", id);
  }

  @Test
  void cacheStatsCountEachEntityRequestOnce() {
    assertThat(features.cacheStats())
        .isEqualTo(new FeatureCacheStats(0, 0, 0, 0, Duration.ZERO, 0, 0));
    assertThat(features.cacheStats().hitRate()).isEqualTo(1.0);

    features.online(customer("c1"), List.of(AVG)); // miss, one load
    features.online(customer("c1"), List.of(AVG, ORDERS)); // hit
    FeatureCacheStats s = features.cacheStats();
    assertThat(s.hits()).isEqualTo(1);
    assertThat(s.misses()).isEqualTo(1);
    assertThat(s.loadSuccesses()).isEqualTo(1);
    assertThat(s.size()).isEqualTo(1);

    // a multi-row read: c1 cached, c2 and c3 missing and bulk-loaded once
    features.online(List.of(customer("c1"), customer("c2"), customer("c3")), List.of(AVG));
    s = features.cacheStats();
    assertThat(s.hits()).isEqualTo(2);
    assertThat(s.misses()).isEqualTo(3);
    assertThat(s.requests()).isEqualTo(5);
    assertThat(s.loadSuccesses()).isEqualTo(2);
    assertThat(s.size()).isEqualTo(3);
    assertThat(s.hitRate()).isEqualTo(0.4);

    int reads = online.reads.get();
    features.online(List.of(customer("c2"), customer("c3")), List.of(AVG));
    assertThat(online.reads.get()).isEqualTo(reads); // all cached
    assertThat(features.cacheStats().hits()).isEqualTo(4);
    assertThat(features.cacheStats().misses()).isEqualTo(3);
  }

  @Test
  void cacheStatsCountFailedLoadsAndEvictions() {
    online.failReads = true;
    assertThatThrownBy(() -> features.online(customer("c1"), List.of(AVG)))
        .isInstanceOf(IllegalStateException.class);
    online.failReads = false;
    assertThat(features.cacheStats().loadFailures()).isEqualTo(1);
    assertThat(features.cacheStats().misses()).isEqualTo(1);

    features.online(customer("c1"), List.of(AVG));
    clock.advance(Duration.ofMinutes(2)); // past the default staleness bound of 1 min
    features.online(customer("c1"), List.of(AVG)); // expired: a miss, and the old entry evicted
    FeatureCacheStats s = features.cacheStats();
    assertThat(s.misses()).isEqualTo(3);
    assertThat(s.hits()).isZero();
    assertThat(s.evictions()).isEqualTo(1);
  }

  @Test
  void cacheStatsRejectNegativeNumbers() {
    assertThatThrownBy(() -> new FeatureCacheStats(-1, 0, 0, 0, Duration.ZERO, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void theObserverSeesEachReadWithItsViewsAndOutcome() {
    features.online(customer("c1"), List.of(AVG, ORDERS));
    features.online(customer("c2"), List.of(AVG)); // its avg is null
    features.online(List.of(customer("c1"), customer("nobody")), List.of(ORDERS));
    features.online(customer("old"), List.of(AVG)); // older than the TTL
    features.online(List.of(customer("old"), customer("nobody")), List.of(AVG));

    assertThat(recorder.calls)
        .containsExactly(
            "start [customer_stats] 1",
            "end ctx1 PRESENT null",
            "start [customer_stats] 1",
            "end ctx3 NULL_VALUE null",
            "start [customer_stats] 2",
            "end ctx5 NOT_FOUND null",
            "start [customer_stats] 1",
            "end ctx7 EXPIRED null",
            "start [customer_stats] 2",
            "end ctx9 NOT_FOUND null");
    // one list per plan: an observer may cache what it derives from it
    assertThat(recorder.viewLists.get(1)).isSameAs(recorder.viewLists.get(3));
  }

  @Test
  void aFailedReadIsObservedWithItsError() {
    assertThatThrownBy(() -> features.online(Map.of("other", "x"), List.of(AVG)))
        .isInstanceOf(FeatureDataException.class);
    online.failReads = true;
    assertThatThrownBy(() -> features.online(customer("c1"), List.of(AVG)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(recorder.calls)
        .containsExactly(
            "start [customer_stats] 1",
            "end ctx1 null FeatureDataException",
            "start [customer_stats] 1",
            "end ctx3 null IllegalStateException");
  }

  @Test
  void readsOfUnknownFeaturesAreNotObserved() {
    assertThatThrownBy(() -> features.online(customer("c1"), List.of("nope:x")))
        .isInstanceOf(UnknownFeatureException.class);
    assertThat(recorder.calls).isEmpty();
  }

  @Test
  void aFailingObserverNeverChangesTheResult() {
    recorder.failOnEnd = new IllegalStateException("observer broke");
    assertThat(features.online(customer("c1"), List.of(AVG)).get(0, AVG)).isEqualTo(1.0);
    online.failReads = true;
    assertThatThrownBy(() -> features.online(customer("c2"), List.of(AVG)))
        .hasMessage("online store is down");
  }

  @Test
  void theBuilderRefusesANullObserver() {
    assertThatThrownBy(() -> FeatureStore.builder().lookupObserver(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("lookupObserver");
  }
}
