package io.github.mlops4j.data;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.internal.Sha256;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One version of a dataset: a file or a directory tree, identified by the SHA-256 of its full
 * content (never a sample or a prefix).
 *
 * <ul>
 *   <li>For a file, {@code digest} is the SHA-256 of its bytes, the same as {@code sha256sum file}
 *       prints.
 *   <li>For a directory, {@code digest} is the SHA-256 of a manifest with one line {@code <sha256
 *       hex> <relative path>\n} per regular file, sorted by the UTF-8 bytes of the path with {@code
 *       /} separators: exactly the output of {@code cd dir && find . -type f | sed 's|^./||' |
 *       LC_ALL=C sort | xargs sha256sum}. The digest therefore depends on file names and contents
 *       only, not on timestamps, permissions or the order files were created in. Hidden files count
 *       like any other. A symbolic link to a regular file inside the tree is hashed as that file
 *       under the link's own path; any other link (to a directory, outside the tree, dangling) and
 *       any FIFO, socket or device is rejected with a {@link DatasetException}, as is an unreadable
 *       file or directory. An empty directory is allowed.
 * </ul>
 *
 * <p>{@code rowCount} is the number of physical lines, counted in the same pass as the hash, for
 * files named {@code *.csv} or {@code *.tsv} (minus one header line), and {@code *.jsonl}, {@code
 * *.ndjson} or {@code *.txt} (a last line without a trailing newline counts), ignoring case. A
 * quoted CSV field that spans lines counts once per line. For a directory it is the sum over its
 * files when every file has a known count, and null (unknown) otherwise.
 *
 * @param name the dataset's name, a relative path of at most 1000 characters whose segments are
 *     plain names: no empty, {@code .} or {@code ..} segment, no control character, no backslash
 *     and no lone UTF-16 surrogate
 * @param digest SHA-256 of the content, 64 lowercase hex characters
 * @param sizeBytes total bytes of content
 * @param fileCount number of files (1 for a file)
 * @param rowCount number of rows, or null when unknown
 * @param source where the content was read from: the absolute normalized path
 * @since 0.1.0
 */
public record DatasetVersion(
    String name,
    String digest,
    long sizeBytes,
    long fileCount,
    @Nullable Long rowCount,
    String source) {

  public DatasetVersion {
    PathNames.checkRelative(Objects.requireNonNull(name, "name"), "dataset name");
    Objects.requireNonNull(digest, "digest");
    StoredText.check(Objects.requireNonNull(source, "source"), "dataset source");
    if (!Sha256.isHex(digest)) {
      throw new IllegalArgumentException(
          "digest \"" + digest + "\" is not a SHA-256: expected 64 lowercase hex characters");
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
    }
    if (fileCount < 0) {
      throw new IllegalArgumentException("fileCount must be >= 0, was " + fileCount);
    }
    if (rowCount != null && rowCount < 0) {
      throw new IllegalArgumentException(
          "rowCount must be >= 0, or null if unknown; was " + rowCount);
    }
  }

  /**
   * Versions the file or directory at {@code path}, named after its last path element, using {@link
   * DigestCache#shared()}.
   *
   * @throws IllegalArgumentException if the last path element is not a valid dataset name, or the
   *     path has none (a file system root)
   * @throws DatasetException if the content cannot be read
   */
  public static DatasetVersion of(Path path) {
    Path absolute = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
    Path fileName = absolute.getFileName();
    if (fileName == null) {
      throw new IllegalArgumentException(
          "path " + absolute + " has no file name to use as the dataset name; pass a name");
    }
    return of(fileName.toString(), absolute, DigestCache.shared());
  }

  /**
   * Versions the file or directory at {@code path} under {@code name}, using {@link
   * DigestCache#shared()}.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid relative name
   * @throws DatasetException if the content cannot be read
   */
  public static DatasetVersion of(String name, Path path) {
    return of(name, path, DigestCache.shared());
  }

  /**
   * Versions the file or directory at {@code path} under {@code name}; files whose stat is
   * unchanged since {@code cache} saw them are not read again.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid relative name
   * @throws DatasetException if the content cannot be read
   */
  public static DatasetVersion of(String name, Path path, DigestCache cache) {
    PathNames.checkRelative(Objects.requireNonNull(name, "name"), "dataset name");
    Objects.requireNonNull(cache, "cache");
    Path absolute = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
    DatasetDigester.Summary summary = DatasetDigester.digest(absolute, cache);
    return new DatasetVersion(
        name,
        summary.digest(),
        summary.size(),
        summary.files(),
        summary.rows() < 0 ? null : summary.rows(),
        absolute.toString());
  }
}
