package io.github.mlops4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Rules for a module's descriptor, read from the classes directory the module was compiled to (the
 * tests run on the class path, so the descriptor is read as a file, not from the running module
 * layer). Shared via the test-jar.
 */
public final class ModuleRules {
  private ModuleRules() {}

  /** The classes directory (or jar) that {@code anchor} was loaded from. */
  public static Path classesOf(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError("cannot locate the classes of " + anchor, e);
    }
  }

  /** The packages that hold at least one class under {@code root}. */
  public static Set<String> packagesUnder(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.toString().endsWith(".class"))
          .map(root::relativize)
          .filter(p -> p.getParent() != null)
          .map(p -> p.getParent().toString().replace('\\', '/').replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new AssertionError("cannot list the packages under " + root, e);
    }
  }

  /** Whether {@code pkg} is not API: an {@code internal} package or one below it. */
  public static boolean isInternal(String pkg) {
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  /**
   * Asserts that the module compiled beside {@code anchor} has a descriptor named {@code name} that
   * exports, without qualification, exactly its non-internal packages, and exports internal
   * packages only to the modules listed in {@code qualified} (package to target module names),
   * exactly as listed; returns the descriptor.
   */
  public static ModuleDescriptor assertExportsApiOnly(
      Class<?> anchor, String name, Map<String, Set<String>> qualified) {
    Path classes = classesOf(anchor);
    assertThat(classes.resolve("module-info.class"))
        .as("module descriptor compiled beside " + anchor.getName())
        .isRegularFile();
    Set<ModuleReference> found = ModuleFinder.of(classes).findAll();
    assertThat(found).hasSize(1);
    ModuleDescriptor descriptor = found.iterator().next().descriptor();
    assertThat(descriptor.name()).isEqualTo(name);
    assertThat(descriptor.isAutomatic()).isFalse();

    Set<String> packages = packagesUnder(classes);
    assertThat(new TreeSet<>(descriptor.packages()))
        .as("packages of the descriptor")
        .containsAll(packages);
    Set<String> api =
        packages.stream()
            .filter(p -> !isInternal(p))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> unqualified =
        descriptor.exports().stream()
            .filter(e -> !e.isQualified())
            .map(Exports::source)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(unqualified).as("packages exported to everyone").isEqualTo(api);

    Map<String, Set<String>> actualQualified = new TreeMap<>();
    for (Exports e : descriptor.exports()) {
      if (e.isQualified()) {
        actualQualified.put(e.source(), new TreeSet<>(e.targets()));
      }
    }
    Map<String, Set<String>> expectedQualified = new TreeMap<>();
    qualified.forEach((k, v) -> expectedQualified.put(k, new TreeSet<>(v)));
    assertThat(actualQualified)
        .as("packages exported to named modules")
        .isEqualTo(expectedQualified);
    assertThat(actualQualified.keySet())
        .as("only internal packages are exported to named modules")
        .allMatch(ModuleRules::isInternal);
    assertThat(actualQualified.values().stream().flatMap(Set::stream))
        .as("qualified exports go only to mlops4j modules")
        .allMatch(target -> target.startsWith("io.github.mlops4j"));
    assertThat(descriptor.isOpen()).as("open module").isFalse();
    assertThat(descriptor.opens()).as("opened packages").isEmpty();
    return descriptor;
  }
}
