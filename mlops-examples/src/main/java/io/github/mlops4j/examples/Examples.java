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
   * The workspace from {@code --workspace DIR} or a single {@code DIR} argument, else {@code
   * target/<name>-workspace}.
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

  /** The file that marks a directory as an examples workspace, which {@link #wipe} may delete. */
  static final String MARKER = ".mlops4j-example-workspace";

  /**
   * Deletes {@code directory} and everything in it and creates it empty, marked as an examples
   * workspace. Refuses a non-empty directory without the marker, so that a mistyped {@code
   * --workspace} (a home directory, {@code .}) deletes nothing.
   */
  static void wipe(Path directory) {
    try {
      if (Files.exists(directory)) {
        boolean empty;
        try (Stream<Path> entries = Files.list(directory)) {
          empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(directory.resolve(MARKER))) {
          throw new IllegalArgumentException(
              directory.toAbsolutePath()
                  + " is not empty and is"
                  + " not an examples workspace (no "
                  + MARKER
                  + " file); give a new or empty"
                  + " directory");
        }
        try (Stream<Path> paths = Files.walk(directory)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(directory);
      Files.createFile(directory.resolve(MARKER));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot recreate " + directory + "; delete it by hand", e);
    }
  }
}
