package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.internal.FailureLog;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.metrics.ServingMetrics;
import io.github.mlops4j.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waiting for asynchronous event delivery, and what happens when the listener throws. */
class EventDeliveryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration SAFETY = Duration.ofSeconds(60);

  @TempDir Path workspace;

  /** Records prediction ids; the first call blocks until {@link #gate} opens. */
  static final class Gated implements PredictionListener {
    final Set<String> ids = ConcurrentHashMap.newKeySet();
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch blocked = new CountDownLatch(1);

    @Override
    public void onPrediction(PredictionEvent event) {
      blocked.countDown();
      try {
        if (!gate.await(SAFETY.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      ids.add(event.id());
    }
  }

  @Test
  void awaitEventsReturnsOnceEveryPredictionMadeBeforeReachedTheListener() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      Gated listener = new Gated();
      try (InferenceService s =
          InferenceService.builder().registry(registry).model("churn").listener(listener).build()) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          ids.add(s.predict(TestModels.request(i % 7 - 3, i % 5 - 2, i % 3)).id());
        }
        assertThat(listener.blocked.await(SAFETY.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // the listener is blocked: the wait cannot succeed and says why
        assertThatThrownBy(() -> s.awaitEvents(Duration.ofMillis(1)))
            .isInstanceOf(ServingException.class)
            .hasMessageStartingWith(
                "500 event(s) queued for the listener of 'churn' before"
                    + " awaitEvents were not delivered within PT0.001S");
        assertThat(listener.ids).isEmpty();
        listener.gate.countDown();
        s.awaitEvents(SAFETY);
        assertThat(listener.ids).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(s.droppedEvents()).isZero();
      }
    }
  }

  @Test
  void awaitEventsWithoutListenerOrAfterCloseReturns() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService s =
          InferenceService.builder().registry(registry).model("churn").build()) {
        s.predict(TestModels.request(1, 1, 1));
        s.awaitEvents(Duration.ZERO);
      }
      List<String> seen = new CopyOnWriteArrayList<>();
      InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .listener(e -> seen.add(e.id()))
              .build();
      String id = s.predict(TestModels.request(1, 1, 1)).id();
      s.close(); // delivers what is queued
      s.awaitEvents(Duration.ZERO);
      assertThat(seen).containsExactly(id);
      assertThatThrownBy(() -> s.awaitEvents(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void awaitEventsFromTheListenerItselfIsRefused() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      List<Throwable> thrown = new CopyOnWriteArrayList<>();
      InferenceService[] holder = new InferenceService[1];
      CountDownLatch built = new CountDownLatch(1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .listener(
                  e -> {
                    try {
                      built.await(SAFETY.toSeconds(), TimeUnit.SECONDS);
                      holder[0].awaitEvents(SAFETY);
                    } catch (InterruptedException | RuntimeException ex) {
                      thrown.add(ex);
                    }
                  })
              .build()) {
        holder[0] = s;
        built.countDown();
        s.predict(TestModels.request(1, 1, 1));
        s.awaitEvents(SAFETY);
        assertThat(thrown).singleElement().isInstanceOf(IllegalStateException.class);
      }
    }
  }

  @Test
  void listenerFailuresAreCountedAndMetered() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .meters(MicrometerServingMeters.of(meters))
              .clock(new MutableClock(T0))
              .listener(
                  e -> {
                    throw new IllegalArgumentException("Unknown column 'applicant_id'");
                  })
              .build()) {
        for (int i = 0; i < 1_000; i++) {
          s.predict(TestModels.request(1, 1, 1));
        }
        s.awaitEvents(SAFETY);
        assertThat(s.listenerFailures()).isEqualTo(1_000);
        assertThat(meters.get(ServingMetrics.EVENTS_FAILED).tag("model", "churn").counter().count())
            .isEqualTo(1_000);
      }
    }
  }

  record Line(String message, @Nullable Throwable stack) {}

  @Test
  void repeatedListenerFailuresAreLoggedOnceThenSummarizedPerInterval() {
    MutableClock clock = new MutableClock(T0);
    List<Line> lines = new CopyOnWriteArrayList<>();
    FailureLog log =
        new FailureLog(
            clock, Duration.ofMinutes(1), (message, stack) -> lines.add(new Line(message, stack)));
    EventDispatcher d =
        new EventDispatcher(
            "churn",
            e -> {
              throw new IllegalStateException("boom " + e.id());
            },
            10_000,
            ServingMeters.noop().open("churn", () -> 0),
            log);
    try {
      for (int i = 0; i < 1_000; i++) {
        d.offer(event("p" + i));
      }
      d.await(SAFETY);
      assertThat(d.listenerFailures()).isEqualTo(1_000);
      assertThat(lines)
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.message())
                    .contains("Prediction listener of 'churn' failed on prediction p0");
                assertThat(l.stack()).hasMessage("boom p0");
              });
      clock.advance(Duration.ofSeconds(59));
      d.offer(event("p1000"));
      d.await(SAFETY);
      assertThat(lines).hasSize(1);
      assertThat(log.suppressed()).isEqualTo(1_000);
      clock.advance(Duration.ofSeconds(1));
      d.offer(event("p1001"));
      d.await(SAFETY);
      assertThat(lines).hasSize(2);
      assertThat(lines.get(1).stack()).isNull();
      assertThat(lines.get(1).message())
          .contains("failed on prediction p1001")
          .contains("boom p1001")
          .contains("1000 more failure(s) not logged since " + T0)
          .contains("1002 in all");
      assertThat(d.listenerFailures()).isEqualTo(1_002);
    } finally {
      d.close(2_000);
    }
  }

  private static PredictionEvent event(String id) {
    return new PredictionEvent(
        id,
        "churn",
        1,
        "primary",
        java.util.Map.of("x1", 1.0),
        "yes",
        java.util.Map.of("yes", 0.9),
        T0,
        List.of());
  }
}
