package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One vocabulary for factories: a public static method that returns a builder is named {@code
 * builder} or ends in {@code Builder} ({@code Holdout.builder(dataset)}, {@code
 * Holdout.csvBuilder(file, ...)}), so that {@code of}, {@code open} and the like always return the
 * finished object. Scans every class of this module.
 */
class BuilderFactoryNamingTest {
  @Test
  void everyStaticFactoryThatReturnsABuilder_isNamedBuilder() throws Exception {
    Path classes =
        Path.of(ModelRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> misnamed = new ArrayList<>();
    int factories = 0;
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".class"))
              .filter(f -> !f.getFileName().toString().equals("module-info.class"))
              .toList()) {
        String name =
            classes
                .relativize(file)
                .toString()
                .replace(file.getFileSystem().getSeparator(), ".")
                .replaceFirst("\\.class$", "");
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        if (!Modifier.isPublic(type.getModifiers())) {
          continue;
        }
        for (Method m : type.getDeclaredMethods()) {
          int mod = m.getModifiers();
          if (Modifier.isPublic(mod)
              && Modifier.isStatic(mod)
              && m.getReturnType().getSimpleName().endsWith("Builder")) {
            factories++;
            if (!m.getName().equals("builder") && !m.getName().endsWith("Builder")) {
              misnamed.add(type.getSimpleName() + "." + m.getName());
            }
          }
        }
      }
    }
    assertThat(factories).as("builder factories found").isGreaterThan(3);
    assertThat(misnamed).as("static factories returning a builder but not named builder").isEmpty();
  }
}
