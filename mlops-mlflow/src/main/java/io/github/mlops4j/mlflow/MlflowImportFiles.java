package io.github.mlops4j.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reading an untrusted MLflow store: every path stays under the root, no symbolic link is followed,
 * every read is bounded.
 */
final class MlflowImportFiles {
  /** Deepest directory nesting walked under a run's params, tags, metrics or artifacts. */
  static final int MAX_DEPTH = 32;

  /** Most files walked under one such directory. */
  static final int MAX_FILES = 100_000;

  private final Path root;

  MlflowImportFiles(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** {@code file} relative to the root, {@code /}-separated, for messages. */
  String name(Path file) {
    Path rel = file.startsWith(root) ? root.relativize(file) : file;
    String s = rel.toString().replace('\\', '/');
    return MlflowImport.cut(s.isEmpty() ? "." : s);
  }

  MlflowImportException error(Path file, String message) {
    return new MlflowImportException(name(file), message);
  }

  /**
   * Sub-directories of {@code dir} by name, sorted; a symbolic link among them is passed to {@code
   * onLink} and skipped.
   */
  List<Path> subdirectories(Path dir, java.util.function.Consumer<Path> onLink) {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        BasicFileAttributes a = attributes(p);
        if (a.isSymbolicLink()) {
          onLink.accept(p);
          continue;
        }
        if (a.isDirectory()) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new MlflowImportException(name(dir), "cannot be listed: " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new MlflowImportException(name(p), "cannot be read: " + e.getMessage(), e);
    }
  }

  boolean isDirectory(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Every regular file under {@code dir} by its {@code /}-separated path relative to {@code dir},
   * sorted; empty if {@code dir} does not exist.
   *
   * @throws MlflowImportException on a symbolic link, a special file, deeper nesting than {@link
   *     #MAX_DEPTH} or more than {@link #MAX_FILES} files
   */
  Map<String, Path> files(Path dir) {
    TreeMap<String, Path> out = new TreeMap<>();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    if (attributes(dir).isSymbolicLink() || !isDirectory(dir)) {
      throw error(dir, "is not a directory (symbolic links are not followed)");
    }
    try {
      Files.walkFileTree(
          dir,
          java.util.Set.of(),
          MAX_DEPTH + 1,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              if (dir.relativize(d).getNameCount() > MAX_DEPTH) {
                throw error(d, "is nested deeper than " + MAX_DEPTH + " directories");
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              if (attrs.isSymbolicLink()) {
                throw error(f, "is a symbolic link; links are not followed in an imported store");
              }
              if (attrs.isDirectory()) {
                throw error(f, "is nested deeper than " + MAX_DEPTH + " directories");
              }
              if (!attrs.isRegularFile()) {
                throw error(f, "is not a regular file");
              }
              if (out.size() >= MAX_FILES) {
                throw error(dir, "holds more than " + MAX_FILES + " files");
              }
              StringBuilder key = new StringBuilder();
              for (Path part : dir.relativize(f)) {
                if (key.length() > 0) {
                  key.append('/');
                }
                key.append(part.toString());
              }
              out.put(key.toString(), f);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              throw new MlflowImportException(name(f), "cannot be read: " + e.getMessage(), e);
            }
          });
    } catch (IOException e) {
      throw new MlflowImportException(name(dir), "cannot be walked: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * The file's content as UTF-8 text, refusing a file over {@code maxBytes}, a symbolic link and
   * malformed UTF-8.
   */
  String text(Path file, int maxBytes) {
    BasicFileAttributes a = attributes(file);
    if (a.isSymbolicLink() || !a.isRegularFile()) {
      throw error(file, "is not a regular file (symbolic links are not followed)");
    }
    if (a.size() > maxBytes) {
      throw error(file, "is " + a.size() + " bytes, over the limit of " + maxBytes);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new MlflowImportException(name(file), "cannot be read: " + e.getMessage(), e);
    }
    if (bytes.length > maxBytes) {
      throw error(file, "grew over the limit of " + maxBytes + " bytes while read");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw error(file, "is not valid UTF-8 text");
    }
  }

  /**
   * A local path for an MLflow location ({@code file:} URI or plain path), or null for another
   * scheme ({@code s3:}, {@code runs:}, {@code mlflow-artifacts:}, ...).
   */
  static @org.jspecify.annotations.Nullable Path localPath(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    try {
      if (lower.startsWith("file:")) {
        return Path.of(java.net.URI.create(location));
      }
      if (location.startsWith("/")) {
        return Path.of(location);
      }
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return null;
    }
    return null;
  }

  /**
   * {@code candidate} if it is inside the root once every link is resolved, else null; refuses
   * links anywhere on the way that lead out of the store.
   */
  @org.jspecify.annotations.Nullable Path insideRoot(Path candidate) {
    try {
      Path real = candidate.toRealPath();
      return real.startsWith(root) ? real : null;
    } catch (IOException e) {
      return null;
    }
  }
}
