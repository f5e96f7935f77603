package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InvalidInputException.Problem;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.clustering.ClusterID;
import org.tribuo.regression.Regressor;

class InferenceServiceTest {
  @TempDir Path workspace;
  ModelRegistry registry;

  @BeforeEach
  void open() {
    registry = TestModels.registry(workspace);
  }

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  @Test
  void theTwoVersionsReplacedMostRecentlyStayLoaded_soMovingBackNeedsNoReload() {
    for (int seed = 0; seed < 4; seed++) {
      registry.register("churn", TestModels.classifier(seed), null);
    }
    registry.setAlias("churn", "champion", 3);
    List<ServingEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .alias("champion")
            .listener(PredictionListener.onServingEvent(events::add))
            .build()) {
      for (int v : new int[] {1, 2, 4, 1}) { // spare after each move: 3 | 1 3 | 2 1 (3 out) | 4 2
        registry.setAlias("churn", "champion", v);
        s.refresh(Duration.ofSeconds(10));
        assertThat(s.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(v);
      }
    }
    assertThat(events)
        .filteredOn(ServingEvent.VersionLoaded.class::isInstance)
        .extracting(e -> ((ServingEvent.VersionLoaded) e).version())
        .containsExactly(3, 1, 2, 4); // v1 was still loaded when the alias came back to it
  }

