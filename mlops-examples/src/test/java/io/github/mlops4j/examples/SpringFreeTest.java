package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The plain demo stays free of Spring: the example Spring Boot service is a module of its own
 * (mlops-examples-spring), so Spring Boot's BOM and jars never reach this module's class path.
 */
class SpringFreeTest {
  @Test
  void noSpringJarOnTheClassPath() {
    assertThat(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)))
        .noneMatch(p -> p.contains("springframework") || p.contains("spring-boot"));
    assertThat(
            getClass().getClassLoader().getResource("org/springframework/core/SpringVersion.class"))
        .isNull();
  }
}
