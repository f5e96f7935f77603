package io.github.mlops4j.store;

import io.github.mlops4j.MlopsException;
import io.github.mlops4j.testing.ModuleRules;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor exports exactly the API packages; internal packages go only to the mlops4j
 * modules that use them.
 */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() {
    ModuleRules.assertExportsApiOnly(
        MlopsException.class,
        "io.github.mlops4j",
        Map.of(
            "io.github.mlops4j.internal",
                Set.of(
                    "io.github.mlops4j.console",
                    "io.github.mlops4j.mlflow",
                    "io.github.mlops4j.monitoring",
                    "io.github.mlops4j.openlineage",
                    "io.github.mlops4j.redis",
                    "io.github.mlops4j.registry",
                    "io.github.mlops4j.s3",
                    "io.github.mlops4j.serving",
                    "io.github.mlops4j.spark"),
            "io.github.mlops4j.artifacts.internal",
                Set.of("io.github.mlops4j.registry", "io.github.mlops4j.s3"),
            "io.github.mlops4j.features.internal", Set.of("io.github.mlops4j.spark"),
            "io.github.mlops4j.governance.internal", Set.of("io.github.mlops4j.registry"),
            "io.github.mlops4j.store.internal",
                Set.of("io.github.mlops4j.monitoring", "io.github.mlops4j.registry")));
  }
}
