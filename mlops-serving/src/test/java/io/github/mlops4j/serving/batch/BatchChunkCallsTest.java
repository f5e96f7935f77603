package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.PredictionObserver;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.github.mlops4j.serving.metrics.ServingMetrics;
import io.github.mlops4j.serving.routing.Arm;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import io.github.mlops4j.serving.testing.CountingModels;
import io.github.mlops4j.serving.testing.CountingModels.Counting;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code BatchJob} predicts each chunk in one model call per version its rows were routed to; the
 * models are real Tribuo logistic regressions wrapped in a counting model.
 */
class BatchChunkCallsTest {
  @TempDir Path temp;
  CountingModels loader;
  ModelRegistry registry;

  @BeforeEach
  void open() {
    loader = new CountingModels();
    registry =
        ModelRegistry.builder()
            .workspace(temp.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build();
    registry.register("churn", loader.artifact(temp, "v1", BatchFixtures.churnModel(0)), null);
    registry.register("churn", loader.artifact(temp, "v2", BatchFixtures.churnModel(3)), null);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private InferenceService service(int version) {
    return InferenceService.builder().registry(registry).model("churn").version(version).build();
  }

  @Test
  void eachChunkIsOneModelCall_withThePredictionsOfPredict() {
    int rows = 2_500;
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), rows);
    Path out = temp.resolve("out.csv");
    try (InferenceService s = service(1)) {
      BatchResult r =
          BatchJob.builder()
              .service(s)
              .input(in)
              .output(out)
              .passThrough("customer_id")
              .parallelism(1)
              .chunkSize(1_000)
              .build()
              .run();

      assertThat(r.rowsScored()).isEqualTo(rows);
      assertThat(loader.loaded.get(1).batchSizes).containsExactly(1_000, 1_000, 500);
      assertThat(loader.loaded.get(1).singleCalls).hasValue(0);
      List<Map<String, String>> scored = BatchJobTest.readCsv(out);
      for (int i = 0; i < rows; i++) {
        Prediction expected = s.predict(BatchFixtures.request(i));
        Map<String, String> row = scored.get(i);
        assertThat(row.get("customer_id")).isEqualTo("c-" + i);
        assertThat(row.get("output")).isEqualTo(expected.output());
        assertThat(Double.parseDouble(row.get("score_yes"))).isEqualTo(expected.score("yes"));
      }
    }
  }

