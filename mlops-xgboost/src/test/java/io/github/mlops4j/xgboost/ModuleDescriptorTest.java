package io.github.mlops4j.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ModuleRules;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The descriptor exports the API package and provides the registry's XGBoost loader. */
class ModuleDescriptorTest {
  @Test
  void exportsTheApiAndProvidesTheLoader() {
    ModuleDescriptor d =
        ModuleRules.assertExportsApiOnly(
            XgboostLoader.class, "io.github.mlops4j.xgboost", Map.of());
    assertThat(d.provides())
        .anySatisfy(
            p -> {
              assertThat(p.service()).isEqualTo("io.github.mlops4j.registry.ModelFormatLoader");
              assertThat(p.providers()).containsExactly(XgboostLoader.class.getName());
            });
  }
}
