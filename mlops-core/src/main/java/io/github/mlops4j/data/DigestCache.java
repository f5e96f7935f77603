package io.github.mlops4j.data;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.mlops4j.internal.Checks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, thread-safe memo of file digests keyed by what {@code stat} reports, so that an
 * unchanged file is not read and hashed twice.
 *
 * <p>The key is the file's absolute real path, size, last-modified time in nanoseconds, inode
 * change time and file key (device and inode) where the file system reports them; the value is the
 * digest, size and line count. A file whose size, modification time or identity changed is
 * therefore hashed again. Two further safeguards keep the cache from returning a stale digest:
 *
 * <ul>
 *   <li>a file is stat'ed before and after it is hashed, and the result is only used when both
 *       agree (a file that keeps changing is an error);
 *   <li>a file modified (or whose inode changed) less than {@value #RACY_SECONDS} seconds before it
 *       was hashed is not cached, because a second write within the file system's timestamp
 *       granularity could change its content without changing its stamp (the "racy clean" problem
 *       known from Git).
 * </ul>
 *
 * <p>Least recently used entries are evicted beyond {@code maxEntries}; each entry takes a few
 * hundred bytes, mostly its path. Cache maintenance runs on the calling threads: the cache starts
 * no thread.
 *
 * @since 0.1.0
 */
public final class DigestCache {
  /** Files modified this recently (or in the future) are hashed but not cached. */
  static final long RACY_SECONDS = 2;

  /** Size of {@link #shared()}. */
  static final long SHARED_MAX_ENTRIES = 100_000;

  private final Cache<FileStamp, FileDigest> cache;
  private final Clock clock;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  private DigestCache(long maxEntries, Clock clock) {
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    this.clock = clock;
  }

  /**
   * A new cache holding at most {@code maxEntries} digests; 0 disables caching (every lookup is a
   * miss).
   *
   * @throws IllegalArgumentException if {@code maxEntries} is negative
   */
  public static DigestCache create(long maxEntries) {
    return create(maxEntries, Clock.systemUTC());
  }

  static DigestCache create(long maxEntries, Clock clock) {
    Checks.atLeast(maxEntries, 0, "maxEntries");
    return new DigestCache(maxEntries, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The process-wide cache that {@link DatasetVersion#of(Path)} and {@link
   * DatasetVersion#of(String, Path)} use, holding up to {@value #SHARED_MAX_ENTRIES} digests.
   *
   * <p>This is the one piece of static state in the library, and it is harmless: it only memoizes a
   * pure function of file content (the SHA-256 and line count of a file), keyed so that a changed
   * file misses. Sharing it changes how fast a digest is computed, never what it is. Callers who
   * want isolation pass their own {@link #create(long)} cache.
   */
  public static DigestCache shared() {
    return Shared.INSTANCE;
  }

  /** How many file digests were answered from the cache. */
  public long hits() {
    return hits.sum();
  }

  /** How many file digests had to be computed by reading the file. */
  public long misses() {
    return misses.sum();
  }

  /** Forgets every cached digest; counters are kept. */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  @Override
  public String toString() {
    return "DigestCache[entries="
        + cache.estimatedSize()
        + ", hits="
        + hits()
        + ", misses="
        + misses()
        + "]";
  }

  /**
   * The digest of {@code file} (an absolute real path of a regular file, or a link to one), from
   * the cache when its stamp is unchanged, else by hashing it with {@code hasher}.
   */
  FileDigest digest(Path file, boolean countLines, FileHasher hasher) throws IOException {
    FileStamp before = FileStamp.of(file);
    @Nullable FileDigest cached = cache.getIfPresent(before);
    if (cached != null && (!countLines || cached.lines() >= 0)) {
      hits.increment();
      return cached;
    }
    for (int attempt = 1; ; attempt++) {
      FileDigest fresh = hasher.hash(file, countLines);
      FileStamp after = FileStamp.of(file);
      if (after.equals(before) && fresh.size() == before.size()) {
        misses.increment();
        if (settled(before)) {
          cache.put(before, fresh);
        }
        return fresh;
      }
      if (attempt == 3) {
        throw new DatasetException(
            "file "
                + file
                + " changed while it was being hashed ("
                + attempt
                + " attempts); stop the process writing it, then version the dataset again",
            file.toString());
      }
      before = after;
    }
  }

  /** Whether every later change to the file is bound to change its stamp (see class doc). */
  private boolean settled(FileStamp stamp) {
    long nowNanos = TimeUnit.MILLISECONDS.toNanos(clock.millis());
    long racyNanos = TimeUnit.SECONDS.toNanos(RACY_SECONDS);
    return nowNanos - stamp.modifiedNanos() >= racyNanos
        && (stamp.changedNanos() == Long.MIN_VALUE || nowNanos - stamp.changedNanos() >= racyNanos);
  }

  /** Holder idiom: the shared cache is built on first use. */
  private static final class Shared {
    static final DigestCache INSTANCE = create(SHARED_MAX_ENTRIES);
  }
}
