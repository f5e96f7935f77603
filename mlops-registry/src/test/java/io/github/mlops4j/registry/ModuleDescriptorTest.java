package io.github.mlops4j.registry;

import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The module descriptor exports exactly the API packages. */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() {
    ModuleRules.assertExportsApiOnly(
        ModelRegistry.class,
        "io.github.mlops4j.registry",
        Map.of(
            "io.github.mlops4j.registry.internal",
            Set.of(
                "io.github.mlops4j.onnx",
                "io.github.mlops4j.serving",
                "io.github.mlops4j.xgboost",
                "io.github.mlops4j.spark")));
  }
}
