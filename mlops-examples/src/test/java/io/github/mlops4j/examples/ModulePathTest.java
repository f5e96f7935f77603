package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
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
          "io.github.mlops4j.serving",
          "io.github.mlops4j.onnx");

  @Test
  void libraryModulesResolveOnTheModulePath() {
    Path own = Path.of("target").toAbsolutePath();
    Path[] entries =
        List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
            .map(p -> Path.of(p).toAbsolutePath())
            .filter(Files::exists)
            .filter(p -> !p.startsWith(own))
            // the contract suites' test jars share packages with their modules: on the module path
            // they would be automatic modules splitting those packages; a user's main code never
            // has them, and the module path is checked here for main code
            .filter(p -> !p.getFileName().toString().endsWith("-tests.jar"))
            .filter(p -> !p.endsWith(Path.of("target", "test-classes")))
            // ReplicaIT's S3 server (test scope: s3proxy, jclouds and what they bring) has jars
            // with no module name or split packages; a user's main code never has them
            .filter(
                p ->
                    !p.toString()
                        .matches(
                            ".*/(org/gaul|org/apache/jclouds|com/google/code/findbugs|javax/annotation)/.*"))
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
   * A test jar is built with the archive settings of its module's jar plugin: an {@code
   * Automatic-Module-Name} there would make the test jar claim the library module's name, and a
   * user's tests with both jars on the module path would fail with two modules of one name.
   */
  @Test
  void modulesWithATestJarSetNoAutomaticModuleName() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> claiming = new ArrayList<>();
    for (String module :
        List.of(
            "mlops-core",
            "mlops-registry",
            "mlops-monitoring",
            "mlops-serving",
            "mlops-onnx",
            "mlops-redis")) {
      String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
      if (pom.contains("<goal>test-jar</goal>") && pom.contains("<Automatic-Module-Name>")) {
        claiming.add(module);
      }
    }
    assertThat(claiming).as("modules whose test jar would claim the module's name").isEmpty();
  }

  /** No test jar on the class path (the contract suites' jars) claims a library module's name. */
  @Test
  void noOtherJarClaimsALibraryModuleName() throws Exception {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (!entry.endsWith("-tests.jar") || !Files.isRegularFile(p)) {
        continue;
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        String claimed =
            jar.getManifest() == null
                ? null
                : jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        assertThat(claimed).as(entry).isNotIn(LIBRARY);
      }
      for (ModuleReference m : ModuleFinder.of(p).findAll()) {
        assertThat(m.descriptor().name()).as(entry).isNotIn(LIBRARY);
      }
    }
  }
}
