package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.internal.BatchAccess;
import io.github.mlops4j.serving.routing.Arm;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Shadow;
import io.github.mlops4j.serving.routing.Target;
import io.github.mlops4j.serving.testing.CountingModels;
import io.github.mlops4j.serving.testing.CountingModels.Counting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * {@code predictAll} predicts a list in one model call per version the requests were routed to,
 * while each request keeps the routing, validation, ids, events and shadow of {@code predict}. The
 * models are real Tribuo logistic regressions wrapped in a counting model.
 */
class PredictAllBatchTest {
  @TempDir Path dir;
  CountingModels loader;
  ModelRegistry registry;
  final List<Model<Label>> models = new ArrayList<>();

  @BeforeEach
  void open() {
    loader = new CountingModels();
    registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build();
    for (int rule = 0; rule < 4; rule++) {
      Model<Label> m = TestModels.classifier(rule);
      models.add(m);
      registry.register("churn", loader.artifact(dir, "rule" + rule, m), null);
    }
  }

  @AfterEach
  void close() {
    registry.close();
  }

  static Map<String, Object> row(int i) {
    Map<String, Object> r =
        TestModels.request(
            ((i * 37) % 21 - 10) / 5.0, ((i * 11) % 17 - 8) / 4.0, (i % 7 - 3) / 2.0);
    r.put("user", "u-" + i);
    return r;
  }