  @Test
  void anObserverSeesEachChunkAsOneBatchJobList() {
    List<String> lists = new CopyOnWriteArrayList<>();
    PredictionObserver observer =
        new PredictionObserver() {
          @Override
          public @Nullable Object onStart(String model) {
            lists.add("single");
            return null;
          }

          @Override
          public void onEnd(
              @Nullable Object context,
              @Nullable Prediction prediction,
              @Nullable Throwable error) {}

          @Override
          public Object onStartList(String model, int size, boolean batchJob) {
            return model + " " + size + " " + batchJob;
          }

          @Override
          public void onEndList(@Nullable Object context, @Nullable Throwable error) {
            lists.add(context + (error == null ? "" : " failed"));
          }
        };
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), 2_500);
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .version(1)
            .observer(observer)
            .build()) {
      BatchJob.builder()
          .service(s)
          .input(in)
          .output(temp.resolve("out.csv"))
          .parallelism(1)
          .chunkSize(1_000)
          .build()
          .run();
    }
    assertThat(lists).containsExactly("churn 1000 true", "churn 1000 true", "churn 500 true");
  }

  @Test
  void invalidRows_areRejectedWithTheReasonOfPredict_inOrder_andNeverReachTheModel() {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.csv"),
            """
        customer_id,tenure,spend
        c-0,1.5,20
        c-1,abc,20
        c-3,NaN,10
        c-4,2.5,30,extra
        c-6,,10
        c-7,3.0,Infinity
        c-8,9.0,90
        """);
    try (InferenceService s = service(1)) {
      BatchJob job =
          BatchJob.builder()
              .service(s)
              .input(in)
              .output(temp.resolve("out.csv"))
              .passThrough("customer_id")
              .parallelism(1)
              .chunkSize(100)
              .build();

      BatchResult r = job.run();

      assertThat(r.rowsScored()).isEqualTo(2);
      assertThat(loader.loaded.get(1).batchSizes).containsExactly(2);
      List<Map<String, String>> rejects = BatchJobTest.readCsv(job.rejects());
      assertThat(rejects).extracting(m -> m.get("line")).containsExactly("3", "4", "5", "6", "7");
      assertThat(rejects.get(0).get("reason")).isEqualTo("'tenure' is not a number: 'abc'");
      assertThat(rejects.get(1).get("reason"))
          .isEqualTo(reason(s, Map.of("tenure", Double.NaN, "spend", 10.0)));
      assertThat(rejects.get(2).get("reason")).isEqualTo("expected 3 columns but found 4");
      assertThat(rejects.get(3).get("reason")).isEqualTo(reason(s, Map.of("spend", 10.0)));
      assertThat(rejects.get(4).get("reason"))
          .isEqualTo(reason(s, Map.of("tenure", 3.0, "spend", Double.POSITIVE_INFINITY)));
    }
  }

  /** The reject reason of a row that {@code predict} refuses: its problems, as BatchJob writes. */
  private static String reason(InferenceService s, Map<String, Object> request) {
    try {
      s.predict(request);
    } catch (InvalidInputException e) {
      return "invalid input: "
          + e.problems().stream().map(Object::toString).collect(Collectors.joining("; "));
    }
    throw new AssertionError("expected an InvalidInputException");
  }

  @Test
  void abArms_areOneModelCallPerVersionPerChunk_eachRowOnItsStickyArm() {
    int rows = 1_000;
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), rows);
    Path out = temp.resolve("out.csv");
    Routing routing =
        Routing.weighted(Arm.of("a", Target.version(1), 50), Arm.of("b", Target.version(2), 50))
            .stickyBy("customer_id");
    try (InferenceService s =
        InferenceService.builder().registry(registry).model("churn").routing(routing).build()) {
      BatchResult r =
          BatchJob.builder()
              .service(s)
              .input(in)
              .output(out)
              .passThrough("customer_id")
              .requestColumns("customer_id")
              .parallelism(1)
              .chunkSize(500)
              .build()
              .run();

      assertThat(r.rowsScored()).isEqualTo(rows);
      assertThat(loader.loaded.get(1).batchCalls).hasValue(2);
      assertThat(loader.loaded.get(2).batchCalls).hasValue(2);
      List<Map<String, String>> scored = BatchJobTest.readCsv(out);
      for (int i = 0; i < rows; i++) {
        Arm arm = routing.armFor("c-" + i);
        Map<String, String> row = scored.get(i);
        assertThat(row.get("model_version")).isEqualTo(Integer.toString(arm.target().version()));
        Map<String, Object> request = new java.util.HashMap<>(BatchFixtures.request(i));
        request.put("customer_id", "c-" + i);
        assertThat(row.get("output")).isEqualTo(s.predict(request).output());
      }
    }
  }

  @Test
  void anOverloadedChunkIsRetried_untilTheServiceHasRoom() throws Exception {
    int rows = 250;
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), rows);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (InferenceService s =
        InferenceService.builder()
            .registry(registry)
            .model("churn")
            .version(1)
            .maxConcurrency(1)
            .meters(MicrometerServingMeters.of(meters))
            .build()) {
      Counting<?> v1 = loader.loaded.get(1);
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch proceed = new CountDownLatch(1);
      v1.holdNextBatch(entered, proceed);
      Future<List<Prediction>> holder =
          threads.submit(() -> s.predictAll(List.of(BatchFixtures.request(0))));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue(); // it holds the only permit
      Future<BatchResult> job =
          threads.submit(
              () ->
                  BatchJob.builder()
                      .service(s)
                      .input(in)
                      .output(temp.resolve("out.csv"))
                      .parallelism(1)
                      .chunkSize(100)
                      .overloadRetry(Duration.ofMinutes(5))
                      .build()
                      .run());
      long safetyNet = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (overloaded(meters) == 0) { // the job's first chunk was refused at least once
        assertThat(System.nanoTime() - safetyNet).isNegative();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      proceed.countDown();

      BatchResult r = job.get(60, TimeUnit.SECONDS);

      assertThat(holder.get(30, TimeUnit.SECONDS)).hasSize(1);
      assertThat(r.rowsScored()).isEqualTo(rows);
      assertThat(r.rowsRejected()).isZero();
      assertThat(v1.batchSizes).containsExactly(1, 100, 100, 50);
    } finally {
      threads.shutdownNow();
    }
  }

  private static long overloaded(SimpleMeterRegistry meters) {
    return meters.find(ServingMetrics.PREDICT).tag("outcome", "overloaded").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
