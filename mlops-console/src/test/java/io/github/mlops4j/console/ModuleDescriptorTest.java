package io.github.mlops4j.console;

import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor exports the API package only. */
class ModuleDescriptorTest {
  @Test
  void exportsTheApiOnly() {
    ModuleRules.assertExportsApiOnly(ConsoleHandler.class, "io.github.mlops4j.console", Map.of());
  }
}
