package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.metrics.MonitorMetrics;
import io.github.mlops4j.monitoring.metrics.PerformanceMetrics;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileDriftMethod;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of docs/monitoring-streaming.md, compiled and run: the page shows the tagged region
 * {@code streaming-example} (kept equal by {@code DocSnippetsTest} in mlops-examples).
 */
class StreamingExampleTest {

  @Test
  void example(@TempDir Path dir) throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    List<Map<String, ?>> trainingRows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      trainingRows.add(
          Map.of(
              "age",
              20 + 50 * random.nextDouble(),
              "income",
              1_000 + 4_000 * random.nextDouble(),
              "plan",
              random.nextBoolean() ? "basic" : "pro"));
    }
    List<String> retrainRequests = new ArrayList<>();
    Clock clock = Clock.fixed(Instant.parse("2025-11-25T10:15:00Z"), ZoneOffset.UTC);

    // tag::streaming-example[]
    // 1. Profile the training data once, and keep the profile next to the model.
    ProfileSchema schema =
        ProfileSchema.builder()
            .numeric("age", "income")
            .categorical("plan")
            .build(); // KLL k = 200, exact categories up to 1024
    Profile training = Profile.of(schema, trainingRows);
    Files.write(dir.resolve("churn-v3.profile.json"), training.toBytes());

    // 2. At serving time: a monitor compares hourly windows with it.
    Profile reference = Profile.fromBytes(Files.readAllBytes(dir.resolve("churn-v3.profile.json")));
    SimpleMeterRegistry registry = new SimpleMeterRegistry(); // your MeterRegistry
    try (Monitor monitor =
        Monitor.builder()
            .model("churn-v3")
            .reference(reference)
            .window(WindowSpec.time(Duration.ofHours(1)))
            .clock(clock) // default Clock.systemUTC()
            .predictions(PredictionTask.BINARY_CLASSIFICATION)
            .listener(
                DriftListener.onDatasetDrift(
                    (window, report) ->
                        retrainRequests.add("drift in window " + window.index() + ": " + report)))
            .build()) {
      new MonitorMetrics(monitor).bindTo(registry);
      new PerformanceMetrics(monitor).bindTo(registry);

      // on the request path
      for (int i = 0; i < 1_000; i++) {
        double age = 50 + 50 * random.nextDouble(); // older customers than in training
        Map<String, Object> row =
            Map.of("age", age, "income", 1_000 + 4_000 * random.nextDouble(), "plan", "basic");
        double score = Math.min(1, age / 100); // the model's prediction
        monitor.observe(row);
        monitor.recordPrediction("request-" + i, score);
      }
      // later, when outcomes are known
      for (int i = 0; i < 1_000; i += 2) {
        boolean churned = random.nextDouble() < 0.3; // the outcome
        monitor.recordLabel("request-" + i, churned);
      }
      // windows close on time; flush() closes the current one now (for example at shutdown)
      WindowSummary window = monitor.flush().orElseThrow();
      DriftReport report = window.report().orElseThrow();
      ColumnDrift age = report.column("age").orElseThrow();
      System.out.printf(
          "age: %s = %.3f ± %.3f (threshold %.2f), drifted %s%n",
          age.method(), age.score(), age.errorBound(), age.threshold(), age.drifted());
      System.out.println("AUC " + window.performance().orElseThrow().auc());
      // end::streaming-example[]

      assertThat(age.drifted()).isTrue();
      assertThat(report.column("plan").orElseThrow().drifted()).isTrue();
      assertThat(report.column("income").orElseThrow().drifted()).isFalse();
      assertThat(retrainRequests).hasSize(1);
      assertThat(window.performance().orElseThrow().labelled()).isEqualTo(500);
      assertThat(registry.get("mlops.drift.detected").gauge().value()).isEqualTo(1.0);

      // a single column with another method, from the same two profiles
      ColumnDrift psi =
          ProfileDrift.defaults()
              .compareColumn(reference, window.profile(), "age", ProfileDriftMethod.PSI);
      assertThat(psi.drifted()).isTrue();
      // per-window profiles merge into longer periods
      ProfileAccumulator day = ProfileAccumulator.create(schema);
      monitor.recentWindows().forEach(w -> day.merge(w.profile()));
      assertThat(day.rows()).isEqualTo(1_000);
    }
  }
}
