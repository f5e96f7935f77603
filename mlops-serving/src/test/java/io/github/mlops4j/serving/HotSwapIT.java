package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * The alias moves 150 times between three versions whose answers differ while four threads predict:
 * no call fails, every answer comes from a version the alias named during the call, and equals that
 * version's own prediction.
 */
class HotSwapIT {
  private static final int MOVES = 150;
  private static final int THREADS = 4;

  @TempDir Path workspace;

  /** One observed call: the swap epochs around it and what it got. */
  private record Call(
      int epochBefore,
      int epochAfter,
      int version,
      String output,
      double x1,
      double x2,
      double x3) {}

  @Test
  void aliasMovesUnderLoadWithoutFailuresAndWithCorrectAttribution() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      List<Model<Label>> models =
          List.of(TestModels.classifier(0), TestModels.classifier(1), TestModels.classifier(2));
      for (Model<Label> m : models) {
        registry.register("churn", m, null);
      }
      registry.setAlias("churn", "champion", 1);
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .warmUp(List.of(TestModels.request(1, 1, 1)))
              .build()) {
        AtomicIntegerArray history = new AtomicIntegerArray(MOVES + 2);
        history.set(0, 1);
        AtomicInteger epoch = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(THREADS);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          long seed = t;
          Thread w =
              new Thread(
                  () -> {
                    Random r = new Random(seed);
                    started.countDown();
                    while (!stop.get()) {
                      double x1 = r.nextGaussian();
                      double x2 = r.nextGaussian();
                      double x3 = r.nextGaussian();
                      int before = epoch.get();
                      try {
                        Prediction p = service.predict(TestModels.request(x1, x2, x3));
                        calls.add(
                            new Call(before, epoch.get(), p.version(), p.output(), x1, x2, x3));
                      } catch (Throwable e) {
                        failures.add(e);
                      }
                    }
                  });
          w.start();
          workers.add(w);
        }
        started.await();
        for (int move = 1; move <= MOVES; move++) {
          int next = move % 3 + 1;
          registry.setAlias("churn", "champion", next);
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (service.activeVersion() != next) {
            assertThat(System.nanoTime()).as("swap to v%d", next).isLessThan(deadline);
            Thread.onSpinWait();
          }
          history.set(move, next);
          epoch.set(move);
        }
        stop.set(true);
        for (Thread w : workers) {
          w.join();
        }
        assertThat(failures).isEmpty();
        assertThat(calls.size()).isGreaterThan(MOVES);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Call c : calls) {
          // the alias named history[e] from epoch e on, and the next one from the moment it was
          // set, so a call that began in epoch b and ended in epoch a may see history[b..a+1]
          java.util.Set<Integer> allowed = new java.util.HashSet<>();
          for (int e = c.epochBefore(); e <= Math.min(c.epochAfter() + 1, MOVES); e++) {
            allowed.add(history.get(e));
          }
          assertThat(allowed).as("call %s", c).contains(c.version());
          assertThat(c.output())
              .as("call %s", c)
              .isEqualTo(TestModels.expected(models.get(c.version() - 1), c.x1(), c.x2(), c.x3()));
          seen.add(c.version());
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2, 3);
      }
    }
  }

  @Test
  void everyEventIsOrderedAndOldVersionsAreReleasedAfterDraining() throws Exception {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      for (int rule = 0; rule < 3; rule++) {
        registry.register("churn", TestModels.classifier(rule), null);
      }
      registry.register("churn", TestModels.classifier(0), null);
      registry.setAlias("churn", "champion", 1);
      ConcurrentLinkedQueue<ServingEvent> events = new ConcurrentLinkedQueue<>();
      CountDownLatch released = new CountDownLatch(1);
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch go = new CountDownLatch(1);
      try (InferenceService service =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .listener(
                  PredictionListener.onServingEvent(
                      event -> {
                        events.add(event);
                        if (event instanceof ServingEvent.VersionReleased r && r.version() == 1) {
                          released.countDown();
                        }
                      }))
              .build()) {
        // a call holds v1 while the alias moves on three times (v1 falls out of the retained set)
        Thread slow =
            new Thread(
                () ->
                    service.predict(new BlockingRequest(TestModels.request(1, 1, 1), inside, go)));
        slow.start();
        inside.await();
        for (int v = 2; v <= 4; v++) {
          registry.setAlias("churn", "champion", v);
          service.refresh(Duration.ofSeconds(10));
          assertThat(service.activeVersion()).isEqualTo(v);
        }
        assertThat(released.getCount()).isEqualTo(1); // v1 still has a lease
        go.countDown();
        slow.join();
        released.await();
        assertThat(events).filteredOn(e -> e instanceof ServingEvent.Swapped).hasSize(3);
      }
    }
  }
}
