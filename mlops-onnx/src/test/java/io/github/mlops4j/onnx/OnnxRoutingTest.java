package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.ServingEvent;
import io.github.mlops4j.serving.ServingException;
import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.routing.Arm;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Shadow;
import io.github.mlops4j.serving.routing.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * Rollback, A/B, canary and shadow routing between ONNX versions, and between an ONNX version and a
 * Tribuo model. Every answer is checked against the reference of the version that gave it: a plain
 * {@code OrtSession.run} of its file ({@link RawOnnx}) or Tribuo's own {@code predict}.
 *
 * <p>Versions: v1 scikit-learn's classifier.onnx; v2 Tribuo's ONNX export of a logistic regression
 * trained here; v3 that Tribuo model itself; v4 classifier_int64.onnx (int64 input: its signature
 * refuses fractional values as invalid input).
 */
class OnnxRoutingTest {
  @TempDir Path dir;

  private final List<Map<String, Double>> rows = Fixtures.rows();
  private Model<Label> tribuo;
  private Path exported;

  @BeforeEach
  void train() {
    tribuo = TribuoTraining.logistic(7);
    exported = TribuoTraining.export(tribuo, dir.resolve("tribuo.onnx"));
  }

  private ModelRegistry registry() {
    ModelRegistry registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
    registry.register(
        "churn",
        OnnxArtifact.of(Fixtures.file("classifier.onnx"))
            .columns(Fixtures.FEATURES.toArray(String[]::new))
            .classification("no", "yes")
            .toArtifact(),
        null);
    registry.register("churn", TribuoTraining.artifact(tribuo, exported).toArtifact(), null);
    registry.register("churn", ModelArtifact.tribuo(tribuo), null);
    registry.register(
        "churn",
        OnnxArtifact.of(Fixtures.file("classifier_int64.onnx"))
            .columns(Fixtures.FEATURES.toArray(String[]::new))
            .classification("no", "yes")
            .toArtifact(),
        null);
    return registry;
  }

  /** P(yes) of each row by version: raw OrtSession.run of v1 and v2, Tribuo's predict for v3. */
  private Map<Integer, double[]> references() throws Exception {
    Map<Integer, double[]> out = new HashMap<>();
    float[][] v1 = RawOnnx.run(Fixtures.file("classifier.onnx"), rows).get("probabilities");
    List<String> columns = TribuoTraining.columns(tribuo);
    List<double[]> inColumnOrder = new ArrayList<>();
    for (Map<String, Double> r : rows) {
      inColumnOrder.add(columns.stream().mapToDouble(r::get).toArray());
    }
    float[][] v2 =
        RawOnnx.run(
                exported, columns, inColumnOrder, ai.onnxruntime.OnnxJavaType.FLOAT, "input", false)
            .get("output");
    int yes = TribuoTraining.labels(tribuo).indexOf("yes");
    double[][] byVersion = new double[4][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      byVersion[1][i] = v1[i][1];
      byVersion[2][i] = v2[i][yes];
      byVersion[3][i] =
          TribuoTraining.predict(tribuo, LabelFactory.UNKNOWN_LABEL, rows.get(i))
              .getOutputScores()
              .get("yes")
              .getScore();
    }
    for (int v = 1; v <= 3; v++) {
      out.put(v, byVersion[v]);
    }
    return out;
  }

  private static Map<String, Object> request(Map<String, Double> row, String customer) {
    Map<String, Object> r = new LinkedHashMap<>(row);
    r.put("customer", customer);
    return r;
  }

