package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.routing.Arm;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Shadow;
import io.github.mlops4j.serving.routing.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback, A/B, canary and shadow routing between two XGBoost versions made by Python XGBoost
 * 1.7.4: v1 {@code classifier.json} (6 trees of depth 3), v2 {@code classifier_v2.ubj} (12 trees of
 * depth 2). Every answer is checked against Python's {@code predict_proba} of the version that gave
 * it, recorded by {@code make_fixtures.py} in {@code predictions.csv} and {@code
 * predictions_v2.csv} (within 1e-6).
 */
class XgboostRoutingTest {
  private static final double TOLERANCE = 1e-6;

  @TempDir Path workspace;

  private final List<Map<String, Double>> rows = Fixtures.rows(false);

  /** Python's P(yes) per row, by version. */
  private final Map<Integer, double[]> python =
      Map.of(
          1,
          Fixtures.python(false).stream().mapToDouble(r -> r[Fixtures.CLASSIFIER_P0 + 1]).toArray(),
          2,
          Fixtures.table("predictions_v2.csv").stream().mapToDouble(r -> r[2]).toArray());

  private ModelRegistry registry() {
    ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build();
    for (String file : List.of("classifier.json", "classifier_v2.ubj")) {
      registry.register(
          "churn",
          XgboostArtifact.of(Fixtures.file(file)).classification("no", "yes").toArtifact(),
          null);
    }
    return registry;
  }

  /** Checks that a prediction of row {@code row} is Python's answer of the version it names. */
  private void assertPython(Prediction p, int row) {
    assertThat(p.score("yes")).isCloseTo(python.get(p.version())[row], within(TOLERANCE));
    assertThat(p.score("no")).isCloseTo(1 - python.get(p.version())[row], within(TOLERANCE));
  }

  private Map<String, Object> customer(int c) {
    Map<String, Object> request = new TreeMap<>(rows.get(c % rows.size()));
    request.put("customer", "xgb-" + c);
    return request;
  }

  @Test
  void theTwoVersionsAnswerDifferently() {
    // otherwise the routing checks below could not tell the versions apart
    for (int i = 0; i < rows.size(); i++) {
      assertThat(Math.abs(python.get(1)[i] - python.get(2)[i])).isGreaterThan(1e-3);
    }
  }

  /** Predicts every row and checks that version {@code expected} answered as Python's did. */
  private void assertServedBy(InferenceService service, int expected) {
    for (int i = 0; i < rows.size(); i++) {
      Prediction p = service.predict(rows.get(i));
      assertThat(p.version()).isEqualTo(expected);
      assertPython(p, i);
    }
  }

  @Test
  void rollbackServesTheEarlierXgboostVersionAgain() {
    try (ModelRegistry registry = registry()) {
      for (int v = 1; v <= 2; v++) {
        registry.setAlias("churn", "champion", v);
      }
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        assertServedBy(service, 2);
        assertThat(registry.rollback("churn", "champion").version()).isEqualTo(1);
        service.refresh(Duration.ofMinutes(1));
        assertServedBy(service, 1);
      }
    }
  }

  @Test
  void stickyAbSplitAnswersFromEachCustomersArm() {
    Routing routing =
        Routing.weighted(Arm.of("a", Target.version(1), 30), Arm.of("b", Target.version(2), 70))
            .stickyBy("customer");
    try (ModelRegistry registry = registry();
        InferenceService service =
            InferenceService.builder().registry(registry).model("churn").routing(routing).build()) {
      Map<String, Integer> perArm = new HashMap<>();
      for (int c = 0; c < 300; c++) {
        Arm arm = routing.armFor("xgb-" + c);
        Prediction first = service.predict(customer(c));
        Prediction again = service.predict(customer(c));
        for (Prediction p : List.of(first, again)) {
          assertThat(p.route()).isEqualTo(arm.name());
          assertThat(p.version()).isEqualTo(arm.target().version());
          assertPython(p, c % rows.size());
        }
        perArm.merge(arm.name(), 1, Integer::sum);
      }
      assertThat(perArm).containsOnlyKeys("a", "b");
    }
  }

  @Test
  void stickyCanaryOfTheSecondVersion() {
    Routing routing =
        Routing.canary(Target.version(2), 20, CanaryPolicy.defaults().maxP99(Duration.ofDays(1)))
            .stickyBy("customer");
    try (ModelRegistry registry = registry()) {
      registry.setAlias("churn", "champion", 1);
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .routing(routing)
              .build()) {
        int canaries = 0;
        for (int c = 0; c < 300; c++) {
          boolean canary = routing.inCanary(Routing.unitHash("xgb-" + c));
          Prediction p = service.predict(customer(c));
          assertThat(p.route()).isEqualTo(canary ? Routing.CANARY : Routing.PRIMARY);
          assertThat(p.version()).isEqualTo(canary ? 2 : 1);
          assertPython(p, c % rows.size());
          canaries += canary ? 1 : 0;
        }
        assertThat(canaries).isBetween(1, 299);
        assertThat(service.canaryActive()).isTrue();
      }
    }
  }

  @Test
  void shadowVersionIsScoredAndReportedButNeverAnswers() throws Exception {
    Map<String, PredictionEvent> shadowById = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(rows.size());
    PredictionListener shadows =
        new PredictionListener() {
          @Override
          public void onPrediction(PredictionEvent event) {
            if (Routing.SHADOW.equals(event.route())) {
              shadowById.put(event.id(), event);
              done.countDown();
            }
          }
        };
    try (ModelRegistry registry = registry();
        InferenceService service =
            InferenceService.builder()
                .registry(registry)
                .model("churn")
                .version(1)
                .routing(Routing.single().withShadow(new Shadow(Target.version(2), 1.0, 1000)))
                .listener(shadows)
                .build()) {
      Map<String, Integer> rowOf = new HashMap<>();
      for (int i = 0; i < rows.size(); i++) {
        Prediction p = service.predict(rows.get(i));
        assertThat(p.route()).isEqualTo(Routing.PRIMARY);
        assertThat(p.version()).isEqualTo(1);
        assertPython(p, i);
        rowOf.put(p.id(), i);
      }
      assertThat(done.await(1, TimeUnit.MINUTES)).isTrue(); // a safety net
      assertThat(shadowById.keySet()).isEqualTo(rowOf.keySet());
      shadowById.forEach(
          (id, e) -> {
            assertThat(e.version()).isEqualTo(2);
            assertThat(e.scores().get("yes"))
                .isCloseTo(python.get(2)[rowOf.get(id)], within(TOLERANCE));
          });
    }
  }
}
