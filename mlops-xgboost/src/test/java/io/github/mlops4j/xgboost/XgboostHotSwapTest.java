package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.registry.ModelFormatLoader;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Moving an alias between two XGBoost versions (the binary classifier, v1, and the 3-class one, v2)
 * while callers predict: every call answers Python's probabilities of the version that answered;
 * after each move every caller gets an answer from the new version; retired versions' boosters are
 * disposed.
 */
class XgboostHotSwapTest {
  private static final int CALLERS = 4;
  private static final int MOVES = 10;

  @TempDir Path workspace;

  /** Delegates to an {@link XgboostLoader} and keeps the models it made. */
  private static final class Recording implements ModelFormatLoader {
    final XgboostLoader delegate = XgboostLoader.builder().poolSize(2).build();
    final List<XgboostModel<?>> models = new CopyOnWriteArrayList<>();

    @Override
    public String format() {
      return delegate.format();
    }

    @Override
    public <T extends Output<T>> Model<T> load(
        ModelVersion version, byte[] bytes, Class<T> outputType) {
      Model<T> m = delegate.load(version, bytes, outputType);
      models.add((XgboostModel<?>) m);
      return m;
    }
  }

  @Test
  void swapsUnderConcurrentLoad() throws Exception {
    List<Map<String, Double>> rows = Fixtures.rows(false);
    List<double[]> python = Fixtures.python(false);
    Recording loader = new Recording();
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(workspace)
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build()) {
      registry.register(
          "churn",
          XgboostArtifact.of(Fixtures.file("classifier.json"))
              .classification("no", "yes")
              .toArtifact(),
          null);
      registry.register(
          "churn",
          XgboostArtifact.of(Fixtures.file("multiclass.ubj"))
              .classification("no", "maybe", "yes")
              .toArtifact(),
          null);
      registry.setAlias("churn", "champion", 1);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").alias("champion").build()) {
        AtomicInteger target = new AtomicInteger(1);
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
                        double want =
                            p.version() == 1
                                ? python.get(row)[Fixtures.CLASSIFIER_P0 + 1]
                                : python.get(row)[Fixtures.MULTICLASS_P0 + 2];
                        assertThat(p.version()).isIn(1, 2);
                        assertThat(p.score("yes")).isCloseTo(want, within(1e-6));
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
        assertThat(loader.models).hasSizeGreaterThanOrEqualTo(2);
      }
      // the service is closed: every version it loaded has disposed its boosters
      assertThat(loader.models).allSatisfy(m -> assertThat(m.isClosed()).isTrue());
    }
  }
}