  @Test
  void rollbackMovesTheAliasBackAndTheServiceAnswersFromTheEarlierOnnxVersion() throws Exception {
    Map<Integer, double[]> yes = references();
    try (ModelRegistry registry = registry()) {
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "champion", 2);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.version()).isEqualTo(2);
          assertThat(p.score("yes")).isCloseTo(yes.get(2)[i], within(1e-6));
        }
        assertThat(registry.rollback("churn", "champion").version()).isEqualTo(1);
        service.refresh(Duration.ofMinutes(1));
        for (int i = 0; i < rows.size(); i++) {
          Prediction p = service.predict(rows.get(i));
          assertThat(p.version()).isEqualTo(1);
          assertThat(p.score("yes")).isCloseTo(yes.get(1)[i], within(1e-6));
        }
      }
    }
  }

  @Test
  void stickyAbSplitBetweenAnOnnxVersionAndATribuoModel() throws Exception {
    Map<Integer, double[]> yes = references();
    Routing routing =
        Routing.weighted(Arm.of("a", Target.version(1), 50), Arm.of("b", Target.version(3), 50))
            .stickyBy("customer");
    try (ModelRegistry registry = registry();
        InferenceService service =
            InferenceService.builder().registry(registry).model("churn").routing(routing).build()) {
      Map<Integer, Integer> calls = new HashMap<>();
      for (int c = 0; c < 200; c++) {
        int row = c % rows.size();
        String customer = "customer-" + c;
        Prediction p = service.predict(request(rows.get(row), customer));
        int expected = routing.armFor(customer).target().version();
        assertThat(p.version()).isEqualTo(expected);
        assertThat(p.route()).isEqualTo(routing.armFor(customer).name());
        assertThat(p.score("yes")).isCloseTo(yes.get(expected)[row], within(1e-6));
        // the same customer gets the same arm again
        assertThat(service.predict(request(rows.get(row), customer)).version()).isEqualTo(expected);
        calls.merge(expected, 1, Integer::sum);
      }
      assertThat(calls).containsOnlyKeys(1, 3);
    }
  }

  @Test
  void stickyCanaryOfOneOnnxVersionOnAnother() throws Exception {
    Map<Integer, double[]> yes = references();
    Routing routing =
        Routing.canary(Target.version(2), 25, CanaryPolicy.defaults().maxP99(Duration.ofDays(1)))
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
        int canary = 0;
        for (int c = 0; c < 400; c++) {
          int row = c % rows.size();
          String customer = "customer-" + c;
          Prediction p = service.predict(request(rows.get(row), customer));
          boolean inCanary = routing.inCanary(Routing.unitHash(customer));
          assertThat(p.version()).isEqualTo(inCanary ? 2 : 1);
          assertThat(p.route()).isEqualTo(inCanary ? Routing.CANARY : Routing.PRIMARY);
          assertThat(p.score("yes")).isCloseTo(yes.get(p.version())[row], within(1e-6));
          canary += inCanary ? 1 : 0;
        }
        assertThat(canary).isPositive().isLessThan(400);
        assertThat(service.canaryActive()).isTrue();
      }
    }
  }

  /** Predict calls by version and outcome. */
  static final class OutcomeCounts implements ServingMeters {
    final Map<Integer, Map<ServingMeters.Outcome, java.util.concurrent.atomic.AtomicLong>> counts =
        new java.util.concurrent.ConcurrentHashMap<>();

    long count(int version, ServingMeters.Outcome outcome) {
      var byOutcome = counts.get(version);
      var n = byOutcome == null ? null : byOutcome.get(outcome);
      return n == null ? 0 : n.get();
    }

    @Override
    public Service open(String model, java.util.function.LongSupplier inFlight) {
      ServingMeters noop = ServingMeters.noop();
      Service inner = noop.open(model, inFlight);
      return new Service() {
        @Override
        public VersionMeters version(int version, List<String> routes) {
          var byOutcome =
              counts.computeIfAbsent(version, v -> new java.util.concurrent.ConcurrentHashMap<>());
          return new VersionMeters() {
            @Override
            public void record(int route, ServingMeters.Outcome outcome, long nanos) {
              byOutcome
                  .computeIfAbsent(outcome, o -> new java.util.concurrent.atomic.AtomicLong())
                  .incrementAndGet();
            }

            @Override
            public void filled(int count) {}

            @Override
            public void dropped(int count) {}

            @Override
            public void close() {}
          };
        }

        @Override
        public void swapped() {}

        @Override
        public void loadFailed() {}

        @Override
        public void shadowDropped() {}

        @Override
        public void eventDropped() {}

        @Override
        public void listenerFailed() {}

        @Override
        public void canaryRolledBack() {}

        @Override
        public void close() {
          inner.close();
        }
      };
    }
  }

  @Test
  void aCanaryIsNotRolledBackWhenClientsSendFractionsToItsInt64Input() throws Exception {
    Map<Integer, double[]> yes = references();
    OutcomeCounts meters = new OutcomeCounts();
    try (ModelRegistry registry = registry()) {
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "candidate", 4); // int64 input: every row here has fractions
      List<ServingEvent> events = new CopyOnWriteArrayList<>();
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .meters(meters)
              .routing(
                  Routing.canary(
                      Target.alias("candidate"),
                      30,
                      CanaryPolicy.defaults()
                          .maxP99(Duration.ofDays(1))
                          .window(20, 10)
                          .maxErrorRate(0.2)
                          .rollbackAlias(true)))
              .listener(PredictionListener.onServingEvent(events::add))
              .build()) {
        int refused = 0;
        for (int i = 0; i < 400; i++) {
          int row = i % rows.size();
          try {
            Prediction p = service.predict(rows.get(row));
            assertThat(p.version()).isEqualTo(1);
            assertThat(p.score("yes")).isCloseTo(yes.get(1)[row], within(1e-6));
          } catch (InvalidInputException e) {
            // the client's value, refused by v4's signature before the graph runs
            assertThat(e.version()).isEqualTo(4);
            assertThat(e.problems())
                .isNotEmpty()
                .allSatisfy(
                    p ->
                        assertThat(p.reason()).isEqualTo(InvalidInputException.Reason.NOT_INTEGER));
            refused++;
          }
        }
        assertThat(refused)
            .isGreaterThanOrEqualTo(20); // the canary got traffic, every call refused
        assertThat(service.canaryActive()).isTrue();
        assertThat(service.routes()).containsEntry(Routing.CANARY, 4);
        assertThat(meters.count(4, ServingMeters.Outcome.ERROR)).isZero();
        assertThat(meters.count(4, ServingMeters.Outcome.INVALID)).isEqualTo(refused);
        // the same canary still answers whole numbers
        Map<String, Double> whole = new LinkedHashMap<>();
        Fixtures.FEATURES.forEach(f -> whole.put(f, 2.0));
        for (int i = 0; i < 50; i++) {
          assertThat(service.predict(whole).output()).isIn("no", "yes");
        }
        assertThat(meters.count(4, ServingMeters.Outcome.OK)).isPositive();
        assertThat(meters.count(4, ServingMeters.Outcome.ERROR)).isZero();
      }
      assertThat(registry.aliases("churn")).containsEntry("candidate", 4);
      assertThat(events).noneMatch(e -> e instanceof ServingEvent.CanaryRolledBack);
    }
  }

  @Test
  void anOnnxCanaryWhoseGraphFailsOnValidInputIsRolledBack() throws Exception {
    Map<Integer, double[]> yes = references();
    try (ModelRegistry registry = registry()) {
      int failing =
          registry
              .register(
                  "churn",
                  OnnxArtifact.of(FailingGraph.write(dir.resolve("failing.onnx")))
                      .columns(Fixtures.FEATURES.toArray(String[]::new))
                      .classification("no", "yes")
                      .toArtifact(),
                  null)
              .version();
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "candidate", 1);
      registry.setAlias("churn", "candidate", failing);
      CountDownLatch rolledBack = new CountDownLatch(1);
      List<ServingEvent> events = new CopyOnWriteArrayList<>();
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .routing(
                  Routing.canary(
                      Target.alias("candidate"),
                      30,
                      CanaryPolicy.defaults()
                          .maxP99(Duration.ofDays(1))
                          .window(20, 10)
                          .maxErrorRate(0.2)
                          .rollbackAlias(true)))
              .listener(
                  PredictionListener.onServingEvent(
                      e -> {
                        events.add(e);
                        if (e instanceof ServingEvent.CanaryRolledBack) {
                          rolledBack.countDown();
                        }
                      }))
              .build()) {
        int failures = 0;
        for (int i = 0; rolledBack.getCount() > 0 && i < 10_000; i++) {
          int row = i % rows.size();
          try {
            Prediction p = service.predict(rows.get(row));
            assertThat(p.version()).isEqualTo(1);
            assertThat(p.score("yes")).isCloseTo(yes.get(1)[row], within(1e-6));
          } catch (ServingException e) {
            // the graph's failure on valid input is the version's fault, not the request's
            assertThat(e)
                .isNotInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Version " + failing)
                .hasMessageContaining("onnxruntime failed");
            failures++;
          }
          if (failures >= 10) {
            assertThat(rolledBack.await(1, TimeUnit.MINUTES)).isTrue(); // a safety net
          }
        }
        assertThat(rolledBack.getCount()).isZero();
        service.refresh(Duration.ofMinutes(1));
        for (int i = 0; i < 200; i++) {
          assertThat(service.predict(rows.get(i % rows.size())).version()).isEqualTo(1);
        }
        assertThat(registry.aliases("churn")).containsEntry("candidate", 1);
        assertThat(events)
            .filteredOn(e -> e instanceof ServingEvent.CanaryRolledBack)
            .singleElement()
            .satisfies(
                e ->
                    assertThat(((ServingEvent.CanaryRolledBack) e).canaryVersion())
                        .isEqualTo(failing));
      }
    }
  }

  @Test
  void shadowOnnxVersionIsReportedButNeverReturned() throws Exception {
    Map<Integer, double[]> yes = references();
    List<PredictionEvent> shadows = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(rows.size());
    PredictionListener listener =
        new PredictionListener() {
          @Override
          public void onPrediction(PredictionEvent event) {
            if (event.route().equals(Routing.SHADOW)) {
              shadows.add(event);
              all.countDown();
            }
          }
        };
    try (ModelRegistry registry = registry();
        InferenceService service =
            InferenceService.builder()
                .registry(registry)
                .model("churn")
                .version(1)
                .listener(listener)
                .routing(Routing.single().withShadow(new Shadow(Target.version(2), 1.0, 1000)))
                .build()) {
      Map<String, Integer> rowOf = new HashMap<>();
      for (int i = 0; i < rows.size(); i++) {
        Prediction p = service.predict(rows.get(i));
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.route()).isEqualTo(Routing.PRIMARY);
        assertThat(p.score("yes")).isCloseTo(yes.get(1)[i], within(1e-6));
        rowOf.put(p.id(), i);
      }
      assertThat(all.await(1, TimeUnit.MINUTES)).isTrue(); // a safety net
      assertThat(shadows).hasSize(rows.size());
      for (PredictionEvent e : shadows) {
        assertThat(e.version()).isEqualTo(2);
        assertThat(e.scores().get("yes")).isCloseTo(yes.get(2)[rowOf.get(e.id())], within(1e-6));
      }
    }
  }
}
