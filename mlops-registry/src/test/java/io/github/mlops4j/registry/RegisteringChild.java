package io.github.mlops4j.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second JVM that registers versions of one model into a shared workspace: {@code count} of them,
 * or forever (printing each version) when {@code count} is negative.
 */
final class RegisteringChild {
  private RegisteringChild() {}

  public static void main(String[] args) throws Exception {
    Path workspace = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    Path file = Files.createTempFile("model", ".bin");
    Files.writeString(file, "pid " + ProcessHandle.current().pid());
    try (ModelRegistry registry =
        ModelRegistry.builder().workspace(workspace).pollInterval(Duration.ZERO).build()) {
      for (int i = 0; count < 0 || i < count; i++) {
        // Distinct content each time, so every registration also writes a new artifact.
        Files.writeString(file, "pid " + ProcessHandle.current().pid() + " #" + i);
        int v = registry.register("shared", ModelArtifact.file(file, "bin"), null).version();
        if (count < 0) {
          System.out.println("registered " + v);
          System.out.flush();
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
    System.out.println("done");
  }
}
