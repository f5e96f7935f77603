package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Closing the context refuses new predictions, waits for those in flight, flushes the tracker. */
class GracefulDrainTest {
  @TempDir Path workspace;

  /** A request that, once read, says so and waits for {@code go}. */
  static final class HeldRequest extends AbstractMap<String, Object> {
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch go = new CountDownLatch(1);
    private final Map<String, Object> customer;

    HeldRequest(Map<String, Object> customer) {
      this.customer = customer;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      reading.countDown();
      try {
        go.await(60, TimeUnit.SECONDS); // safety net only; the test counts it down
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return customer.entrySet();
    }
  }

  static final CountDownLatch refusing = new CountDownLatch(1);

  @Configuration(proxyBeanMethods = false)
  static class Readiness {
    @Bean
    ApplicationListener<AvailabilityChangeEvent<ReadinessState>> readinessWatcher() {
      return e -> {
        if (e.getState() == ReadinessState.REFUSING_TRAFFIC) {
          refusing.countDown();
        }
      };
    }
  }

  @Test
  void closingDrainsPredictionsInFlightThenFlushesTheTracker() throws Exception {
    ChurnFixture.register(workspace);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    String[] runId = new String[1];
    try {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(MlopsAutoConfiguration.class))
          .withUserConfiguration(Readiness.class)
          .withPropertyValues(
              "mlops.workspace=" + workspace,
              "mlops.serving.models.churn.alias=champion",
              "mlops.serving.shutdown-timeout=60s")
          .run(
              ctx -> {
                InferenceService churn = ctx.getBean("churn", InferenceService.class);
                ServedModels.Served served = ctx.getBean(ServedModels.class).models().get("churn");
                Run run = ctx.getBean(Tracker.class).startRun("drain");
                runId[0] = run.id();
                run.logMetric("auc", 0.91, 0);

                HeldRequest held = new HeldRequest(ChurnFixture.customer(1, 2));
                CompletableFuture<Prediction> inFlight =
                    CompletableFuture.supplyAsync(() -> churn.predict(held), threads);
                assertThat(held.reading.await(60, TimeUnit.SECONDS)).isTrue();
                assertThat(served.inFlight()).isEqualTo(1);

                CompletableFuture<Void> closing = CompletableFuture.runAsync(ctx::close, threads);
                assertThat(refusing.await(60, TimeUnit.SECONDS)).isTrue();
                assertThat(served.draining()).isTrue();
                // the services close right after readiness turns: new calls are refused
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                boolean refused = false;
                while (!refused && System.nanoTime() < until) {
                  try {
                    churn.predict(ChurnFixture.customer(9, 9));
                  } catch (ModelUnavailableException expected) {
                    refused = true;
                  }
                }
                assertThat(refused).isTrue();
                assertThatThrownBy(() -> churn.predict(ChurnFixture.customer(9, 9)))
                    .isInstanceOf(ModelUnavailableException.class);
                // the close waits for the held call (a safety bound, not a timing)
                until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!served.inFlight.waiting() && System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
                assertThat(served.inFlight.waiting()).isTrue();
                assertThat(inFlight).isNotDone();
                assertThat(closing).isNotDone();
                assertThat(served.inFlight()).isEqualTo(1);

                held.go.countDown();
                closing.get(60, TimeUnit.SECONDS);
                assertThat(inFlight).isDone();
                Prediction p = inFlight.get();
                assertThat(p.output())
                    .isEqualTo(ChurnFixture.tribuoPredicts(ChurnFixture.train(11), 1, 2));
                assertThat(served.inFlight()).isZero();
              });
    } finally {
      threads.shutdownNow();
    }
    try (Tracker reopened = Tracker.open(workspace)) {
      List<MetricPoint> auc = reopened.metricHistory(runId[0], "auc");
      assertThat(auc).extracting(MetricPoint::value).containsExactly(0.91);
    }
  }

  @Test
  void closingWaitsForPredictAllInFlight() throws Exception {
    ChurnFixture.register(workspace);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(MlopsAutoConfiguration.class))
          .withPropertyValues(
              "mlops.workspace=" + workspace,
              "mlops.serving.models.churn.alias=champion",
              "mlops.serving.shutdown-timeout=60s")
          .run(
              ctx -> {
                InferenceService churn = ctx.getBean("churn", InferenceService.class);
                ServedModels.Served served = ctx.getBean(ServedModels.class).models().get("churn");
                HeldRequest held = new HeldRequest(ChurnFixture.customer(1, 2));
                CompletableFuture<List<Prediction>> inFlight =
                    CompletableFuture.supplyAsync(
                        () -> churn.predictAll(List.of(ChurnFixture.customer(9, 8), held)),
                        threads);
                assertThat(held.reading.await(60, TimeUnit.SECONDS)).isTrue();
                assertThat(served.inFlight()).as("predictAll counts as in flight").isEqualTo(1);

                CompletableFuture<Void> closing = CompletableFuture.runAsync(ctx::close, threads);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // safety bound
                while (!served.inFlight.waiting() && System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
                assertThat(served.inFlight.waiting()).isTrue();
                assertThat(closing).isNotDone();

                held.go.countDown();
                closing.get(60, TimeUnit.SECONDS);
                assertThat(inFlight.get(60, TimeUnit.SECONDS))
                    .extracting(Prediction::output)
                    .containsExactly(
                        ChurnFixture.tribuoPredicts(ChurnFixture.train(11), 9, 8),
                        ChurnFixture.tribuoPredicts(ChurnFixture.train(11), 1, 2));
                assertThat(served.inFlight()).isZero();
              });
    } finally {
      threads.shutdownNow();
    }
  }
}
