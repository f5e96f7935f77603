package io.github.mlops4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's Markdown documents, for the tests that check them. */
final class Docs {
  private Docs() {}

  /** The repository root: the first directory upwards with a README.md and a docs/ folder. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs"))) {
        return p;
      }
    }
    throw new IllegalStateException("No README.md with a docs/ folder above " + dir);
  }

  /** README.md, CONTRIBUTING.md, CHANGELOG.md and every .md under docs/, in path order. */
  static List<Path> documents(Path root) throws IOException {
    List<Path> docs = new ArrayList<>();
    for (String top : List.of("README.md", "CONTRIBUTING.md", "CHANGELOG.md")) {
      if (Files.isRegularFile(root.resolve(top))) {
        docs.add(root.resolve(top));
      }
    }
    try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }
}
