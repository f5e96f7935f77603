package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs and this one's threads register into one SQLite workspace at the same time. */
class TwoProcessRegistryIT {
  @TempDir Path temp;

  @Test
  void killMinus9_whileRegistering_leavesNoHalfRegisteredVersion() throws Exception {
    Path ws = temp.resolve("crash");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RegisteringChild.class.getName(),
                ws.toString(),
                "-1")
            .redirectErrorStream(true)
            .start();
    try (java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.equals("registered 25")) {
          child.destroyForcibly();
          break;
        }
      }
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    try (ModelRegistry registry = ModelRegistry.open(ws)) {
      List<ModelVersion> versions = registry.versions("shared");
      assertThat(versions.size()).isGreaterThanOrEqualTo(25);
      assertThat(versions)
          .extracting(ModelVersion::version)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, versions.size()).boxed().toList());
      for (ModelVersion v : versions) {
        try (java.io.InputStream in = registry.openArtifact(v)) {
          assertThat(in.readAllBytes()).hasSize((int) v.sizeBytes()); // verified while read
        }
      }
      assertThat(
              registry
                  .register(
                      "shared",
                      ModelArtifact.file(
                          java.nio.file.Files.writeString(temp.resolve("x"), "x"), "bin"),
                      null)
                  .version())
          .isEqualTo(versions.size() + 1);
    }
  }

  @Test
  void versionsStayUniqueAndGapless_acrossProcessesAndThreads() throws Exception {
    Path ws = temp.resolve("ws");
    try (ModelRegistry registry = ModelRegistry.open(ws)) {
      registry.createModel("shared", "");
    }
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      children.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  RegisteringChild.class.getName(),
                  ws.toString(),
                  "40")
              .redirectErrorStream(true)
              .start());
    }
    Path file = java.nio.file.Files.writeString(temp.resolve("parent.bin"), "parent");
    try (ModelRegistry registry = ModelRegistry.open(ws)) {
      Thread[] threads = new Thread[4];
      for (int t = 0; t < threads.length; t++) {
        threads[t] =
            new Thread(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    registry.register("shared", ModelArtifact.file(file, "bin"), null);
                  }
                });
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      for (Process p : children) {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
      }
      assertThat(registry.versions("shared"))
          .extracting(ModelVersion::version)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 120).boxed().toList());
      assertThat(registry.auditLog("shared"))
          .filteredOn(e -> e.action() == AuditAction.VERSION_REGISTERED)
          .hasSize(120);
    }
  }
}
