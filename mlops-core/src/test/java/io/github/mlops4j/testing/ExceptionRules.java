package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The house rules for a module's exceptions, checked by reflection over the module's compiled main
 * classes: every public exception extends the module's base exception, and every one that no class
 * of the module extends is final. Shared through the test-jar.
 */
public final class ExceptionRules {
  private ExceptionRules() {}

  /** The main classes compiled next to {@code anchor} (its code source), loaded uninitialized. */
  public static List<Class<?>> classesBeside(Class<?> anchor) {
    try {
      Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      List<Class<?>> out = new ArrayList<>();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
          String name = root.relativize(f).toString().replace('\\', '/').replace('/', '.');
          name = name.substring(0, name.length() - ".class".length());
          if (!name.endsWith("module-info") && !name.endsWith("package-info")) {
            out.add(Class.forName(name, false, anchor.getClassLoader()));
          }
        }
      }
      return out;
    } catch (URISyntaxException | ClassNotFoundException | java.io.IOException e) {
      throw new AssertionError("cannot list the classes beside " + anchor, e);
    }
  }

  /**
   * Asserts the rules for the public exceptions compiled beside {@code base}: each extends {@code
   * base}, and each that no class of the module extends (a leaf) is final; {@code base} itself and
   * the {@code openBases} may stay open.
   */
  public static void check(Class<? extends Throwable> base, Class<?>... openBases) {
    List<Class<?>> classes = classesBeside(base);
    List<Class<?>> exceptions =
        classes.stream()
            .filter(Throwable.class::isAssignableFrom)
            .filter(c -> Modifier.isPublic(c.getModifiers()))
            .toList();
    assertThat(exceptions).as("public exceptions of the module").contains(base);
    List<String> notUnderBase = new ArrayList<>();
    List<String> openLeaves = new ArrayList<>();
    for (Class<?> e : exceptions) {
      if (!base.isAssignableFrom(e)) {
        notUnderBase.add(e.getName() + " extends " + e.getSuperclass().getName());
      }
      boolean extended = classes.stream().anyMatch(c -> c.getSuperclass() == e);
      boolean mayBeOpen = e == base || List.of(openBases).contains(e);
      if (!extended && !mayBeOpen && !Modifier.isFinal(e.getModifiers())) {
        openLeaves.add(e.getName());
      }
    }
    assertThat(notUnderBase).as("exceptions that do not extend " + base.getSimpleName()).isEmpty();
    assertThat(openLeaves).as("leaf exceptions that are not final").isEmpty();
  }
}
