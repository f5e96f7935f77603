package io.github.mlops4j.redis;

import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor exports the API package only. */
class ModuleDescriptorTest {
  @Test
  void exportsTheApiOnly() {
    ModuleRules.assertExportsApiOnly(RedisOnlineStore.class, "io.github.mlops4j.redis", Map.of());
  }
}
