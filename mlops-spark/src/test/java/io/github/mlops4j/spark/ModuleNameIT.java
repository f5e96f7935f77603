package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The module has no module-info.java (Spark's jars cannot be modules: their derived names have a
 * segment starting with a digit), so its jar is an automatic module named by its manifest, with the
 * name the core's qualified export of {@code io.github.mlops4j.features.internal} expects.
 */
class ModuleNameIT {
  @Test
  void theJarIsTheAutomaticModuleTheCoreExportsItsAsOfRuleTo() {
    Path jar = Path.of("target", "mlops-spark-0.1.0-SNAPSHOT.jar");
    ModuleReference ref = ModuleFinder.of(jar).findAll().iterator().next();
    ModuleDescriptor d = ref.descriptor();
    assertThat(d.name()).isEqualTo("io.github.mlops4j.spark");
    assertThat(d.isAutomatic()).isTrue();
    assertThat(d.packages()).containsExactly("io.github.mlops4j.spark");
  }
}