  static List<Map<String, Object>> rows(int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(row(i));
    }
    return out;
  }

  Counting<?> counting(int version) {
    return loader.loaded.get(version);
  }

  @Test
  void predictAll_isOneModelCall_withThePredictionsOfPredict() {
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .version(1)
            .ignoreFields("user")
            .build()) {
      List<Map<String, Object>> requests = rows(300);

      List<Prediction> all = s.predictAll(requests);

      assertThat(counting(1).batchCalls).hasValue(1);
      assertThat(counting(1).batchSizes).containsExactly(300);
      assertThat(counting(1).singleCalls).hasValue(0);
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < requests.size(); i++) {
        Prediction one = s.predict(requests.get(i));
        Prediction p = all.get(i);
        assertThat(p.output()).isEqualTo(one.output());
        assertThat(p.scores()).isEqualTo(one.scores());
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.route()).isEqualTo(Routing.PRIMARY);
        // the reference: Tribuo's own predict of the unwrapped model
        Map<String, Object> r = requests.get(i);
        assertThat(p.output())
            .isEqualTo(
                TestModels.expected(
                    models.get(0),
                    (double) r.get("x1"),
                    (double) r.get("x2"),
                    (double) r.get("x3")));
        assertThat(ids.add(p.id())).isTrue();
      }
      assertThat(ids).doesNotContainAnyElementsOf(List.of(s.predict(row(0)).id()));
    }
  }

  @Test
  void predictAll_withMicroBatching_isStillOneModelCall() {
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .version(1)
            .ignoreFields("user")
            .microBatching(16, Duration.ofMillis(1), 64)
            .build()) {
      List<Prediction> all = s.predictAll(rows(100));

      assertThat(all).hasSize(100);
      assertThat(counting(1).batchSizes).containsExactly(100);
    }
  }

  @Test
  void invalidRows_failAlone_withTheMessageOfPredict_andNeverReachTheModel() {
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .version(1)
            .ignoreFields("user")
            .build()) {
      List<Map<String, Object>> requests = rows(20);
      requests.get(3).put("x2", "abc");
      requests.get(11).remove("x1");
      String message3 = messageOf(() -> s.predict(requests.get(3)));
      String message11 = messageOf(() -> s.predict(requests.get(11)));

      List<BatchAccess.RowResult> each = BatchAccess.predictEach(s, requests);

      assertThat(counting(1).batchSizes).containsExactly(18);
      for (int i = 0; i < 20; i++) {
        BatchAccess.RowResult r = each.get(i);
        if (i == 3 || i == 11) {
          assertThat(r.prediction()).isNull();
          assertThat(r.error())
              .isInstanceOf(InvalidInputException.class)
              .hasMessage(i == 3 ? message3 : message11);
        } else {
          assertThat(r.error()).isNull();
          assertThat(r.prediction().output()).isEqualTo(s.predict(requests.get(i)).output());
        }
      }
      // predictAll throws the first failure in list order
      assertThatThrownBy(() -> s.predictAll(requests))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(message3);
      List<Map<String, Object>> withNull = new ArrayList<>(rows(3));
      withNull.add(1, null);
      assertThatThrownBy(() -> s.predictAll(withNull))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("requests[1]");
    }
  }

  private static String messageOf(Runnable call) {
    try {
      call.run();
    } catch (InvalidInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected an InvalidInputException");
  }

  @Test
  void weightedArms_routeEachRequestAsPredict_oneCallPerVersion_eventsPerRequest() {
    ListenerAndShadowTest.Collector c = new ListenerAndShadowTest.Collector(0);
    Routing routing =
        Routing.weighted(
                Arm.of("a", Target.version(1), 50),
                Arm.of("b", Target.version(2), 30),
                Arm.of("c", Target.version(2), 20))
            .stickyBy("user");
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .routing(routing)
            .listener(c)
            .build()) {
      List<Map<String, Object>> requests = rows(200);

      List<Prediction> all = s.predictAll(requests);
      s.awaitEvents(Duration.ofSeconds(10));
      List<PredictionEvent> events = List.copyOf(c.predictions);

      assertThat(counting(1).batchCalls).hasValue(1);
      assertThat(counting(2).batchCalls).hasValue(1); // arms b and c share version 2
      assertThat(counting(1).singleCalls).hasValue(0);
      assertThat(counting(2).singleCalls).hasValue(0);
      Set<String> arms = new HashSet<>();
      for (int i = 0; i < requests.size(); i++) {
        Arm arm = routing.armFor("u-" + i);
        Prediction p = all.get(i);
        arms.add(p.route());
        assertThat(p.route()).isEqualTo(arm.name());
        assertThat(p.version()).isEqualTo(arm.target().version());
        Prediction one = s.predict(requests.get(i));
        assertThat(p.route()).isEqualTo(one.route());
        assertThat(p.output()).isEqualTo(one.output());
        assertThat(p.scores()).isEqualTo(one.scores());
      }
      assertThat(arms).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(events).hasSize(requests.size());
      for (int i = 0; i < requests.size(); i++) {
        PredictionEvent e = events.get(i);
        assertThat(e.id()).isEqualTo(all.get(i).id());
        assertThat(e.route()).isEqualTo(all.get(i).route());
        assertThat(e.version()).isEqualTo(all.get(i).version());
        assertThat(e.output()).isEqualTo(all.get(i).output());
      }
    }
  }

  @Test
  void canaryAndShadow_perRequest() throws Exception {
    int n = 120;
    ListenerAndShadowTest.Collector c = new ListenerAndShadowTest.Collector(2 * n);
    Routing routing =
        Routing.canary(Target.version(2), 30, CanaryPolicy.defaults().maxP99(Duration.ofDays(1)))
            .stickyBy("user")
            .withShadow(new Shadow(Target.version(3), 1.0, 10_000));
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .version(1)
            .routing(routing)
            .listener(c)
            .build()) {
      List<Map<String, Object>> requests = rows(n);

      List<Prediction> all = s.predictAll(requests);

      assertThat(c.latch.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(counting(1).batchCalls).hasValue(1);
      assertThat(counting(2).batchCalls).hasValue(1);
      for (int i = 0; i < n; i++) {
        boolean canary = routing.inCanary(Routing.unitHash("u-" + i));
        assertThat(all.get(i).route()).isEqualTo(canary ? Routing.CANARY : Routing.PRIMARY);
        assertThat(all.get(i).version()).isEqualTo(canary ? 2 : 1);
      }
      assertThat(all).extracting(Prediction::route).contains(Routing.CANARY, Routing.PRIMARY);
      Set<String> ids = new HashSet<>();
      all.forEach(p -> ids.add(p.id()));
      List<PredictionEvent> shadows =
          c.predictions.stream().filter(e -> e.route().equals(Routing.SHADOW)).toList();
      assertThat(shadows).hasSize(n);
      for (PredictionEvent e : shadows) {
        assertThat(e.version()).isEqualTo(3);
        assertThat(ids).contains(e.id());
        double x3 = (double) e.inputs().get("x3");
        assertThat(e.output())
            .isEqualTo(
                TestModels.expected(
                    models.get(2),
                    (double) e.inputs().get("x1"),
                    (double) e.inputs().get("x2"),
                    x3));
      }
    }
  }

  @Test
  void aHotSwapDuringABatch_answersEachRowFromTheVersionItWasRoutedTo() throws Exception {
    registry.setAlias("churn", "champion", 1);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .alias("champion")
            .ignoreFields("user")
            .build()) {
      Counting<?> v1 = counting(1);
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch proceed = new CountDownLatch(1);
      v1.holdNextBatch(entered, proceed);
      List<Map<String, Object>> requests = rows(50);

      Future<List<Prediction>> held = caller.submit(() -> s.predictAll(requests));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      // swap three times while v1's batch runs: v1 leaves the two retained versions, is retired
      for (int v = 2; v <= 4; v++) {
        registry.setAlias("churn", "champion", v);
        s.refresh(Duration.ofSeconds(30));
      }
      assertThat(s.activeVersion()).isEqualTo(4);
      List<Prediction> during = s.predictAll(requests);
      assertThat(v1.closed.getCount()).isEqualTo(1); // its leases are still held by the batch
      proceed.countDown();
      List<Prediction> first = held.get(30, TimeUnit.SECONDS);

      assertThat(first).extracting(Prediction::version).containsOnly(1);
      assertThat(during).extracting(Prediction::version).containsOnly(4);
      assertThat(v1.closed.await(30, TimeUnit.SECONDS)).isTrue(); // released once the batch ended
      for (int i = 0; i < requests.size(); i++) {
        Map<String, Object> r = requests.get(i);
        double x1 = (double) r.get("x1");
        double x2 = (double) r.get("x2");
        double x3 = (double) r.get("x3");
        assertThat(first.get(i).output()).isEqualTo(TestModels.expected(models.get(0), x1, x2, x3));
        assertThat(during.get(i).output())
            .isEqualTo(TestModels.expected(models.get(3), x1, x2, x3));
      }
    } finally {
      caller.shutdownNow();
    }
  }
}
