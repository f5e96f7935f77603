package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: only classes of the {@code metrics} package may refer to
 * it, so the rest of the module loads without it on the class path.
 */
class OptionalMicrometerTest {
  @Test
  void onlyTheMetricsPackageRefersToMicrometer() throws IOException, URISyntaxException {
    Path classes =
        Path.of(Monitor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path root = classes.resolve("io/github/mlops4j/monitoring");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(root)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".class"))
              .filter(p -> !root.relativize(p).toString().startsWith("metrics"))
              .filter(OptionalMicrometerTest::mentionsMicrometer)
              .map(p -> root.relativize(p).toString())
              .toList();
    }
    assertThat(offenders).isEmpty();
    try (Stream<Path> files = Files.walk(root.resolve("metrics"))) {
      assertThat(
              files
                  .filter(p -> p.toString().endsWith(".class"))
                  .filter(OptionalMicrometerTest::mentionsMicrometer)
                  .count())
          .isPositive();
    }
  }

  private static boolean mentionsMicrometer(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
          .contains("io/micrometer");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
