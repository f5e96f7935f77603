package io.github.mlops4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ModuleRules;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor exports the API packages; Spring and Micrometer are static where optional. */
class ModuleDescriptorTest {
  @Test
  void exportsTheApiAndNeedsOptionalModulesStatically() {
    ModuleDescriptor d =
        ModuleRules.assertExportsApiOnly(
            MlopsProperties.class, "io.github.mlops4j.spring", Map.of());
    assertThat(d.requires())
        .filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
        .extracting(ModuleDescriptor.Requires::name)
        .contains(
            "io.github.mlops4j.serving",
            "io.github.mlops4j.registry",
            "spring.boot.actuator",
            "micrometer.core",
            "micrometer.observation");
  }
}
