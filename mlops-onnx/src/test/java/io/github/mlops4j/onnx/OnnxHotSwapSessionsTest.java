package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionEvent;
import io.github.mlops4j.serving.PredictionListener;
import io.github.mlops4j.serving.ServingEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory across 1,000 hot swaps: every onnxruntime session the loader opened is closed,
 * except those of the versions the service still holds, while a caller predicts throughout. Counts
 * sessions through {@link OnnxLoader}'s counters (RSS is measured by the benchmark program, not
 * here).
 */
class OnnxHotSwapSessionsTest {
  private static final int MOVES = 1_000;

  /** A service holds the serving version and the two that served last (ServiceCore.RETAINED). */
  private static final int HELD = 3;

  @TempDir Path workspace;

  @Test
  void sessionsOfRetiredVersionsAreClosedAcross1000Swaps() throws Exception {
    OnnxLoader loader = OnnxLoader.builder().build();
    List<Map<String, Double>> rows = Fixtures.rows();
    float[][] raw = RawOnnx.run(Fixtures.file("classifier.onnx"), rows).get("probabilities");
    Semaphore released = new Semaphore(0);
    PredictionListener onRelease =
        new PredictionListener() {
          @Override
          public void onPrediction(PredictionEvent event) {}

          @Override
          public void onEvent(ServingEvent event) {
            if (event instanceof ServingEvent.VersionReleased) {
              released.release();
            }
          }
        };
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(workspace)
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build()) {
      // four versions of the two layouts of the same model: moving the alias round them makes the
      // service load one version and retire another on every move
      for (int v = 1; v <= 4; v++) {
        registry.register(
            "churn",
            OnnxArtifact.of(
                    Fixtures.file(v % 2 == 1 ? "classifier.onnx" : "classifier_zipmap.onnx"))
                .columns("tenure", "age", "spend", "visits")
                .classification("no", "yes")
                .toArtifact(),
            null);
      }
      registry.setAlias("churn", "champion", 1);
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      AtomicLong answered = new AtomicLong();
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .listener(onRelease)
              .build()) {
        Thread caller =
            new Thread(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    int row = i % rows.size();
                    try {
                      Prediction p = service.predict(rows.get(row), Duration.ofMinutes(1));
                      assertThat(p.score("yes")).isCloseTo(raw[row][1], within(1e-6));
                      answered.incrementAndGet();
                    } catch (Throwable e) {
                      errors.add(e);
                      return;
                    }
                  }
                },
                "caller");
        caller.start();
        try {
          // 1,000 moves between two versions: both stay loaded, no session is opened again
          for (int m = 1; m <= MOVES; m++) {
            registry.setAlias("churn", "champion", m % 2 == 1 ? 2 : 1);
            service.refresh(Duration.ofMinutes(1));
          }
          assertThat(loader.sessionsOpened.get()).isEqualTo(2);
          assertThat(loader.sessionsClosed.get()).isZero();
          // 1,000 moves round four versions: every move opens one session and retires one
          for (int m = 1; m <= MOVES; m++) {
            registry.setAlias("churn", "champion", 1 + m % 4);
            service.refresh(Duration.ofMinutes(1));
            assertThat(service.activeVersion()).isEqualTo(1 + m % 4);
          }
          awaitUntil(
              () -> loader.sessionsOpened.get() - loader.sessionsClosed.get(), HELD, released);
          assertThat(loader.sessionsOpened.get()).isGreaterThanOrEqualTo(MOVES);
        } finally {
          stop.set(true);
          caller.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(errors).isEmpty();
        assertThat(answered.get()).isPositive();
      }
      // closing the service closes the sessions it held
      assertThat(loader.sessionsClosed.get()).isEqualTo(loader.sessionsOpened.get());
    }
  }

  /** Waits, release event by release event, until {@code value} is {@code expected}. */
  private static void awaitUntil(LongSupplier value, long expected, Semaphore events)
      throws InterruptedException {
    long now;
    while ((now = value.getAsLong()) != expected) { // one read: a release may land between two
      assertThat(now).isGreaterThan(expected);
      // a safety net, not a timing: each release event is followed by a new look
      assertThat(events.tryAcquire(1, TimeUnit.MINUTES)).as("a version release").isTrue();
    }
  }
}
