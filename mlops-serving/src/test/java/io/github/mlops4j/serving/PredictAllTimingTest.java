package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.internal.BatchAccess;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import io.github.mlops4j.serving.testing.CountingModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The time of a batch as the meters, the canary and the deadline see it: each version group's model
 * call is timed on its own, and the service timeout bounds each call, not the whole list. Time is a
 * fake ticker moved by the test while a real (counting) model's batch call is held at a latch.
 */
class PredictAllTimingTest {
  static final long MS = 1_000_000L;

  @TempDir Path dir;
  CountingModels loader;
  ModelRegistry registry;
  final AtomicLong now = new AtomicLong();
  final ServingMetersSpiTest.Recording meters = new ServingMetersSpiTest.Recording();
  final ExecutorService caller = Executors.newSingleThreadExecutor();

  @BeforeEach
  void open() {
    loader = new CountingModels();
    registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build();
    for (int rule = 0; rule < 2; rule++) {
      registry.register(
          "churn", loader.artifact(dir, "rule" + rule, TestModels.classifier(rule)), null);
    }
  }

  @AfterEach
  void close() {
    caller.shutdownNow();
    registry.close();
  }

  InferenceService.Builder builder() {
    InferenceService.Builder b =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .version(1)
            .ignoreFields("user")
            .meters(meters);
    b.ticker = now::get;
    return b;
  }

  /**
   * {@code n} requests, those routed to the primary first, so that its group is predicted first.
   */
  static List<Map<String, Object>> primaryFirst(Routing routing, int n) {
    List<Map<String, Object>> primary = new ArrayList<>();
    List<Map<String, Object>> canary = new ArrayList<>();
    for (Map<String, Object> r : PredictAllBatchTest.rows(n)) {
      (routing.inCanary(Routing.unitHash((String) r.get("user"))) ? canary : primary).add(r);
    }
    assertThat(primary).hasSizeGreaterThan(10);
    assertThat(canary).hasSizeGreaterThan(10);
    primary.addAll(canary);
    return primary;
  }

