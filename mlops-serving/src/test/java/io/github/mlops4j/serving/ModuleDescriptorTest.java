package io.github.mlops4j.serving;

import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The module descriptor exports exactly the API packages, never {@code serving.internal}. */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() {
    ModuleRules.assertExportsApiOnly(
        InferenceService.class,
        "io.github.mlops4j.serving",
        Map.of("io.github.mlops4j.serving.internal", Set.of("io.github.mlops4j.spark")));
  }
}
