package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The library modules resolve on the module path with the dependencies this build gives them: every
 * {@code requires} of their descriptors names a module that exists (a wrong dependency module name
 * fails here, not in a user's build). The examples themselves run on the class path.
 */
class ModulePathTest {
  private static final List<String> LIBRARY =
      List.of(
          "io.github.mlops4j",
          "io.github.mlops4j.registry",
          "io.github.mlops4j.monitoring",
          "io.github.mlops4j.serving");

  @Test
  void libraryModulesResolveOnTheModulePath() {
    Path own = Path.of("target").toAbsolutePath();
    Path[] entries =
        List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
            .map(p -> Path.of(p).toAbsolutePath())
            .filter(Files::exists)
            .filter(p -> !p.startsWith(own))
            .filter(p -> !isTestOutput(p))
            .toArray(Path[]::new);
    ModuleFinder finder = ModuleFinder.of(entries);
    Configuration config =
        ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), LIBRARY);
    Set<String> resolved =
        config.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
    assertThat(resolved)
        .containsAll(LIBRARY)
        .contains("org.xerial.sqlitejdbc", "com.zaxxer.hikari", "org.tribuo.core");
    for (String name : LIBRARY) {
      assertThat(config.findModule(name).orElseThrow().reference().descriptor().isAutomatic())
          .as(name + " has a descriptor")
          .isFalse();
    }
  }

  /**
   * The published test jars (contract suites) and the reactor's test-classes folders: they share
   * packages with the modules they test and are never on a user's module path.
   */
  private static boolean isTestOutput(Path entry) {
    String name = entry.getFileName().toString();
    return name.endsWith("-tests.jar") || name.equals("test-classes");
  }
}
