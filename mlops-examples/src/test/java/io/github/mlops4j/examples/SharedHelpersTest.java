package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Code that was once copied between modules stays in one place: these scans over every module's
 * sources fail when a copy comes back. (PMD's CPD, {@code mvn -Pcpd}, catches longer clones.)
 */
class SharedHelpersTest {
  /** Library modules; the benchmarks' raw baselines are copies on purpose. */
  private static final List<String> MODULES =
      List.of("mlops-core", "mlops-registry", "mlops-monitoring", "mlops-serving");

  @Test
  void sha256DigestsComeFromTheOneInternalHelper() throws IOException {
    assertThat(sourcesContaining("src/main/java", "MessageDigest.getInstance("))
        .containsExactly("mlops-core/src/main/java/io/github/mlops4j/internal/Sha256.java");
    assertThat(sourcesContaining("src/main/java", "HexFormat.of()"))
        .containsExactly("mlops-core/src/main/java/io/github/mlops4j/internal/Sha256.java");
  }

  @Test
  void embeddedPostgresStartsOnlyInTheSharedExtension() throws IOException {
    assertThat(sourcesContaining("src/test/java", "EmbeddedPostgres."))
        .containsExactly(
            "mlops-core/src/test/java/io/github/mlops4j/store/EmbeddedPostgresExtension.java");
  }

  /** Relative paths of the module sources under {@code dir} that contain {@code text}. */
  private static List<String> sourcesContaining(String dir, String text) throws IOException {
    Path root = Docs.root();
    List<String> found = new ArrayList<>();
    for (String module : MODULES) {
      Path base = root.resolve(module).resolve(dir);
      try (Stream<Path> files = Files.walk(base)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          if (Files.readString(f, StandardCharsets.UTF_8).contains(text)) {
            found.add(root.relativize(f).toString().replace('\\', '/'));
          }
        }
      }
    }
    return found;
  }
}
