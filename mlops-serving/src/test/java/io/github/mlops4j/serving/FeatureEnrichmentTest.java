package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InvalidInputException.Reason;
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
        FeatureStore store = FeatureStore.builder().workspace(featureWorkspace)
            .clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      store.apply(FeatureView.builder("customer_stats").entity("customer_id", ValueType.STRING)
          .feature("x2", ValueType.DOUBLE).feature("x3", ValueType.DOUBLE)
          .ttl(Duration.ofDays(30)).build());
      Instant t = now.minus(Duration.ofDays(1));
      store.write("customer_stats", List.of(
          FeatureRow.of(Map.of("customer_id", "c-1"), t, t, Map.of("x2", 2.0, "x3", 0.5)),
          FeatureRow.of(Map.of("customer_id", "c-2"), t, t, Map.of("x2", -3.0, "x3", 0.5))));
      store.materialize(now);
      Model<Label> model = TestModels.classifier(0);
      registry.register("churn", model, null);
      try (InferenceService s = InferenceService.builder().registry(registry).model("churn")
          .features(store, List.of("customer_stats:x2", "customer_stats:x3")).build()) {
        Prediction p1 = s.predict(Map.of("customer_id", "c-1", "x1", 0.0));
        assertThat(p1.output()).isEqualTo(TestModels.expected(model, 0.0, 2.0, 0.5))
            .isEqualTo("yes");
        Map<String, Object> full = TestModels.request(0.0, 2.0, 0.5);
        full.put("customer_id", "c-2");
        assertThat(p1.scores()).isEqualTo(s.predict(full).scores());
        assertThat(s.predict(Map.of("customer_id", "c-2", "x1", 0.0)).output()).isEqualTo("no");
        // a value in the request wins over the stored one
        Map<String, Object> override = new HashMap<>(Map.of("customer_id", "c-2", "x1", 0.0,
            "x2", 2.0));
        assertThat(s.predict(override).scores()).isEqualTo(p1.scores());
        // the entity key is required
        try {
          s.predict(Map.of("x1", 0.0));
          throw new AssertionError("expected a missing key");
        } catch (InvalidInputException e) {
          assertThat(e.problems()).extracting(InvalidInputException.Problem::field)
              .containsExactly("customer_id");
        }
        // an unknown customer has no features: they are missing
        try {
          s.predict(Map.of("customer_id", "c-9", "x1", 0.0));
          throw new AssertionError("expected missing features");
        } catch (InvalidInputException e) {
          assertThat(e.problems()).extracting(InvalidInputException.Problem::field,
              InvalidInputException.Problem::reason).containsExactlyInAnyOrder(
                  org.assertj.core.groups.Tuple.tuple("x2", Reason.MISSING),
                  org.assertj.core.groups.Tuple.tuple("x3", Reason.MISSING));
        }
      }
    }
  }
}
