package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The monitoring packages: exact drift ({@code drift}) and sketch-based profiles ({@code profile})
 * are separate engines; the profile side may use drift's report types, never the other way round;
 * window types sit next to the {@code Monitor}; the drift method is {@code DriftMethod}, not a
 * {@code Method} that clashes with {@code java.lang.reflect.Method}.
 */
class PackageLayoutTest {
  private static final String ROOT = "io.github.mlops4j.monitoring";

  @Test
  void profilesHaveTheirOwnPackageAndWindowsSitNextToTheMonitor() throws Exception {
    for (String name :
        List.of(
            "Profile",
            "ProfileAccumulator",
            "ProfileColumn",
            "ProfileDrift",
            "ProfileDriftMethod",
            "ProfileFormatException",
            "ProfileRow",
            "ProfileSchema")) {
      assertThat(Modifier.isPublic(Class.forName(ROOT + ".profile." + name).getModifiers()))
          .as(name)
          .isTrue();
      assertThatThrownBy(() -> Class.forName(ROOT + ".drift." + name))
          .isInstanceOf(ClassNotFoundException.class);
    }
    for (String name : List.of("WindowSpec", "WindowInfo")) {
      assertThat(Class.forName(ROOT + "." + name)).isNotNull();
      assertThatThrownBy(() -> Class.forName(ROOT + ".drift." + name))
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void theDriftMethodDoesNotShareItsNameWithReflection() throws Exception {
    assertThat(Class.forName(ROOT + ".drift.DriftMethod")).isNotNull();
    assertThatThrownBy(() -> Class.forName(ROOT + ".drift.Method"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void exactDriftDoesNotDependOnProfiles() throws Exception {
    List<String> offenders = new ArrayList<>();
    for (Path c : classFiles("drift")) {
      // a class file names every class it refers to in its constant pool, as a/b/C
      // (the module's base exception, MonitoringException, is shared by every package)
      String bytes =
          new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1)
              .replace("io/github/mlops4j/monitoring/MonitoringException", "");
      if (bytes.contains("io/github/mlops4j/monitoring/profile/")
          || bytes.contains("io/github/mlops4j/monitoring/Monitor")) {
        offenders.add(c.getFileName().toString());
      }
    }
    assertThat(classFiles("drift")).isNotEmpty();
    assertThat(offenders).as("drift classes that refer to profile or monitor types").isEmpty();
  }

  private static List<Path> classFiles(String pkg) throws IOException, URISyntaxException {
    URL url =
        PackageLayoutTest.class
            .getClassLoader()
            .getResource(ROOT.replace('.', '/') + "/" + pkg + "/DriftReport.class");
    assertThat(url).isNotNull();
    try (InputStream ignored = url.openStream();
        Stream<Path> files = Files.list(Path.of(url.toURI()).getParent())) {
      return files.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
  }
}
