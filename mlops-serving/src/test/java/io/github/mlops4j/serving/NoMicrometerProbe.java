package io.github.mlops4j.serving;

import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Builds and uses a service without meters, with a listener, and one that records through its own
 * {@link io.github.mlops4j.serving.metrics.ServingMeters}; {@link MicrometerOptionalTest} runs it
 * in a class loader that has no Micrometer (and one without mlops-monitoring either).
 */
public final class NoMicrometerProbe implements Function<Path, String> {
  @Override
  public String apply(Path workspace) {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (InferenceService s =
          InferenceService.builder()
              .registry(registry)
              .model("churn")
              .listener(e -> seen.add(e.id()))
              .build()) {
        Prediction p = s.predict(TestModels.request(1, 1, 1));
        s.awaitEvents(java.time.Duration.ofSeconds(60));
        if (!seen.equals(java.util.List.of(p.id()))) {
          throw new IllegalStateException("The listener saw " + seen + ", not " + p.id());
        }
        ServingMetersSpiTest.Recording meters = new ServingMetersSpiTest.Recording();
        try (InferenceService metered =
            InferenceService.builder().registry(registry).model("churn").meters(meters).build()) {
          metered.predict(TestModels.request(1, 1, 1));
        }
        if (meters.count("churn v1 primary ok") != 1) {
          throw new IllegalStateException("The meters saw " + meters.counts);
        }
        return p.output();
      }
    }
  }
}