  static void awaitEntered(CountDownLatch entered) throws InterruptedException {
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCanaryGroup_isNotChargedThePrimaryGroupsTime() throws Exception {
    Routing routing =
        Routing.canary(
                Target.version(2),
                50,
                CanaryPolicy.defaults().maxP99(Duration.ofMillis(50)).window(20, 10))
            .stickyBy("user");
    try (InferenceService s = builder().routing(routing).build()) {
      List<Map<String, Object>> requests = primaryFirst(routing, 100);
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch proceed = new CountDownLatch(1);
      loader.loaded.get(1).holdNextBatch(entered, proceed);

      Future<List<Prediction>> call = caller.submit(() -> s.predictAll(requests));
      awaitEntered(entered);
      now.addAndGet(200 * MS); // the primary's model call takes 200 ms, the canary's none
      proceed.countDown();
      List<Prediction> all = call.get(30, TimeUnit.SECONDS);
      s.refresh(Duration.ofSeconds(30)); // runs after any rollback the batch queued

      assertThat(s.canaryActive()).isTrue();
      assertThat(meters.count("churn canary rollbacks")).isZero();
      assertThat(meters.latencies("churn v2 canary ok")).hasSizeGreaterThan(10).containsOnly(0L);
      assertThat(meters.latencies("churn v1 primary ok")).containsOnly(200 * MS);
      // what the caller waited for is still each prediction's latency
      assertThat(all).extracting(Prediction::latency).containsOnly(Duration.ofMillis(200));
    }
  }

  @Test
  void theTimeoutBoundsEachModelCall_notTheWholeList() throws Exception {
    Routing routing = Routing.canary(Target.version(2), 50, CanaryPolicy.defaults());
    routing = routing.stickyBy("user");
    try (InferenceService s = builder().routing(routing).timeout(Duration.ofMillis(50)).build()) {
      List<Map<String, Object>> requests = primaryFirst(routing, 100);
      CountDownLatch entered1 = new CountDownLatch(1);
      CountDownLatch proceed1 = new CountDownLatch(1);
      CountDownLatch entered2 = new CountDownLatch(1);
      CountDownLatch proceed2 = new CountDownLatch(1);
      loader.loaded.get(1).holdNextBatch(entered1, proceed1);
      loader.loaded.get(2).holdNextBatch(entered2, proceed2);

      Future<List<Prediction>> call = caller.submit(() -> s.predictAll(requests));
      awaitEntered(entered1);
      now.addAndGet(40 * MS); // each call within the 50 ms timeout, the two together beyond it
      proceed1.countDown();
      awaitEntered(entered2);
      now.addAndGet(40 * MS);
      proceed2.countDown();
      List<Prediction> all = call.get(30, TimeUnit.SECONDS);

      assertThat(all).hasSize(100);
      assertThat(meters.count("churn v2 canary deadline")).isZero();
      assertThat(meters.latencies("churn v2 canary ok")).containsOnly(40 * MS);
    }
  }

  @Test
  void aLongList_isNotRefusedBecauseReadingItTakesLongerThanTheTimeout() {
    try (InferenceService s = builder().timeout(Duration.ofMillis(50)).build()) {
      List<Map<String, Object>> requests = new ArrayList<>();
      for (Map<String, Object> r : PredictAllBatchTest.rows(200)) {
        requests.add(slow(r)); // reading each request takes 1 ms: 200 ms for the list
      }

      List<Prediction> all = s.predictAll(requests);

      assertThat(all).hasSize(200);
      assertThat(loader.loaded.get(1).batchSizes).containsExactly(200);
      assertThat(meters.count("churn v1 primary ok")).isEqualTo(200);
    }
  }

  @Test
  void aModelCallLongerThanTheTimeout_stillFailsItsRows() throws Exception {
    try (InferenceService s = builder().timeout(Duration.ofMillis(50)).build()) {
      List<Map<String, Object>> requests = PredictAllBatchTest.rows(20);
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch proceed = new CountDownLatch(1);
      loader.loaded.get(1).holdNextBatch(entered, proceed);

      Future<List<BatchAccess.RowResult>> call =
          caller.submit(() -> BatchAccess.predictEach(s, requests));
      awaitEntered(entered);
      now.addAndGet(60 * MS);
      proceed.countDown();
      List<BatchAccess.RowResult> rows = call.get(30, TimeUnit.SECONDS);

      assertThat(rows)
          .allSatisfy(
              r ->
                  assertThat(r.error())
                      .isInstanceOf(DeadlineExceededException.class)
                      .hasMessageContaining("while it was predicted"));
      assertThat(meters.latencies("churn v1 primary deadline")).hasSize(20).containsOnly(60 * MS);
    }
  }

  @Test
  void aRefusedBatch_countsOneOverloadedCall() throws Exception {
    try (InferenceService s = builder().maxConcurrency(1).build()) {
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Future<Prediction> held =
          caller.submit(
              () -> s.predict(new BlockingRequest(TestModels.request(1, 1, 1), inside, release)));
      try {
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> s.predictAll(PredictAllBatchTest.rows(500)))
            .isInstanceOf(OverloadedException.class);
        List<BatchAccess.RowResult> rows =
            BatchAccess.predictEach(s, PredictAllBatchTest.rows(300));

        assertThat(rows)
            .allSatisfy(r -> assertThat(r.error()).isInstanceOf(OverloadedException.class));
        assertThat(meters.count("churn v1 primary overloaded")).isEqualTo(2);
      } finally {
        release.countDown();
      }
      assertThat(held.get(30, TimeUnit.SECONDS).output()).isEqualTo("yes");
    }
  }

  /** {@code values}, whose every reading moves the fake ticker 1 ms. */
  Map<String, Object> slow(Map<String, Object> values) {
    return new AbstractMap<>() {
      @Override
      public Set<Entry<String, Object>> entrySet() {
        now.addAndGet(MS);
        return values.entrySet();
      }
    };
  }
}
