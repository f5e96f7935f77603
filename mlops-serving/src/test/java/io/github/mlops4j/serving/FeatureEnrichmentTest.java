package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InvalidInputException.Reason;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

class FeatureEnrichmentTest {
  @TempDir Path workspace;
  @TempDir Path featureWorkspace;

  @Test
  void featuresAreLookedUpByEntityKeyAndRequestValuesWin() {
    Instant now = Instant.parse("2026-02-01T00:00:00Z");
    try (ModelRegistry registry = TestModels.registry(workspace);
        FeatureStore store =
            FeatureStore.builder()
                .workspace(featureWorkspace)
                .clock(Clock.fixed(now, ZoneOffset.UTC))
                .build()) {
      store.apply(
          FeatureView.builder("customer_stats")
              .entity("customer_id", ValueType.STRING)
              .feature("x2", ValueType.DOUBLE)
              .feature("x3", ValueType.DOUBLE)
              .ttl(Duration.ofDays(30))
              .build());
      Instant t = now.minus(Duration.ofDays(1));
      store.write(
          "customer_stats",
          List.of(
              FeatureRow.of(Map.of("customer_id", "c-1"), t, t, Map.of("x2", 2.0, "x3", 0.5)),
              FeatureRow.of(Map.of("customer_id", "c-2"), t, t, Map.of("x2", -3.0, "x3", 0.5))));
      store.materialize(now);
      Model<Label> model = TestModels.classifier(0);
      registry.register("churn", model, null);
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .features(store, List.of("customer_stats:x2", "customer_stats:x3"))
              .build()) {
        Prediction p1 = s.predict(Map.of("customer_id", "c-1", "x1", 0.0));
        assertThat(p1.output())
            .isEqualTo(TestModels.expected(model, 0.0, 2.0, 0.5))
            .isEqualTo("yes");
        Map<String, Object> full = TestModels.request(0.0, 2.0, 0.5);
        full.put("customer_id", "c-2");
        assertThat(p1.scores()).isEqualTo(s.predict(full).scores());
        assertThat(s.predict(Map.of("customer_id", "c-2", "x1", 0.0)).output()).isEqualTo("no");
        // a value in the request wins over the stored one
        Map<String, Object> override =
            new HashMap<>(Map.of("customer_id", "c-2", "x1", 0.0, "x2", 2.0));
        assertThat(s.predict(override).scores()).isEqualTo(p1.scores());
        // a batch job over entity keys only: the service looks the other features up
        Path in = workspace.resolve("customers.csv");
        Path out = workspace.resolve("scores.csv");
        writeLines(in, "customer_id,x1", "c-1,0.0", "c-2,0.0");
        assertThat(s.enrichedFeatures()).containsExactly("x2", "x3");
        assertThat(s.entityKeys()).containsExactly("customer_id");
        BatchResult r =
            BatchJob.builder()
                .service(s)
                .input(in)
                .output(out)
                .passThrough("customer_id")
                .parallelism(1)
                .build()
                .run();
        assertThat(r.rowsScored()).isEqualTo(2);
        List<String> lines = readLines(out);
        assertThat(lines.get(1)).startsWith("c-1,").contains(",1,yes,");
        assertThat(lines.get(2)).startsWith("c-2,").contains(",1,no,");
        // the entity key is required
        try {
          s.predict(Map.of("x1", 0.0));
          throw new AssertionError("expected a missing key");
        } catch (InvalidInputException e) {
          assertThat(e.problems())
              .extracting(InvalidInputException.Problem::field)
              .containsExactly("customer_id");
        }
        // an unknown customer has no features: they are missing
        try {
          s.predict(Map.of("customer_id", "c-9", "x1", 0.0));
          throw new AssertionError("expected missing features");
        } catch (InvalidInputException e) {
          assertThat(e.problems())
              .extracting(
                  InvalidInputException.Problem::field, InvalidInputException.Problem::reason)
              .containsExactlyInAnyOrder(
                  org.assertj.core.groups.Tuple.tuple("x2", Reason.MISSING),
                  org.assertj.core.groups.Tuple.tuple("x3", Reason.MISSING));
        }
      }
    }
  }

  private static void writeLines(Path file, String... lines) {
    try {
      Files.write(file, List.of(lines));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
