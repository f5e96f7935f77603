package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ModuleRules;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor exports the API package and provides the registry's ONNX loader. */
class ModuleDescriptorTest {
  @Test
  void exportsTheApiAndProvidesTheLoader() {
    ModuleDescriptor d =
        ModuleRules.assertExportsApiOnly(OnnxLoader.class, "io.github.mlops4j.onnx", Map.of());
    assertThat(d.provides())
        .anySatisfy(
            p -> {
              assertThat(p.service()).isEqualTo("io.github.mlops4j.registry.ModelFormatLoader");
              assertThat(p.providers()).containsExactly(OnnxLoader.class.getName());
            });
  }
}
