package io.github.mlops4j.registry;

import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module descriptor exports exactly the API packages. */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() {
    ModuleRules.assertExportsApiOnly(ModelRegistry.class, "io.github.mlops4j.registry", Map.of());
  }
}
