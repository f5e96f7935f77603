package io.github.mlops4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What a stat call says about a file, as a {@link DigestCache} key: if any part differs, the file
 * may have changed and is hashed again.
 *
 * @param path absolute real path of the file
 * @param size length in bytes
 * @param modifiedNanos last-modified time, nanoseconds since the epoch
 * @param changedNanos inode change time (ctime) where the file system reports it, else {@link
 *     Long#MIN_VALUE}; it catches in-place rewrites that restore the old mtime
 * @param fileKey the file system's identity of the file (device and inode on Unix), or null
 */
record FileStamp(
    String path, long size, long modifiedNanos, long changedNanos, @Nullable Object fileKey) {

  private static final String UNIX_ATTRIBUTES = "unix:size,lastModifiedTime,ctime,fileKey";

  /** Stats {@code file}, following symbolic links. */
  static FileStamp of(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      Map<String, Object> attributes = Files.readAttributes(file, UNIX_ATTRIBUTES);
      return new FileStamp(
          file.toString(),
          (Long) Objects.requireNonNull(attributes.get("size"), "unix:size"),
          nanos((FileTime) Objects.requireNonNull(attributes.get("lastModifiedTime"), "mtime")),
          nanos((FileTime) Objects.requireNonNull(attributes.get("ctime"), "unix:ctime")),
          attributes.get("fileKey"));
    }
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new FileStamp(
        file.toString(),
        attributes.size(),
        nanos(attributes.lastModifiedTime()),
        Long.MIN_VALUE,
        attributes.fileKey());
  }

  private static long nanos(FileTime time) {
    return time.to(TimeUnit.NANOSECONDS);
  }
}
