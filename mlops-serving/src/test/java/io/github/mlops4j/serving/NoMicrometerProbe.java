package io.github.mlops4j.serving;

import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Builds and uses a service without a meter registry; {@link MicrometerOptionalTest} runs it in a
 * class loader that has no Micrometer.
 */
public final class NoMicrometerProbe implements Function<Path, String> {
  @Override
  public String apply(Path workspace) {
    try (ModelRegistry registry = TestModels.registry(workspace)) {
      registry.register("churn", TestModels.classifier(0), null);
      try (InferenceService s = InferenceService.builder().registry(registry).model("churn")
          .build()) {
        return s.predict(TestModels.request(1, 1, 1)).output();
      }
    }
  }
}
