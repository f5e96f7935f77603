package io.github.mlops4j.s3;

import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor exports the API package only. */
class ModuleDescriptorTest {
  @Test
  void exportsTheApiOnly() {
    ModuleRules.assertExportsApiOnly(S3ArtifactStore.class, "io.github.mlops4j.s3", Map.of());
  }
}
