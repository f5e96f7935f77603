package io.github.mlops4j.openlineage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ModuleRules;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor exports the API package only and names OpenLineage's automatic module. */
class ModuleDescriptorTest {
  @Test
  void exportsTheApiOnly() {
    ModuleDescriptor d =
        ModuleRules.assertExportsApiOnly(
            LineageEmitter.class, "io.github.mlops4j.openlineage", Map.of());
    assertThat(d.requires()).anySatisfy(r -> assertThat(r.name()).isEqualTo("openlineage.java"));
  }
}
