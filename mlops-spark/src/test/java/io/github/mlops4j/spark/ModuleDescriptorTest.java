package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ModuleRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Spark's jars are not modules (no Automatic-Module-Name, and "spark-sql_2.13" gives no legal
 * automatic name), so this module has no descriptor: its jar names the automatic module after the
 * package root, and it has one package.
 */
class ModuleDescriptorTest {
  @Test
  void anAutomaticModuleNamedAfterItsOnePackage() throws IOException {
    Path classes = ModuleRules.classesOf(MlopsSpark.class);
    assertThat(classes.resolve("module-info.class")).doesNotExist();
    assertThat(ModuleRules.packagesUnder(classes)).containsOnly("io.github.mlops4j.spark");
    assertThat(Files.readString(Path.of("pom.xml")))
        .contains("<Automatic-Module-Name>io.github.mlops4j.spark</Automatic-Module-Name>");
  }
}
