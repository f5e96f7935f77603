package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.routing.CanaryPolicy;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

class CanaryTest {
  @TempDir Path workspace;

  @Test
  void aFailingCanaryIsRolledBackAndThePrimaryKeepsServing() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      Model<Label> good = TestModels.classifier(0);
      registry.register("churn", good, null);
      // v2 was trained on renamed features but registered with v1's signature: requests pass
      // validation and Tribuo finds none of its features, so every canary call fails
      Model<Label> renamed = TestModels.classifier(0, new String[] {"a", "b", "c"});
      registry.register(
          "churn", ModelArtifact.tribuo(renamed).signature(ModelSignature.of(good)), null);
      registry.setAlias("churn", "champion", 1);
      registry.setAlias("churn", "candidate", 1);
      registry.setAlias("churn", "candidate", 2);
      List<ServingEvent> events = new CopyOnWriteArrayList<>();
      CountDownLatch rolledBack = new CountDownLatch(1);
      Routing routing =
          Routing.canary(
              Target.alias("candidate"),
              30,
              CanaryPolicy.defaults()
                  .maxP99(Duration.ofDays(1))
                  .window(20, 10)
                  .maxErrorRate(0.2)
                  .rollbackAlias(true));
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .routing(routing)
              .listener(
                  PredictionListener.onServingEvent(
                      event -> {
                        events.add(event);
                        if (event instanceof ServingEvent.CanaryRolledBack) {
                          rolledBack.countDown();
                        }
                      }))
              .build()) {
        assertThat(s.routes()).containsEntry("primary", 1).containsEntry("canary", 2);
        int failures = 0;
        int calls = 0;
        while (rolledBack.getCount() > 0 && calls < 10_000) {
          calls++;
          try {
            Prediction p = s.predict(TestModels.request(1, 1, 1));
            assertThat(p.route()).isEqualTo("primary");
            assertThat(p.version()).isEqualTo(1);
          } catch (ServingException e) {
            assertThat(e)
                .hasMessageContaining("Version 2")
                .isNotInstanceOf(InvalidInputException.class);
            failures++;
          }
          if (failures >= 10) {
            assertThat(rolledBack.await(10, TimeUnit.SECONDS)).isTrue();
          }
        }
        assertThat(failures).isBetween(10, 12);
        s.refresh(Duration.ofSeconds(10));
        for (int i = 0; i < 500; i++) {
          assertThat(s.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(1);
        }
        assertThat(events)
            .filteredOn(e -> e instanceof ServingEvent.CanaryRolledBack)
            .singleElement()
            .satisfies(
                e -> {
                  ServingEvent.CanaryRolledBack c = (ServingEvent.CanaryRolledBack) e;
                  assertThat(c.canaryVersion()).isEqualTo(2);
                  assertThat(c.reason()).contains("error rate");
                  assertThat(c.aliasRolledBack()).isTrue();
                });
        assertThat(registry.aliases("churn")).containsEntry("candidate", 1);
      }
    }
  }

  @Test
  void aHealthyCanaryTakesItsShare() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .routing(
                  Routing.canary(
                      Target.version(2), 25, CanaryPolicy.defaults().maxP99(Duration.ofDays(1))))
              .build()) {
        int canary = 0;
        for (int i = 0; i < 4_000; i++) {
          Prediction p = s.predict(TestModels.request(1, 1, 1));
          if (p.route().equals("canary")) {
            canary++;
            assertThat(p.version()).isEqualTo(2);
            assertThat(p.output()).isEqualTo("no");
          } else {
            assertThat(p.version()).isEqualTo(1);
          }
        }
        assertThat(canary / 4_000.0).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.04));
        assertThat(s.canaryActive()).isTrue();
      }
    }
  }

  @Test
  void slowCanaryCallsPassTheP99Bound() {
    CanaryMonitor m =
        new CanaryMonitor(CanaryPolicy.defaults().window(100, 50).maxP99(Duration.ofMillis(10)));
    long fast = Duration.ofMillis(1).toNanos();
    long slow = Duration.ofMillis(20).toNanos();
    for (int i = 0; i < 200; i++) {
      assertThat(m.record(false, i % 100 == 99 ? slow : fast)).isNull(); // 1% slow: p99 holds
    }
    String reason = null;
    for (int i = 0; i < 3 && reason == null; i++) {
      reason = m.record(false, slow);
    }
    assertThat(reason).contains("p99");
  }

  @Test
  void theMonitorJudgesOnlyAfterTheMinimumCount() {
    CanaryMonitor m = new CanaryMonitor(CanaryPolicy.defaults().window(10, 5).maxErrorRate(0.5));
    for (int i = 0; i < 4; i++) {
      assertThat(m.record(true, 0)).isNull();
    }
    assertThat(m.record(true, 0)).contains("error rate 1.0000");
  }
}
