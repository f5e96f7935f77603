package io.github.mlops4j.monitoring;

import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module descriptor exports exactly the API packages. */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() {
    ModuleRules.assertExportsApiOnly(Monitor.class, "io.github.mlops4j.monitoring", Map.of());
  }
}
