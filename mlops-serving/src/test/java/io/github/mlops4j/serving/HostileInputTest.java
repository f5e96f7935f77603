package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.github.mlops4j.serving.metrics.ServingMetrics;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.SGD;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Whatever a caller puts in a request is the caller's problem: it is refused as {@link
 * InvalidInputException} (with a bounded message) and never counts against a version, so it cannot
 * roll a healthy canary back, move an alias or write to the audit trail.
 */
class HostileInputTest {
  /** Routed into a 10% canary: its unit hash is 0.087 (see StickyRoutingProperties). */
  private static final String CANARY_USER = "ab";

  private static final int MAX_MESSAGE = 4096;
  private static final String HUGE = "v".repeat(50_000_000);

  @TempDir Path workspace;

  /** A key or value whose toString() throws. */
  private static final class Evil {
    @Override
    public String toString() {
      throw new IllegalStateException("toString refused");
    }
  }

  /** A number that cannot be read. */
  private static final class EvilNumber extends Number {
    private static final long serialVersionUID = 1L;

    @Override
    public int intValue() {
      throw new ArithmeticException("no");
    }

    @Override
    public long longValue() {
      throw new ArithmeticException("no");
    }

    @Override
    public float floatValue() {
      throw new ArithmeticException("no");
    }

    @Override
    public double doubleValue() {
      throw new ArithmeticException("no");
    }

    @Override
    public String toString() {
      throw new IllegalStateException("toString refused");
    }
  }

