package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving an alias between two ONNX versions while callers predict: every call answers, from one
 * version or the other, with the probabilities of a plain {@code OrtSession.run}; after each move
 * every caller gets an answer from the new version.
 */
class OnnxHotSwapTest {
  private static final int CALLERS = 4;
  private static final int MOVES = 10;

  @TempDir Path workspace;

  @Test
  void swapsUnderConcurrentLoad() throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows();
    float[][] raw = RawOnnx.run(Fixtures.file("classifier.onnx"), rows).get("probabilities");
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      // the same scikit-learn model in its two output layouts: tensor (v1), ZipMap (v2)
      for (String file : List.of("classifier.onnx", "classifier_zipmap.onnx")) {
        registry.register(
            "churn",
            OnnxArtifact.of(Fixtures.file(file))
                .columns("tenure", "age", "spend", "visits")
                .classification("no", "yes")
                .toArtifact(),
            null);
      }
      registry.setAlias("churn", "champion", 1);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        AtomicInteger target = new AtomicInteger(1);
        // seen[m]: counted down once by each caller when it first gets an answer from move m
        CountDownLatch[] seen = new CountDownLatch[MOVES + 1];
        for (int m = 0; m <= MOVES; m++) {
          seen[m] = new CountDownLatch(CALLERS);
        }
        AtomicInteger move = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
          int first = c;
          Thread t =
              new Thread(
                  () -> {
                    int counted = -1;
                    for (int i = first; !stop.get(); i++) {
                      int m = move.get();
                      int expected = target.get();
                      int row = i % rows.size();
                      try {
                        Prediction p = service.predict(rows.get(row), Duration.ofMinutes(1));
                        assertThat(p.version()).isIn(1, 2);
                        assertThat(p.score("yes")).isCloseTo(raw[row][1], within(1e-6));
                        if (p.version() == expected && m == move.get()) {
                          while (counted < m) {
                            seen[++counted].countDown();
                          }
                        }
                      } catch (Throwable e) {
                        errors.add(e);
                        return;
                      }
                    }
                  },
                  "caller-" + c);
          t.start();
          callers.add(t);
        }
        try {
          assertThat(seen[0].await(1, TimeUnit.MINUTES)).isTrue(); // safety nets, not timings
          for (int m = 1; m <= MOVES; m++) {
            int to = m % 2 == 1 ? 2 : 1;
            registry.setAlias("churn", "champion", to);
            service.refresh(Duration.ofMinutes(1));
            target.set(to);
            move.set(m);
            assertThat(seen[m].await(1, TimeUnit.MINUTES)).as("move %d", m).isTrue();
            assertThat(errors).isEmpty();
          }
        } finally {
          stop.set(true);
          for (Thread t : callers) {
            t.join(TimeUnit.MINUTES.toMillis(1));
          }
        }
        assertThat(errors).isEmpty();
        assertThat(service.activeVersion()).isEqualTo(MOVES % 2 == 1 ? 2 : 1);
      }
    }
  }
}
