package io.github.mlops4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** What the examples' {@code main} methods share: a fresh workspace and quiet Tribuo logs. */
final class Examples {
  private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

  private Examples() {}

  /**
   * The workspace from {@code --workspace DIR} or a single {@code DIR} argument, else
   * {@code target/<name>-workspace}.
   */
  static Path workspace(String[] args, String name) {
    if (args.length == 2 && args[0].equals("--workspace")) {
      return Path.of(args[1]);
    }
    if (args.length == 1 && !args[0].startsWith("--")) {
      return Path.of(args[0]);
    }
    if (args.length == 0) {
      return Path.of("target", name + "-workspace");
    }
    throw new IllegalArgumentException("Expected [--workspace] DIR, got " + String.join(" ", args));
  }

  /** Tribuo logs every training epoch through java.util.logging; the examples keep warnings. */
  static void quietTribuo() {
    TRIBUO_LOG.setLevel(Level.WARNING);
  }

  /** Deletes {@code directory} and everything in it, if it exists, and creates it empty. */
  static void wipe(Path directory) {
    try {
      if (Files.exists(directory)) {
        try (Stream<Path> paths = Files.walk(directory)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot recreate " + directory + "; delete it by hand", e);
    }
  }
}