  private static Map<String, Object> canaryRequest(double x1, double x2, double x3) {
    Map<String, Object> m = TestModels.request(x1, x2, x3);
    m.put("user", CANARY_USER);
    return m;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, Object> withRawKey(Object key, Object value) {
    Map raw = canaryRequest(1, 1, 1);
    raw.put(key, value);
    return raw;
  }

  /** Each hostile request, and a word on what it is. */
  private static List<Map.Entry<String, Supplier<Map<String, ?>>>> hostileRequests() {
    return List.of(
        Map.entry("a null key", () -> withRawKey(null, 1.0)),
        Map.entry("x1 = 1e308", () -> canaryRequest(1e308, 1, 1)),
        Map.entry("x1 = 1e308, x2 = -1e308", () -> canaryRequest(1e308, -1e308, 1)),
        Map.entry(
            "all Double.MAX_VALUE",
            () -> canaryRequest(Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE)),
        Map.entry(
            "all -Double.MAX_VALUE",
            () -> canaryRequest(-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE)),
        Map.entry("a key whose toString throws", () -> withRawKey(new Evil(), 1.0)),
        Map.entry("a non-text key", () -> withRawKey(42, 1.0)),
        Map.entry(
            "an unknown field whose value's toString throws",
            () -> withRawKey("extra", new Evil())),
        Map.entry("a number that cannot be read", () -> withRawKey("x1", new EvilNumber())),
        Map.entry("a 50 MB unknown value", () -> withRawKey("blob", HUGE)),
        Map.entry("a 50 MB text for a number", () -> withRawKey("x1", HUGE)),
        Map.entry("a 50 MB unknown field name", () -> withRawKey(HUGE, 1.0)),
        Map.entry(
            "5,000 unknown fields",
            () -> {
              Map<String, Object> m = canaryRequest(1, 1, 1);
              for (int i = 0; i < 5_000; i++) {
                m.put("unknown_" + i, HUGE);
              }
              return m;
            }),
        Map.entry("a routing key whose toString throws", () -> withRawKey("user", new Evil())),
        Map.entry(
            "a map that cannot be read",
            () ->
                new AbstractMap<String, Object>() {
                  @Override
                  public Set<Entry<String, Object>> entrySet() {
                    throw new UnsupportedOperationException("unreadable");
                  }
                }));
  }

  @ParameterizedTest(name = "micro-batched: {0}")
  @ValueSource(booleans = {false, true})
  void hostileRequestsNeverRollAHealthyCanaryBack(boolean microBatched) throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(0), null); // a healthy candidate
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "candidate", 1);
      registry.setAlias("churn", "candidate", 2);
      List<AuditEntry> auditBefore = registry.auditLog("churn");
      Map<String, Integer> aliasesBefore = registry.aliases("churn");
      List<ServingEvent> events = new CopyOnWriteArrayList<>();
      Routing routing =
          Routing.canary(
                  Target.alias("candidate"),
                  10,
                  CanaryPolicy.defaults()
                      .maxP99(Duration.ofDays(1))
                      .window(20, 10)
                      .maxErrorRate(0.2)
                      .rollbackAlias(true))
              .stickyBy("user");
      InferenceService.Builder b =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .routing(routing)
              .meters(MicrometerServingMeters.of(meters))
              .listener(PredictionListener.onServingEvent(events::add));
      if (microBatched) {
        b.microBatching(8, Duration.ZERO, 256);
      }
      try (InferenceService s = b.build()) {
        assertThat(s.predict(canaryRequest(1, 1, 1)).route()).isEqualTo("canary");
        for (Map.Entry<String, Supplier<Map<String, ?>>> hostile : hostileRequests()) {
          for (int i = 0; i < 25; i++) { // over the window's minimum, every one would count
            Map<String, ?> request = hostile.getValue().get();
            assertThatThrownBy(() -> s.predict(request))
                .as(hostile.getKey())
                .isInstanceOf(InvalidInputException.class)
                .satisfies(
                    e ->
                        assertThat(e.getMessage().length())
                            .as(hostile.getKey())
                            .isLessThan(MAX_MESSAGE));
          }
        }
        s.refresh(Duration.ofSeconds(30)); // runs after any rollback queued on the loader
        assertThat(s.canaryActive()).isTrue();
        assertThat(s.routes()).containsEntry("canary", 2);
        assertThat(s.predict(canaryRequest(1, 1, 1)))
            .satisfies(
                p -> {
                  assertThat(p.route()).isEqualTo("canary");
                  assertThat(p.version()).isEqualTo(2);
                });
        assertThat(events).noneMatch(e -> e instanceof ServingEvent.CanaryRolledBack);
        assertThat(meters.find(ServingMetrics.PREDICT).tag("outcome", "error").timers())
            .allSatisfy(t -> assertThat(t.count()).as(t.getId().toString()).isZero());
        assertThat(meters.find(ServingMetrics.CANARY_ROLLBACKS).counter().count()).isZero();
      }
      assertThat(registry.aliases("churn")).isEqualTo(aliasesBefore);
      assertThat(registry.auditLog("churn")).isEqualTo(auditBefore);
    }
  }

  @Test
  void problemsNameTheFieldAndReasonWithBoundedDetail() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService s =
          InferenceService.builder().registry(registry).model("churn").build()) {
        assertThat(problems(s, withRawKey(null, 1.0)))
            .extracting(InvalidInputException.Problem::reason)
            .contains(Reason.INVALID_NAME);
        assertThat(problems(s, withRawKey(new Evil(), 1.0)))
            .extracting(InvalidInputException.Problem::reason)
            .contains(Reason.INVALID_NAME);
        assertThat(problems(s, withRawKey("x1", new EvilNumber())))
            .extracting(InvalidInputException.Problem::reason)
            .containsExactly(Reason.UNREADABLE);
        assertThat(problems(s, TestModels.request(1e308, 1, 1)))
            .singleElement()
            .satisfies(
                p -> {
                  assertThat(p.field()).isEqualTo("x1");
                  assertThat(p.reason()).isEqualTo(Reason.OUT_OF_RANGE);
                  assertThat(p.detail()).contains("1.0E308").contains("no usable output");
                });
        // an extreme value the model still answers is a prediction
        assertThat(s.predict(TestModels.request(1e10, 1, 1)).output()).isEqualTo("yes");

        Map<String, Object> many = TestModels.request(1, 1, 1);
        for (int i = 0; i < 5_000; i++) {
          many.put("unknown_" + i, i);
        }
        InvalidInputException e = catchInvalid(s, many);
        assertThat(e.problems())
            .hasSize(5_000)
            .allSatisfy(p -> assertThat(p.reason()).isEqualTo(Reason.UNKNOWN));
        assertThat(e.getMessage())
            .hasSizeLessThan(MAX_MESSAGE)
            .contains("4990 more")
            .containsOnlyOnce("x1, x2, x3");
        InvalidInputException big = catchInvalid(s, withRawKey("x1", HUGE));
        assertThat(big.getMessage()).hasSizeLessThan(MAX_MESSAGE).contains("50000000 chars");
        assertThat(big.problems())
            .filteredOn(p -> p.field().equals("x1"))
            .singleElement()
            .satisfies(
                p -> {
                  assertThat(p.reason()).isEqualTo(Reason.WRONG_TYPE);
                  assertThat(p.detail().length()).isLessThan(400);
                });
      }
    }
  }

  /**
   * The other side of the rule: a version that gives no output for input inside its training range
   * is broken, counts against itself, and is rolled back as a canary. Its training diverged (plain
   * SGD with a learning rate of Double.MAX_VALUE): its weights are NaN.
   */
  @Test
  void aVersionWithNoOutputForInRangeInputIsAModelErrorAndItsCanaryIsRolledBack() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", divergedClassifier(), null);
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "candidate", 1);
      registry.setAlias("churn", "candidate", 2);
      try (InferenceService s =
          InferenceService.builder().registry(registry).model("churn").version(2).build()) {
        assertThatThrownBy(() -> s.predict(TestModels.request(1, 1, 1)))
            .isInstanceOf(ServingException.class)
            .isNotInstanceOf(InvalidInputException.class)
            .hasMessageContaining("no usable output")
            .hasMessageContaining("training range");
      }
      java.util.concurrent.CountDownLatch rolledBack = new java.util.concurrent.CountDownLatch(1);
      Routing routing =
          Routing.canary(
                  Target.alias("candidate"),
                  10,
                  CanaryPolicy.defaults()
                      .maxP99(Duration.ofDays(1))
                      .window(20, 10)
                      .maxErrorRate(0.2)
                      .rollbackAlias(true))
              .stickyBy("user");
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .routing(routing)
              .listener(
                  PredictionListener.onServingEvent(
                      e -> {
                        if (e instanceof ServingEvent.CanaryRolledBack) {
                          rolledBack.countDown();
                        }
                      }))
              .build()) {
        int failures = 0;
        while (rolledBack.getCount() > 0 && failures < 10) {
          assertThatThrownBy(() -> s.predict(canaryRequest(1, 1, 1)))
              .isNotInstanceOf(InvalidInputException.class);
          failures++;
        }
        assertThat(rolledBack.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(registry.aliases("churn")).containsEntry("candidate", 1);
        assertThat(s.predict(canaryRequest(1, 1, 1)).version()).isEqualTo(1);
      }
    }
  }

  private static Model<Label> divergedClassifier() {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("diverged", factory), factory);
    Random random = new Random(9);
    for (int i = 0; i < 200; i++) {
      double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      data.add(new ArrayExample<>(new Label(x[1] > 0 ? "yes" : "no"), TestModels.X, x));
    }
    return new LinearSGDTrainer(
            new LogMulticlass(), SGD.getSimpleSGD(Double.MAX_VALUE), 5, 1000, 1, 1L)
        .train(data);
  }

  private static List<InvalidInputException.Problem> problems(
      InferenceService s, Map<String, ?> request) {
    return catchInvalid(s, request).problems();
  }

  private static InvalidInputException catchInvalid(InferenceService s, Map<String, ?> request) {
    try {
      s.predict(request);
    } catch (InvalidInputException e) {
      assertThat(e.getMessage()).hasSizeLessThan(MAX_MESSAGE);
      return e;
    }
    throw new AssertionError("expected an InvalidInputException");
  }
}
