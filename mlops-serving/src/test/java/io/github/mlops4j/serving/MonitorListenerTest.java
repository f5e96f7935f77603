package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.monitoring.Monitor;
import io.github.mlops4j.monitoring.PredictionTask;
import io.github.mlops4j.monitoring.WindowSpec;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.monitoring.MonitorListener;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Shadow;
import io.github.mlops4j.serving.routing.Target;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MonitorListener} between a real service and a real monitor (here, beside {@link
 * TestModels}, rather than in the adapter's package).
 */
class MonitorListenerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration SAFETY = Duration.ofSeconds(60);

  @TempDir Path workspace;

  private static Profile reference() {
    ProfileAccumulator acc =
        ProfileAccumulator.create(ProfileSchema.builder().numeric("x1", "x2", "x3").build());
    Random r = new Random(1);
    for (int i = 0; i < 2_000; i++) {
      acc.update(Map.of("x1", r.nextGaussian(), "x2", r.nextGaussian(), "x3", r.nextGaussian()));
    }
    return acc.take();
  }

  /** A request with an entity key that is not a model input. */
  private static Map<String, Object> request(Random r, int i) {
    Map<String, Object> m =
        new HashMap<>(TestModels.request(r.nextGaussian(), r.nextGaussian(), r.nextGaussian()));
    m.put("applicant_id", "A-" + i);
    return m;
  }

  private static Monitor.Builder monitor() {
    return Monitor.builder()
        .model("churn")
        .reference(reference())
        .window(WindowSpec.rows(100))
        .clock(new MutableClock(T0))
        .predictions(PredictionTask.BINARY_CLASSIFICATION);
  }

  @Test
  void labelsRecordedAfterAwaitEventsJoinEveryPrediction() {
    try (ModelRegistry registry = TestModels.registry(workspace);
        Monitor monitor = monitor().ignoreColumns("applicant_id").build()) {
      registry.register("churn", TestModels.classifier(0), null);
      MonitorListener feed = MonitorListener.builder(monitor).score("yes").build();
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .ignoreFields("applicant_id")
              .listener(feed)
              .build()) {
        Random r = new Random(2);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          predictions.add(s.predict(request(r, i)));
        }
        s.awaitEvents(SAFETY);
        int joined = 0;
        for (Prediction p : predictions) {
          if (monitor.recordLabel(p.id(), p.output().equals("yes"))) {
            joined++;
          }
        }
        assertThat(joined).isEqualTo(500);
        assertThat(feed.observed()).isEqualTo(500);
        assertThat(feed.predictionsRecorded()).isEqualTo(500);
        assertThat(feed.failures()).isZero();
        assertThat(monitor.stats().rowsObserved()).isEqualTo(500);
        assertThat(monitor.stats().rowsRejected()).isZero();
        assertThat(monitor.stats().labelsMatched()).isEqualTo(500);
        // labels count in the window in which they arrive: the open one
        assertThat(monitor.flush().orElseThrow().performance().orElseThrow().labelled())
            .isEqualTo(500);
        assertThat(s.listenerFailures()).isZero();
      }
    }
  }

  @Test
  void requestsInOneHotFormAreObservedAsTheirCategoricalField() {
    ProfileAccumulator acc =
        ProfileAccumulator.create(
            ProfileSchema.builder().numeric("x1").categorical("plan").build());
    for (String plan : List.of("gold", "silver", "bronze")) {
      acc.update(Map.of("x1", 0.5, "plan", plan));
    }
    try (ModelRegistry registry = TestModels.registry(workspace);
        Monitor monitor =
            Monitor.builder()
                .model("plans")
                .reference(acc.take())
                .window(WindowSpec.rows(100))
                .clock(new MutableClock(T0))
                .build()) {
      registry.register("plans", TestModels.planClassifier(), null);
      MonitorListener feed = MonitorListener.builder(monitor).build();
      try (InferenceService s =
          InferenceService.builder().registry(registry).model("plans").listener(feed).build()) {
        s.predict(Map.of("x1", 0.2, "plan", "gold"));
        s.predict(Map.of("x1", 0.3, "plan@gold", 0, "plan@silver", 1.0, "plan@bronze", 0));
        s.predict(Map.of("x1", 0.4, "plan@bronze", true));
        s.awaitEvents(SAFETY);
        assertThat(feed.failures()).isZero();
        assertThat(feed.observed()).isEqualTo(3);
        assertThat(monitor.flush().orElseThrow().profile().column("plan").categoryCounts())
            .containsExactlyInAnyOrderEntriesOf(Map.of("gold", 1L, "silver", 1L, "bronze", 1L));
      }
    }
  }

  @Test
  void aMonitorThatRefusesTheRowsNeitherBreaksServingNorLosesTheJoin() {
    try (ModelRegistry registry = TestModels.registry(workspace);
        Monitor monitor = monitor().build()) { // applicant_id not declared: every row refused
      registry.register("churn", TestModels.classifier(0), null);
      MonitorListener feed = MonitorListener.builder(monitor).score("yes").build();
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .ignoreFields("applicant_id")
              .listener(feed)
              .build()) {
        Random r = new Random(3);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
          predictions.add(s.predict(request(r, i)));
        }
        s.awaitEvents(SAFETY);
        assertThat(feed.failures()).isEqualTo(1_000);
        assertThat(feed.observed()).isZero();
        assertThat(monitor.stats().rowsRejected()).isEqualTo(1_000);
        assertThat(s.listenerFailures()).isZero();
        assertThat(predictions)
            .allSatisfy(p -> assertThat(monitor.recordLabel(p.id(), true)).isTrue());
      }
    }
  }

  @Test
  void shadowPredictionsAreSkippedByDefaultAndCanBeFedAlone() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace);
        Monitor primary = monitor().ignoreColumns("applicant_id").build();
        Monitor shadow = monitor().ignoreColumns("applicant_id").build()) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      MonitorListener primaryFeed = MonitorListener.builder(primary).score("yes").build();
      MonitorListener shadowFeed =
          MonitorListener.builder(shadow).score("yes").routes("shadow").build();
      CountDownLatch shadowsSeen = new CountDownLatch(50);
      PredictionListener both =
          new PredictionListener() {
            @Override
            public void onPrediction(PredictionEvent event) {
              primaryFeed.onPrediction(event);
              shadowFeed.onPrediction(event);
              if (event.route().equals("shadow")) {
                shadowsSeen.countDown();
              }
            }
          };
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(1)
              .routing(Routing.single().withShadow(new Shadow(Target.version(2), 1.0, 1000)))
              .ignoreFields("applicant_id")
              .listener(both)
              .build()) {
        Random r = new Random(4);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          predictions.add(s.predict(request(r, i)));
        }
        // shadow predictions run on their own thread and are queued when they finish
        assertThat(shadowsSeen.await(SAFETY.toSeconds(), TimeUnit.SECONDS)).isTrue();
        s.awaitEvents(SAFETY);
        assertThat(primaryFeed.observed()).isEqualTo(50);
        assertThat(primaryFeed.skipped()).isEqualTo(50);
        assertThat(shadowFeed.observed()).isEqualTo(50);
        assertThat(shadowFeed.skipped()).isEqualTo(50);
        for (Prediction p : predictions) {
          assertThat(primary.recordLabel(p.id(), true)).isTrue();
          assertThat(shadow.recordLabel(p.id(), true)).isTrue();
        }
      }
    }
  }

  @Test
  void binaryClassificationNeedsTheScoreToRecord() {
    try (Monitor monitor = monitor().build()) {
      assertThatThrownBy(() -> MonitorListener.builder(monitor).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(".score(");
    }
  }
}
