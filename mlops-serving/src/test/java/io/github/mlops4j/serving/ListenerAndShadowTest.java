package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Shadow;
import io.github.mlops4j.serving.routing.Target;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerAndShadowTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path workspace;

  /** Collects everything and counts predictions down. */
  static final class Collector implements PredictionListener {
    final List<PredictionEvent> predictions = new CopyOnWriteArrayList<>();
    final List<ServingEvent> events = new CopyOnWriteArrayList<>();
    final CountDownLatch latch;

    Collector(int expected) {
      latch = new CountDownLatch(expected);
    }

    @Override
    public void onPrediction(PredictionEvent event) {
      predictions.add(event);
      latch.countDown();
    }

    @Override
    public void onEvent(ServingEvent event) {
      events.add(event);
    }
  }

  @Test
  void predictionsReachTheListenerWithTheirIdOffTheCallersThread() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      Collector c = new Collector(1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .listener(c)
              .clock(Clock.fixed(NOW, ZoneOffset.UTC))
              .validation(ValidationPolicy.fill(0.0))
              .build()) {
        Map<String, Object> request = TestModels.request(1, 2, 3);
        request.remove("x3");
        Prediction p = s.predict(request);
        assertThat(c.latch.await(10, TimeUnit.SECONDS)).isTrue();
        PredictionEvent e = c.predictions.get(0);
        assertThat(e.id()).isEqualTo(p.id());
        assertThat(e.version()).isEqualTo(1);
        assertThat(e.route()).isEqualTo("primary");
        assertThat(e.output()).isEqualTo(p.output());
        assertThat(e.scores()).isEqualTo(p.scores());
        assertThat(e.inputs()).isEqualTo(Map.of("x1", 1.0, "x2", 2.0));
        assertThat(e.timestamp()).isEqualTo(NOW);
        assertThat(e.warnings()).containsExactly("filled 'x3' with 0.0");
        assertThat(c.events).first().isInstanceOf(ServingEvent.VersionLoaded.class);
      }
    }
  }

  @Test
  @SuppressWarnings("try") // closes inside its try-with-resources on purpose
  void sampleRateZeroSendsNoPredictions() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      Collector c = new Collector(1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(1)
              .listener(c)
              .sampleRate(0)
              .routing(Routing.single().withShadow(Target.version(2)))
              .build()) {
        Prediction p = s.predict(TestModels.request(1, 1, 1));
        // the shadow result still arrives; the sampled primary does not
        assertThat(c.latch.await(10, TimeUnit.SECONDS)).isTrue();
        s.close(); // delivers the queued events; closing again at the end does nothing
        assertThat(c.predictions)
            .singleElement()
            .satisfies(
                e -> {
                  assertThat(e.route()).isEqualTo("shadow");
                  assertThat(e.id()).isEqualTo(p.id());
                });
      }
    }
  }

  @Test
  void shadowResultsAreRecordedButNeverReturned() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      Collector c = new Collector(200);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(1)
              .listener(c)
              .routing(Routing.single().withShadow(new Shadow(Target.version(2), 1.0, 1000)))
              .build()) {
        for (int i = 0; i < 100; i++) {
          Prediction p = s.predict(TestModels.request(1, 1, 1));
          assertThat(p.version()).isEqualTo(1);
          assertThat(p.output()).isEqualTo("yes");
          assertThat(p.route()).isEqualTo("primary");
        }
        assertThat(c.latch.await(10, TimeUnit.SECONDS)).isTrue();
        List<PredictionEvent> shadows =
            c.predictions.stream().filter(e -> e.route().equals("shadow")).toList();
        assertThat(shadows)
            .hasSize(100)
            .allSatisfy(
                e -> {
                  assertThat(e.version()).isEqualTo(2);
                  assertThat(e.output()).isEqualTo("no");
                });
        assertThat(shadows.stream().map(PredictionEvent::id).distinct().count()).isEqualTo(100);
      }
    }
  }

  @Test
  void aFullEventQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch first = new CountDownLatch(1);
      PredictionListener stuck =
          e -> {
            first.countDown();
            try {
              release.await();
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          };
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .listener(stuck)
              .eventQueueCapacity(5)
              .build()) {
        s.predict(TestModels.request(1, 1, 1));
        first.await();
        for (int i = 0; i < 20; i++) {
          s.predict(TestModels.request(1, 1, 1));
        }
        assertThat(s.droppedEvents()).isEqualTo(15);
        release.countDown();
      }
    }
  }
}
