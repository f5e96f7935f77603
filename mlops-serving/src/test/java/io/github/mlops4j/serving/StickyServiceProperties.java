package io.github.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.routing.Arm;
import io.github.mlops4j.serving.routing.Routing;
import io.github.mlops4j.serving.routing.Target;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sticky A/B routing through real services: same key, same arm, across calls and rebuilds. */
class StickyServiceProperties {
  @TempDir Path workspace;

  @Test
  void sameKeySameArmAcrossCallsAndServiceRebuilds() {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      registry.register("churn", TestModels.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
      Routing routing =
          Routing.weighted(
                  Arm.of("control", Target.alias("champion"), 80),
                  Arm.of("treatment", Target.version(2), 20))
              .stickyBy("customer_id");
      try (InferenceService first = build(registry, routing);
          InferenceService second = build(registry, routing)) {
        qt().withFixedSeed(21)
            .withExamples(300)
            .forAll(strings().basicLatinAlphabet().ofLengthBetween(1, 24))
            .checkAssert(
                key -> {
                  Map<String, Object> request = TestModels.request(1, 1, 1);
                  request.put("customer_id", key);
                  Prediction a = first.predict(request);
                  Prediction b = first.predict(request);
                  Prediction c = second.predict(request);
                  assertThat(b.route()).isEqualTo(a.route());
                  assertThat(c.route()).isEqualTo(a.route());
                  assertThat(a.route()).isEqualTo(routing.armFor(key).name());
                  assertThat(a.version()).isEqualTo(a.route().equals("control") ? 1 : 2);
                  assertThat(a.output()).isEqualTo(a.version() == 1 ? "yes" : "no");
                });
        int treatment = 0;
        for (int i = 0; i < 4_000; i++) {
          Map<String, Object> request = TestModels.request(1, 1, 1);
          request.put("customer_id", "c-" + i);
          treatment += first.predict(request).route().equals("treatment") ? 1 : 0;
        }
        // binomial sd of the share over 4,000 keys at p = 0.2 is 0.0063
        assertThat(treatment / 4_000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.03));
        // without the key the arm is drawn by weight
        int keyless = 0;
        for (int i = 0; i < 4_000; i++) {
          keyless += first.predict(TestModels.request(1, 1, 1)).route().equals("treatment") ? 1 : 0;
        }
        assertThat(keyless / 4_000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.03));
      }
    }
  }

  private static InferenceService build(ModelRegistry registry, Routing routing) {
    return InferenceService.builder().registry(registry).model("churn").routing(routing).build();
  }
}
