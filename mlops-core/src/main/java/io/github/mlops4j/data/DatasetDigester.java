package io.github.mlops4j.data;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.mlops4j.artifacts.SymlinkPolicy;
import io.github.mlops4j.artifacts.internal.FileTree;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Computes the digest, size, file count and row count of a file or a directory tree.
 *
 * <p>A directory's digest is the SHA-256 of its manifest: one line {@code <sha256 hex> <relative
 * path>\n} per regular file, sorted by the UTF-8 bytes of the relative path, with {@code /} as the
 * separator. That is byte for byte what {@code sha256sum} prints for the same sorted file list,
 * including its escaping of names that contain a backslash, a newline or a carriage return (such a
 * line starts with a backslash and the name has {@code \\}, {@code \n}, {@code \r}). So {@code cd
 * dir && find . -type f | sed 's|^./||' | LC_ALL=C sort | xargs sha256sum | sha256sum} reproduces
 * it for trees without symbolic links or names with blanks.
 */
final class DatasetDigester {
  /** Summary of a dataset's content; {@code rows} is -1 when unknown. */
  record Summary(String digest, long size, long files, long rows) {}

  /** A file to hash: its manifest path, that path's UTF-8 bytes (the sort key) and what to read. */
  @SuppressWarnings("ArrayRecordComponent") // private, never compared or hashed
  private record Entry(String relativePath, byte[] sortKey, Path file) {}

  private DatasetDigester() {}

