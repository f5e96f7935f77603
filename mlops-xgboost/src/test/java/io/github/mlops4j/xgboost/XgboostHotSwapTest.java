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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
              InferenceService.builder()
                  .registry(registry)
                  .model("churn")
                  .alias("champion")
                  .build();
          Callers callers = new Callers(service, rows, python)) {
        callers.awaitAnswersFrom(new Move(0, 1));
        for (int m = 1; m <= MOVES; m++) {
          int version = m % 2 == 1 ? 2 : 1;
          registry.setAlias("churn", "champion", version);
          service.refresh(Duration.ofMinutes(1));
          callers.awaitAnswersFrom(new Move(m, version));
        }
        assertThat(service.activeVersion()).isEqualTo(MOVES % 2 == 1 ? 2 : 1);
        assertThat(loader.models).hasSizeGreaterThanOrEqualTo(2);
      }
      // the service is closed: every version it loaded has disposed its boosters
      assertThat(loader.models).allSatisfy(m -> assertThat(m.isClosed()).isTrue());
    }
  }

  /** A move of the alias: its number and the version it points at once refreshed. */
  private record Move(int number, int version) {}

  /**
   * {@value #CALLERS} callers predicting in a loop; after a move is published, each caller that
   * gets an answer from the move's version counts the move's latch down once.
   */
  private static final class Callers implements AutoCloseable {
    private final ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
    private final AtomicReference<Move> move = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> answered = new AtomicReference<>();
    private final List<AtomicInteger> counted = new ArrayList<>();
    private final List<Future<?>> loops = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    Callers(InferenceService service, List<Map<String, Double>> rows, List<double[]> python) {
      for (int c = 0; c < CALLERS; c++) {
        AtomicInteger last = new AtomicInteger(-1);
        counted.add(last);
        int offset = c;
        loops.add(
            pool.submit(
                () -> {
                  for (int i = offset; !stop.get(); i += CALLERS) {
                    Move now = move.get();
                    CountDownLatch latch = answered.get();
                    int row = i % rows.size();
                    Prediction p = service.predict(rows.get(row), Duration.ofMinutes(1));
                    double want =
                        p.version() == 1
                            ? python.get(row)[Fixtures.CLASSIFIER_P0 + 1]
                            : python.get(row)[Fixtures.MULTICLASS_P0 + 2];
                    assertThat(p.score("yes")).isCloseTo(want, within(1e-6));
                    if (now != null
                        && latch != null
                        && p.version() == now.version()
                        && last.getAndSet(now.number()) < now.number()) {
                      latch.countDown();
                    }
                  }
                  return null;
                }));
      }
    }

    /** Publishes {@code m} and waits until every caller has had an answer from its version. */
    void awaitAnswersFrom(Move m) throws Exception {
      CountDownLatch latch = new CountDownLatch(CALLERS);
      answered.set(latch);
      move.set(m);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); // a safety net
      while (!latch.await(100, TimeUnit.MILLISECONDS)) {
        assertThat(System.nanoTime() - deadline).as("move %d", m.number()).isNegative();
        for (Future<?> f : loops) {
          if (f.isDone()) {
            f.get(); // a caller failed: its assertion error
          }
        }
      }
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue(); // a safety net
      for (Future<?> f : loops) {
        f.get();
      }
    }
  }
}