  @Test
  void classificationMatchesTheModelItself() {
    Model<Label> model = TestModels.classifier(0);
    ModelVersion v = registry.register("churn", model, null);
    registry.setAlias("churn", "champion", v.version());
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
      Prediction p = s.predict(TestModels.request(1.0, 0.5, -2.0));
      assertThat(p.output()).isEqualTo(TestModels.expected(model, 1.0, 0.5, -2.0)).isEqualTo("yes");
      assertThat(p.model()).isEqualTo("churn");
      assertThat(p.version()).isEqualTo(1);
      assertThat(p.route()).isEqualTo("primary");
      assertThat(p.scores()).containsOnlyKeys("yes", "no");
      assertThat(p.score("yes")).isGreaterThan(p.score("no"));
      assertThat(p.id()).isNotBlank();
      assertThat(s.activeVersion()).isEqualTo(1);
      assertThat(s.modelName()).isEqualTo("churn");
      assertThat(s.signature())
          .hasValueSatisfying(
              sig -> {
                assertThat(sig.outputType()).isEqualTo("Label");
                assertThat(sig.inputNames()).containsExactlyInAnyOrder("x1", "x2", "x3");
              });
      assertThat(s.predict(TestModels.request(-1.0, -0.5, 2.0)).output()).isEqualTo("no");
      List<Prediction> all =
          s.predictAll(List.of(TestModels.request(2, 2, 0), TestModels.request(-2, -2, 0)));
      assertThat(all).extracting(Prediction::output).containsExactly("yes", "no");
      assertThat(all.get(0).id()).isNotEqualTo(all.get(1).id());
    }
  }

  @Test
  void regressionReportsTheFirstDimensionAndEveryDimensionAsScores() {
    Model<Regressor> model = TestModels.regressor();
    registry.register("price", model, null);
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("price").build()) {
      Prediction p = s.predict(TestModels.request(1.0, 0.5, 3.0));
      double expected =
          model
              .predict(
                  new org.tribuo.impl.ArrayExample<>(
                      org.tribuo.regression.RegressionFactory.UNKNOWN_REGRESSOR,
                      TestModels.X,
                      new double[] {1.0, 0.5, 3.0}))
              .getOutput()
              .getValues()[0];
      assertThat(p.value()).isEqualTo(expected);
      assertThat(p.value()).isCloseTo(2.5, org.assertj.core.data.Offset.offset(0.3));
      assertThat(p.scores()).containsOnlyKeys("y");
      assertThat(p.score("y")).isEqualTo(expected);
      assertThat(s.signature().orElseThrow().outputType()).isIn("Regressor", "DimensionTuple");
    }
  }

  @Test
  void clusteringReportsTheClusterId() {
    Model<ClusterID> model = TestModels.clusters();
    registry.register("segments", model, null);
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("segments").build()) {
      Prediction low = s.predict(TestModels.request(-5, -5, -5));
      Prediction high = s.predict(TestModels.request(5, 5, 5));
      assertThat(low.output()).isNotEqualTo(high.output());
      assertThat(s.predict(TestModels.request(-4.8, -5.1, -5)).output()).isEqualTo(low.output());
      assertThat((int) low.value())
          .isEqualTo(
              model
                  .predict(
                      new org.tribuo.impl.ArrayExample<>(
                          org.tribuo.clustering.ClusteringFactory.UNASSIGNED_CLUSTER_ID,
                          TestModels.X,
                          new double[] {-5, -5, -5}))
                  .getOutput()
                  .getID());
      assertThat(low.scores()).containsOnlyKeys("score");
    }
  }

  @Test
  void pinnedVersionNeverSwaps() {
    registry.register("churn", TestModels.classifier(0), null);
    registry.register("churn", TestModels.classifier(1), null);
    registry.setAlias("churn", "champion", 2);
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("churn").version(1).build()) {
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "champion", 2);
      s.refresh(Duration.ofSeconds(10));
      assertThat(s.predict(TestModels.request(2, 2, 0)).version()).isEqualTo(1);
    }
  }

  @Test
  void unknownModelOrAliasFailsToBuild() {
    registry.register("churn", TestModels.classifier(0), null);
    assertThatThrownBy(
            () ->
                InferenceService.builder().registry(registry).model("churn").alias("nope").build())
        .isInstanceOf(ModelUnavailableException.class)
        .hasMessageContaining("alias nope");
    assertThatThrownBy(() -> InferenceService.builder().model("churn").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> InferenceService.builder().maxConcurrency(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }

  // ---------------------------------------------------------------- validation

  private InferenceService plans(ValidationPolicy policy) {
    registry.register("plans", TestModels.planClassifier(), null);
    return InferenceService.builder()
        .registry(registry)
        .model("plans")
        .validation(policy)
        .ignoreFields("request_id")
        .build();
  }

  private static List<Problem> problems(InferenceService s, Map<String, ?> request) {
    try {
      s.predict(request);
    } catch (InvalidInputException e) {
      assertThat(e.model()).isEqualTo("plans");
      return e.problems();
    }
    throw new AssertionError("expected an InvalidInputException for " + request);
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void categoricalFieldsTakeTheirValueAsText() {
    try (InferenceService s = plans(ValidationPolicy.REJECT)) {
      assertThat(s.predict(map("x1", 0.0, "plan", "gold")).output()).isEqualTo("yes");
      assertThat(s.predict(map("x1", 0.0, "plan", "bronze")).output()).isEqualTo("no");
      assertThat(s.predict(map("x1", 0.0, "plan@gold", 1.0, "request_id", "r-1")).output())
          .isEqualTo("yes");
    }
  }

  @Test
  void missingFeatureIsRejected() {
    try (InferenceService s = plans(ValidationPolicy.REJECT)) {
      assertThat(problems(s, map("plan", "gold")))
          .containsExactly(new Problem("x1", Reason.MISSING, "is missing"));
      assertThat(problems(s, map("x1", 1.0)))
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.field()).isEqualTo("plan");
                assertThat(p.reason()).isEqualTo(Reason.MISSING);
              });
    }
  }

  @Test
  void unknownFieldIsRejectedWhereTribuoWouldIgnoreIt() {
    try (InferenceService s = plans(ValidationPolicy.REJECT)) {
      assertThat(problems(s, map("x1", 1.0, "plan", "gold", "x_1", 2.0)))
          .extracting(Problem::field, Problem::reason)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("x_1", Reason.UNKNOWN));
    }
  }

  @Test
  void wrongTypeNullNanAndInfinityAreRejectedAllAtOnce() {
    try (InferenceService s = plans(ValidationPolicy.REJECT)) {
      assertThat(problems(s, map("x1", "1.5", "plan", "gold")))
          .extracting(Problem::reason)
          .containsExactly(Reason.WRONG_TYPE);
      assertThat(problems(s, map("x1", null, "plan", "gold")))
          .extracting(Problem::reason)
          .containsExactly(Reason.NULL);
      assertThat(problems(s, map("x1", Double.NaN, "plan", "gold")))
          .extracting(Problem::reason)
          .containsExactly(Reason.NAN);
      assertThat(problems(s, map("x1", Double.POSITIVE_INFINITY, "plan", "gold")))
          .extracting(Problem::reason)
          .containsExactly(Reason.INFINITE);
      assertThat(problems(s, map("x1", 1.0, "plan", "platinum")))
          .extracting(Problem::reason)
          .containsExactly(Reason.UNKNOWN_CATEGORY);
      assertThat(problems(s, map("plan", List.of("gold"), "x_1", 1.0, "z", 2)))
          .extracting(Problem::field)
          .containsExactlyInAnyOrder("plan", "x_1", "z", "x1");
      assertThatThrownBy(() -> s.predict(map("x1", Double.NaN, "plan", "gold")))
          .hasMessageContaining("'plans' v1")
          .hasMessageContaining("x1: is NaN");
    }
  }

  @Test
  void fillPolicyFillsMissingAndNonFiniteAndDropsUnknown() {
    registry.register("churn", TestModels.classifier(0), null);
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .validation(ValidationPolicy.fill(Map.of("x2", 3.0), 0.0))
            .build()) {
      // x2 filled with 3.0: 0 + 3 > 0 gives yes; same as the full request
      Map<String, Object> partial = map("x1", 0.0, "x3", 0.0, "unknown", 7);
      assertThat(s.predict(partial).output())
          .isEqualTo(s.predict(TestModels.request(0, 3, 0)).output())
          .isEqualTo("yes");
      Map<String, Object> nan = map("x1", 0.0, "x2", Double.NaN, "x3", 0.0);
      assertThat(s.predict(nan).scores())
          .isEqualTo(s.predict(TestModels.request(0, 3, 0)).scores());
      assertThatThrownBy(() -> s.predict(map("x1", "a", "x2", 1.0, "x3", 0.0)))
          .isInstanceOf(InvalidInputException.class);
    }
  }

  // ---------------------------------------------------------------- overload and deadlines

  @Test
  void callsBeyondMaxConcurrencyAreRejectedAtOnce() throws Exception {
    registry.register("churn", TestModels.classifier(0), null);
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("churn").maxConcurrency(2).build()) {
      java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(2);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        List<java.util.concurrent.Future<Prediction>> held =
            List.of(
                pool.submit(
                    () ->
                        s.predict(
                            new BlockingRequest(TestModels.request(1, 1, 1), inside, release))),
                pool.submit(
                    () ->
                        s.predict(
                            new BlockingRequest(TestModels.request(1, 1, 1), inside, release))));
        inside.await();
        assertThatThrownBy(() -> s.predict(TestModels.request(1, 1, 1)))
            .isInstanceOf(OverloadedException.class)
            .hasMessageContaining("maxConcurrency");
        release.countDown();
        for (java.util.concurrent.Future<Prediction> f : held) {
          assertThat(f.get().output()).isEqualTo("yes");
        }
        assertThat(s.predict(TestModels.request(1, 1, 1)).output()).isEqualTo("yes");
      } finally {
        release.countDown();
        pool.shutdownNow();
      }
    }
  }

  @Test
  void deadlinePassedDuringTheCallFails() {
    registry.register("churn", TestModels.classifier(0), null);
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    InferenceService.Builder b =
        InferenceService.builder().registry(registry).model("churn").timeout(Duration.ofSeconds(1));
    b.ticker = now::get;
    try (InferenceService s = b.build()) {
      assertThat(s.predict(TestModels.request(1, 1, 1)).output()).isEqualTo("yes");
      Map<String, Object> slow =
          new java.util.AbstractMap<>() {
            @Override
            public java.util.Set<Entry<String, Object>> entrySet() {
              now.addAndGet(Duration.ofSeconds(2).toNanos()); // reading the request takes 2 s
              return TestModels.request(1, 1, 1).entrySet();
            }
          };
      assertThatThrownBy(() -> s.predict(slow))
          .isInstanceOf(DeadlineExceededException.class)
          .hasMessageContaining("before its prediction started");
      assertThat(s.predict(slow, Duration.ofSeconds(3)).output()).isEqualTo("yes");
    }
  }

  @Test
  void closeIsBoundedStopsThreadsAndRefusesCalls() {
    registry.register("churn", TestModels.classifier(0), null);
    InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .listener(e -> {})
            .microBatching(8, Duration.ZERO, 64)
            .build();
    assertThat(s.predict(TestModels.request(1, 1, 1)).output()).isEqualTo("yes");
    assertThat(threads()).anyMatch(n -> n.startsWith("mlops-serving-"));
    long t0 = System.nanoTime();
    s.close();
    s.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(threads()).noneMatch(n -> n.startsWith("mlops-serving-") && n.contains("churn"));
    assertThatThrownBy(() -> s.predict(TestModels.request(1, 1, 1)))
        .isInstanceOf(ModelUnavailableException.class);
  }

  static List<String> threads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .toList();
  }

  @Test
  void microBatchingGivesEveryCallerItsOwnResult() throws Exception {
    Model<Label> model = TestModels.classifier(0);
    registry.register("churn", model, null);
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .microBatching(16, Duration.ofMillis(1), 1024)
            .build()) {
      java.util.Random r = new java.util.Random(1);
      List<Map<String, Object>> requests = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        requests.add(TestModels.request(r.nextGaussian(), r.nextGaussian(), r.nextGaussian()));
      }
      List<Prediction> out = s.predictAll(requests);
      for (int i = 0; i < requests.size(); i++) {
        Map<String, Object> q = requests.get(i);
        assertThat(out.get(i).output())
            .isEqualTo(
                TestModels.expected(
                    model, (double) q.get("x1"), (double) q.get("x2"), (double) q.get("x3")));
      }
    }
  }
}
