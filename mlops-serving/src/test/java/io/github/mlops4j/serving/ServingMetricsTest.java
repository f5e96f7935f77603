package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.metrics.MicrometerServingMeters;
import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.metrics.ServingMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingMetricsTest {
  @TempDir Path workspace;

  @Test
  void timersByOutcomeAndCountersForFillsDropsAndSwaps() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .meters(MicrometerServingMeters.of(meters))
              .build()) {
        for (int i = 0; i < 3; i++) {
          s.predict(TestModels.request(1, 1, 1));
        }
        assertThatThrownBy(() -> s.predict(Map.of("x1", 1.0)))
            .isInstanceOf(InvalidInputException.class);
        assertThat(timer(meters, "1", "ok")).isEqualTo(3);
        assertThat(timer(meters, "1", "invalid")).isEqualTo(1);
        assertThat(timer(meters, "1", "error")).isZero();
        assertThat(meters.get(ServingMetrics.IN_FLIGHT).tag("model", "churn").gauge().value())
            .isZero();
        registry.setAlias("churn", "champion", 2);
        s.refresh(Duration.ofSeconds(10));
        s.predict(TestModels.request(1, 1, 1));
        assertThat(timer(meters, "2", "ok")).isEqualTo(1);
        assertThat(meters.get(ServingMetrics.SWAPS).tag("model", "churn").counter().count())
            .isEqualTo(1);
      }
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(1)
              .meters(MicrometerServingMeters.of(meters))
              .validation(ValidationPolicy.fill(0.0))
              .build()) {
        s.predict(Map.of("x1", 1.0, "x2", 1.0, "extra", 1.0));
        assertThat(
                meters
                    .get(ServingMetrics.INPUTS_FILLED)
                    .tags("model", "churn", "version", "1")
                    .counter()
                    .count())
            .isEqualTo(1);
        assertThat(
                meters
                    .get(ServingMetrics.INPUTS_DROPPED)
                    .tags("model", "churn", "version", "1")
                    .counter()
                    .count())
            .isEqualTo(1);
      }
    }
  }

  @Test
  void twoServicesOfOneModelShareARegistryWithTheirOwnInFlightGauges(@TempDir Path workspace) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService online =
              InferenceService.builder()
                  .registry(registry)
                  .model("churn")
                  .version(1)
                  .meters(MicrometerServingMeters.of(meters))
                  .build();
          InferenceService batch =
              InferenceService.builder()
                  .registry(registry)
                  .model("churn")
                  .version(1)
                  .meters(MicrometerServingMeters.of(meters))
                  .build()) {
        online.predict(TestModels.request(1, 1, 1));
        batch.predict(TestModels.request(1, 1, 1));
        assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges())
            .extracting(g -> g.getId().getTag("service"))
            .containsExactlyInAnyOrder("churn", "churn#2");
        assertThat(timer(meters, "1", "ok")).isEqualTo(2); // the timers are shared
        System.gc(); // the gauges hold their counters strongly: still 0 after a collection
        assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges())
            .allSatisfy(g -> assertThat(g.value()).isZero());
      }
      assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges()).isEmpty();
    }
  }

  /** Meters of the service's model, and gauges of in-flight calls. */
  private static List<Meter> servingMeters(SimpleMeterRegistry meters) {
    return meters.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("mlops.serving."))
        .toList();
  }

  private static Set<String> versionTags(SimpleMeterRegistry meters) {
    Set<String> out = new TreeSet<>();
    for (Meter m : servingMeters(meters)) {
      String v = m.getId().getTag("version");
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  @Test
  void aRetiredVersionsMetersAreRemovedAndCloseRemovesEveryMeter() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      org.tribuo.Model<org.tribuo.classification.Label> model = TestModels.classifier(0);
      for (int v = 1; v <= 13; v++) {
        registry.register("churn", model, null);
      }
      registry.setAlias("churn", "champion", 1);
      InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .meters(MicrometerServingMeters.of(meters))
              .build();
      try {
        s.predict(TestModels.request(1, 1, 1));
        int perVersion = servingMeters(meters).size() - 7; // 6 model counters and the gauge
        assertThat(perVersion).isEqualTo(5 + 2); // 5 outcome timers, filled and dropped
        for (int v = 2; v <= 13; v++) { // 12 alias moves
          registry.setAlias("churn", "champion", v);
          s.refresh(Duration.ofSeconds(30));
          s.refresh(Duration.ofSeconds(30)); // the loader has run the releases queued before
          assertThat(s.predict(TestModels.request(1, 1, 1)).version()).isEqualTo(v);
          // the serving version and the two kept loaded for a quick move back
          assertThat(versionTags(meters))
              .as("after the move to v%s", v)
              .containsExactlyInAnyOrderElementsOf(kept(v));
        }
        assertThat(servingMeters(meters)).hasSize(7 + 3 * perVersion);
        assertThat(timer(meters, "13", "ok")).isEqualTo(1);
      } finally {
        s.close();
      }
      assertThat(meters.getMeters()).isEmpty();
    }
  }

  /** The versions loaded after the alias moved from 1 up to {@code v}. */
  private static List<String> kept(int v) {
    List<String> out = new java.util.ArrayList<>();
    for (int k = Math.max(1, v - 2); k <= v; k++) {
      out.add(Integer.toString(k));
    }
    return out;
  }

  @Test
  void twoServicesSharingAVersionsMetersKeepThemUntilTheLastLetsGo() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      org.tribuo.Model<org.tribuo.classification.Label> model = TestModels.classifier(0);
      for (int v = 1; v <= 5; v++) {
        registry.register("churn", model, null);
      }
      registry.setAlias("churn", "champion", 1);
      InferenceService pinned =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .version(1)
              .meters(MicrometerServingMeters.of(meters))
              .build();
      InferenceService following =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .alias("champion")
              .meters(MicrometerServingMeters.of(meters))
              .build();
      try {
        following.predict(TestModels.request(1, 1, 1));
        for (int v = 2; v <= 5; v++) { // v1 leaves the following service after three moves
          registry.setAlias("churn", "champion", v);
          following.refresh(Duration.ofSeconds(30));
          following.refresh(Duration.ofSeconds(30));
        }
        assertThat(versionTags(meters)).containsExactlyInAnyOrder("1", "3", "4", "5");
        pinned.predict(TestModels.request(1, 1, 1));
        assertThat(timer(meters, "1", "ok")).isEqualTo(2); // still the registered timer
        pinned.close();
        assertThat(versionTags(meters)).containsExactlyInAnyOrder("3", "4", "5");
        assertThat(meters.find(ServingMetrics.SWAPS).counters()).hasSize(1); // still in use
        assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges())
            .singleElement()
            .satisfies(g -> assertThat(g.getId().getTag("service")).isEqualTo("churn#2"));
      } finally {
        pinned.close();
        following.close();
      }
      assertThat(meters.getMeters()).isEmpty();
    }
  }

  @Test
  void servicesCreatedAtOnceGetDistinctInFlightGauges() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    int threads = 8;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 100; round++) {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<java.util.concurrent.Future<ServingMeters.Service>> made = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long calls = t + 1;
          made.add(
              pool.submit(
                  () -> {
                    start.await();
                    return MicrometerServingMeters.of(meters).open("churn", () -> calls);
                  }));
        }
        List<ServingMeters.Service> created = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<ServingMeters.Service> f : made) {
          created.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertThat(meters.find(ServingMetrics.IN_FLIGHT).gauges())
            .as("round %s", round)
            .hasSize(threads)
            .extracting(g -> g.value())
            .containsExactlyInAnyOrder(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0);
        created.forEach(ServingMeters.Service::close);
        assertThat(meters.getMeters()).as("round %s", round).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentPredictsAreEachRecordedOnceWithTheLatencyTheirPredictionReports()
      throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    int threads = 4;
    int calls = 500;
    try (ModelRegistry registry = TestModels.registry(workspace);
        InferenceService s = championOfOneVersion(registry, meters)) {
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<java.util.concurrent.Future<long[]>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    long ok = 0;
                    long invalid = 0;
                    long nanos = 0;
                    long max = 0;
                    for (int i = 0; i < calls; i++) {
                      Map<String, Object> request = TestModels.request(i % 7, thread, -i);
                      if (i % 5 == 4) {
                        request.put("x2", "not a number");
                        try {
                          s.predict(request);
                        } catch (InvalidInputException e) {
                          invalid++;
                        }
                        continue;
                      }
                      Map<String, Object> kind =
                          switch (i % 3) {
                            case 0 -> request;
                            case 1 -> new java.util.LinkedHashMap<>(request);
                            default -> java.util.Collections.unmodifiableMap(request);
                          };
                      long latency = s.predict(kind).latency().toNanos();
                      ok++;
                      nanos += latency;
                      max = Math.max(max, latency);
                    }
                    return new long[] {ok, invalid, nanos, max};
                  }));
        }
        long ok = 0;
        long invalid = 0;
        long nanos = 0;
        long max = 0;
        for (java.util.concurrent.Future<long[]> f : done) {
          long[] r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
          ok += r[0];
          invalid += r[1];
          nanos += r[2];
          max = Math.max(max, r[3]);
        }
        assertThat(ok).isEqualTo(threads * calls * 4L / 5);
        assertThat(invalid).isEqualTo(threads * calls / 5L);
        io.micrometer.core.instrument.Timer okTimer =
            meters
                .get(ServingMetrics.PREDICT)
                .tags("model", "churn", "version", "1", "route", "primary", "outcome", "ok")
                .timer();
        assertThat(okTimer.count()).isEqualTo(ok);
        assertThat(timer(meters, "1", "invalid")).isEqualTo(invalid);
        assertThat(timer(meters, "1", "error")).isZero();
        assertThat(okTimer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
            .as("the sum of the latencies the predictions report")
            .isEqualTo((double) nanos);
        assertThat(okTimer.max(java.util.concurrent.TimeUnit.NANOSECONDS))
            .as("the longest latency a prediction reports")
            .isEqualTo((double) max);
        assertThat(meters.get(ServingMetrics.IN_FLIGHT).tag("model", "churn").gauge().value())
            .isZero();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void theInFlightGaugeCountsACallWhileItRuns() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = TestModels.registry(workspace);
        InferenceService s = championOfOneVersion(registry, meters)) {
      io.micrometer.core.instrument.Gauge inFlight =
          meters.get(ServingMetrics.IN_FLIGHT).tag("model", "churn").gauge();
      java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.ExecutorService caller =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        java.util.concurrent.Future<Prediction> call =
            caller.submit(
                () -> s.predict(new BlockingRequest(TestModels.request(1, 1, 1), inside, release)));
        assertThat(inside.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(inFlight.value()).isEqualTo(1.0);
        release.countDown();
        assertThat(call.get(30, java.util.concurrent.TimeUnit.SECONDS).version()).isEqualTo(1);
        assertThat(inFlight.value()).isZero();
      } finally {
        release.countDown();
        caller.shutdownNow();
      }
    }
  }

  /** A service of {@code churn} following alias {@code champion} (version 1), metered. */
  private static InferenceService championOfOneVersion(
      ModelRegistry registry, SimpleMeterRegistry meters) {
    registry.register("churn", TestModels.classifier(0), null);
    registry.setAlias("churn", "champion", 1);
    return InferenceService.builder()
        .registry(registry)
        .model("churn")
        .alias("champion")
        .meters(MicrometerServingMeters.of(meters))
        .build();
  }

  private static long timer(SimpleMeterRegistry meters, String version, String outcome) {
    return meters
        .get(ServingMetrics.PREDICT)
        .tags("model", "churn", "version", version, "route", "primary", "outcome", outcome)
        .timer()
        .count();
  }
}