  /** Digests {@code path} (absolute and normalized), a regular file or a directory. */
  static Summary digest(Path path, DigestCache cache) {
    BasicFileAttributes attributes;
    Path real;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new DatasetException(
          "dataset path " + path + " does not exist (or is a dangling symbolic link)",
          path.toString(),
          e);
    } catch (IOException e) {
      throw failure("cannot read dataset path", path, e);
    }
    if (attributes.isRegularFile()) {
      String fileName = String.valueOf(path.getFileName());
      FileDigest file = hashOne(real, countsLines(fileName), cache, new FileHasher());
      return new Summary(file.digest(), file.size(), 1, rows(fileName, file.lines()));
    }
    if (attributes.isDirectory()) {
      return digestTree(real, cache);
    }
    throw new DatasetException(
        "dataset path "
            + path
            + " is neither a regular file nor a directory; point at the data file or directory",
        path.toString());
  }

  private static Summary digestTree(Path root, DigestCache cache) {
    List<Entry> entries = list(root);
    entries.sort((a, b) -> Arrays.compareUnsigned(a.sortKey(), b.sortKey()));
    FileDigest[] digests = hashAll(root, entries, cache);
    MessageDigest manifest = Sha256.newDigest();
    StringBuilder line = new StringBuilder(128);
    long size = 0;
    long rows = 0;
    for (int i = 0; i < digests.length; i++) {
      String relativePath = entries.get(i).relativePath();
      appendManifestLine(line, digests[i].digest(), relativePath);
      manifest.update(line.toString().getBytes(UTF_8));
      size += digests[i].size();
      long fileRows = rows(relativePath, digests[i].lines());
      rows = rows < 0 || fileRows < 0 ? -1 : rows + fileRows;
    }
    return new Summary(Sha256.hex(manifest.digest()), size, entries.size(), rows);
  }

  /** Replaces {@code line} with the manifest line for a file, as {@code sha256sum} prints it. */
  static void appendManifestLine(StringBuilder line, String hex, String relativePath) {
    line.setLength(0);
    boolean escape =
        relativePath.indexOf('\\') >= 0
            || relativePath.indexOf('\n') >= 0
            || relativePath.indexOf('\r') >= 0;
    if (escape) {
      line.append('\\');
    }
    line.append(hex).append("  ");
    if (escape) {
      for (int i = 0; i < relativePath.length(); i++) {
        char c = relativePath.charAt(i);
        switch (c) {
          case '\\' -> line.append("\\\\");
          case '\n' -> line.append("\\n");
          case '\r' -> line.append("\\r");
          default -> line.append(c);
        }
      }
    } else {
      line.append(relativePath);
    }
    line.append('\n');
  }

  /** How the shared tree walker words and raises its refusals for a dataset. */
  private static final FileTree.Context TREE =
      new FileTree.Context(
          "dataset directory",
          "Copy the file into the tree, or version the directory that holds it",
          (message, path, cause) ->
              cause == null
                  ? new DatasetException(message, path.toString())
                  : new DatasetException(message, path.toString(), cause));

  /**
   * Lists the regular files under {@code root} (a real path), with links resolved: the same check
   * as run artifacts ({@link FileTree}, {@link SymlinkPolicy#WITHIN_TREE}).
   */
  private static List<Entry> list(Path root) {
    List<Entry> entries = new ArrayList<>();
    try {
      for (FileTree.Entry e : FileTree.list(root, SymlinkPolicy.WITHIN_TREE, TREE)) {
        entries.add(new Entry(e.relativePath(), e.relativePath().getBytes(UTF_8), e.content()));
      }
    } catch (IOException e) {
      throw failure("cannot list", pathOf(e, root), e);
    }
    return entries;
  }

  private static Path pathOf(IOException e, Path fallback) {
    if (e instanceof FileSystemException) {
      @Nullable String file = ((FileSystemException) e).getFile();
      if (file != null) {
        return Path.of(file);
      }
    }
    return fallback;
  }

  /** Hashes every entry, in parallel over at most one thread per core. */
  private static FileDigest[] hashAll(Path root, List<Entry> entries, DigestCache cache) {
    int n = entries.size();
    FileDigest[] digests = new FileDigest[n];
    int threads = Math.min(n, Runtime.getRuntime().availableProcessors());
    if (threads <= 1) {
      FileHasher hasher = new FileHasher();
      for (int i = 0; i < n; i++) {
        digests[i] = hash(entries.get(i), cache, hasher);
      }
      return digests;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads, new HashingThreads());
    try {
      List<Future<?>> workers = new ArrayList<>(threads);
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  FileHasher hasher = new FileHasher();
                  int i;
                  while (!stop.get() && (i = next.getAndIncrement()) < n) {
                    digests[i] = hash(entries.get(i), cache, hasher);
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } catch (ExecutionException e) {
      stop.set(true);
      Throwable cause = e.getCause();
      if (cause instanceof DatasetException) {
        DatasetException failed = (DatasetException) cause;
        // A new exception so that the stack trace shows the caller; the worker's is the cause.
        throw new DatasetException(String.valueOf(failed.getMessage()), failed.path(), failed);
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new DatasetException("hashing " + root + " failed: " + cause, root.toString(), cause);
    } catch (InterruptedException e) {
      stop.set(true);
      Thread.currentThread().interrupt();
      throw new DatasetException(
          "interrupted while hashing the files of " + root, root.toString(), e);
    } finally {
      // Workers are idle on success; on failure this interrupts the ones still reading.
      pool.shutdownNow();
    }
    return digests;
  }

  private static FileDigest hash(Entry entry, DigestCache cache, FileHasher hasher) {
    return hashOne(entry.file(), countsLines(entry.relativePath()), cache, hasher);
  }

  private static FileDigest hashOne(
      Path file, boolean countLines, DigestCache cache, FileHasher hasher) {
    try {
      return cache.digest(file, countLines, hasher);
    } catch (IOException e) {
      throw failure("cannot read dataset file", file, e);
    }
  }

  /** Whether rows are counted for a file of this name (by its extension, ignoring case). */
  static boolean countsLines(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    return hasHeader(name)
        || name.endsWith(".jsonl")
        || name.endsWith(".ndjson")
        || name.endsWith(".txt");
  }

  /** Rows of a file with {@code lines} lines (-1 if not counted): a CSV/TSV header is no row. */
  static long rows(String fileName, long lines) {
    if (lines < 0 || !countsLines(fileName)) {
      return -1;
    }
    return hasHeader(fileName.toLowerCase(Locale.ROOT)) ? Math.max(0, lines - 1) : lines;
  }

  private static boolean hasHeader(String lowerCaseName) {
    return lowerCaseName.endsWith(".csv") || lowerCaseName.endsWith(".tsv");
  }

  private static DatasetException failure(String action, Path path, IOException e) {
    if (e instanceof ClosedByInterruptException || e instanceof InterruptedIOException) {
      Thread.currentThread().interrupt();
    }
    String reason;
    if (e instanceof NoSuchFileException) {
      reason = "no such file or directory (it was removed while the dataset was being read?)";
    } else if (e instanceof AccessDeniedException) {
      reason = "permission denied; make it readable or remove it from the dataset";
    } else if (e instanceof ClosedByInterruptException) {
      reason = "interrupted";
    } else {
      reason = e.toString();
    }
    return new DatasetException(action + " " + path + ": " + reason, path.toString(), e);
  }

  /** Daemon worker threads that exist only while one dataset is hashed. */
  private static final class HashingThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "mlops4j-dataset-digest-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
