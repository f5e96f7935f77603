package io.github.mlops4j.artifacts;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.artifacts.internal.VerifyingInputStream;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ArtifactStore} in a local directory: every object is named by the SHA-256 of its bytes,
 * so equal content is stored once and any change to a stored file can be detected.
 *
 * <p>Layout: {@code root/sha256/<first 2 hex>/<remaining 62 hex>}. Content is first streamed into a
 * temporary file {@code root/sha256/.tmp-<random>} (same directory tree, hence the same file
 * system) while it is hashed, forced to disk, and then renamed to its final name with an atomic
 * move. An object is therefore either absent or complete under its final name, even if the process
 * dies half-way; a crash can only leave a {@code .tmp-} file behind, and {@link #open(Path)}
 * removes those that are more than an hour old.
 *
 * <p>Putting content that is already stored re-reads the stored object and compares its SHA-256
 * with its name before reusing it (so a duplicate put costs one read of the object); an object
 * damaged in place, whatever its size, is replaced by the new copy with the same atomic rename.
 *
 * <p>A put of content already stored renews the object's modification time when it is more than a
 * minute old; {@link #list()} and {@link #delete(String, Instant)} serve purges and garbage
 * collection.
 *
 * <p>Instances are immutable and safe to share between threads. Several threads and several
 * processes may put into the same root at the same time, including the same content: the result is
 * one intact object.
 *
 * @since 0.1.0
 */
public final class DirectoryArtifactStore implements ArtifactStore {
  /** The directory under the root that holds SHA-256 objects. */
  static final String OBJECTS_DIR = "sha256";

  /** Name prefix of temporary files; nothing else in the store starts with it. */
  static final String TEMP_PREFIX = ".tmp-";

  /** Temporary files older than this are left over by a crashed writer and are removed. */
  static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  static final int BUFFER_SIZE = 1 << 20;

  /**
   * A put of content already stored renews the object's modification time only when it is older
   * than this, so frequent duplicate puts write no metadata; a collector's grace period covers
   * writers up to this much less than its length.
   */
  static final Duration RENEW_AFTER = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(DirectoryArtifactStore.class);

  private final Path root;
  private final Path objects;
  private final boolean posix;
  private final boolean readOnly;

  private DirectoryArtifactStore(Path root, boolean readOnly) {
    this.root = root;
    this.readOnly = readOnly;
    this.objects = root.resolve(OBJECTS_DIR);
    // Windows cannot open a directory as a channel (NTFS journals the rename itself), and a
    // read-only file there could not be replaced by a later repair.
    this.posix = !root.getFileSystem().getSeparator().equals("\\");
  }

  /**
   * Opens the store rooted at {@code root}, creating the directories if needed, and removes
   * temporary files that a crashed writer left more than an hour ago.
   *
   * @throws ArtifactStoreException if the directories cannot be created or listed
   */
  public static DirectoryArtifactStore open(Path root) {
    return open(root, Clock.systemUTC());
  }

  static DirectoryArtifactStore open(Path root, Clock clock) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(clock, "clock");
    DirectoryArtifactStore store =
        new DirectoryArtifactStore(root.toAbsolutePath().normalize(), false);
    try {
      Files.createDirectories(store.objects);
    } catch (IOException e) {
      throw failure("cannot create the artifact store directory", store.objects, e);
    }
    store.sweepStaleTemps(clock.instant().minus(STALE_TEMP_AGE));
    return store;
  }

  /**
   * Opens the store rooted at {@code root} for reading only: no directory is created, no temporary
   * file is removed, and {@code put} throws {@link IllegalStateException}. A missing root reads as
   * a store without objects.
   */
  public static DirectoryArtifactStore openReadOnly(Path root) {
    Objects.requireNonNull(root, "root");
    return new DirectoryArtifactStore(root.toAbsolutePath().normalize(), true);
  }

  /**
   * Whether the store rooted at {@code root} holds at least one object (a file under {@code
   * sha256/<2 hex>/}); false if the root does not exist. Reads at most the first entry of each of
   * the 256 fan-out directories.
   *
   * @throws ArtifactStoreException if the directories cannot be listed
   */
  public static boolean holdsObjects(Path root) {
    Path objects = Objects.requireNonNull(root, "root").resolve(OBJECTS_DIR);
    if (!Files.isDirectory(objects)) {
      return false;
    }
    try (DirectoryStream<Path> fanOut = Files.newDirectoryStream(objects, Files::isDirectory)) {
      for (Path dir : fanOut) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          if (files.iterator().hasNext()) {
            return true;
          }
        }
      }
    } catch (IOException e) {
      throw failure("cannot list the artifact store directory", objects, e);
    }
    return false;
  }

  /** Whether this store refuses to put (see {@link #openReadOnly}). */
  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  /** The absolute root directory of this store. */
  public Path root() {
    return root;
  }

  /**
   * Stores the content of {@code file} and returns its digest and size. If an object with the same
   * content is already stored and still intact it is kept as it is; a stored copy that was damaged
   * is replaced (see the class documentation).
   *
   * @throws ArtifactStoreException if {@code file} cannot be read or the object cannot be written
   * @throws IllegalStateException if the store was opened read-only
   */
  @Override
  public StoredArtifact put(Path file) {
    Objects.requireNonNull(file, "file");
    checkWritable();
    try (InputStream in = Files.newInputStream(file)) {
      return store(in, file.toString());
    } catch (IOException e) {
      // Only opening or closing the source fails here; store() wraps its own I/O errors.
      throw failure("cannot read the file to store", file, e);
    }
  }

  /**
   * Stores everything {@code in} yields until its end and returns the digest and size. The stream
   * is read to its end but not closed: the caller owns it. If an object with the same content is
   * already stored and still intact it is kept as it is; a damaged copy is replaced.
   *
   * @throws ArtifactStoreException if reading {@code in} fails or the object cannot be written
   * @throws IllegalStateException if the store was opened read-only
   */
  @Override
  public StoredArtifact put(InputStream in) {
    Objects.requireNonNull(in, "in");
    return store(in, "the input stream");
  }

  /**
   * The file that holds (or would hold) the object {@code digest}. Callers must treat it as
   * read-only: a changed file no longer matches its name and is reported as corrupted.
   *
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  public Path path(String digest) {
    checkDigest(Objects.requireNonNull(digest, "digest"), "digest");
    return objects.resolve(digest.substring(0, 2)).resolve(digest.substring(2));
  }

  /**
   * Whether an object named {@code digest} is stored. Does not read the content; use {@link
   * #verify(String)} for that.
   *
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  @Override
  public boolean contains(String digest) {
    return Files.isRegularFile(path(digest));
  }

  /**
   * Opens the object {@code digest} for reading. The stream hashes what it reads; when it reaches
   * the end it compares the hash with {@code digest} and throws {@link ArtifactCorruptedException}
   * instead of reporting the end if they differ. Only a stream read to its end is verified. Closing
   * the stream is the caller's job.
   *
   * @throws ArtifactNotFoundException if no such object is stored
   * @throws ArtifactStoreException if the file cannot be opened
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  @Override
  public InputStream open(String digest) {
    Path file = path(digest);
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new ArtifactNotFoundException(digest, file.toString());
    } catch (IOException e) {
      throw failure("cannot open artifact", file, e);
    }
    return new VerifyingInputStream(in, digest, file.toString());
  }

  /**
   * Reads the whole object {@code digest} and checks that it still hashes to its name.
   *
   * @throws ArtifactCorruptedException if the content does not match
   * @throws ArtifactNotFoundException if no such object is stored
   * @throws ArtifactStoreException if the file cannot be read
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  @Override
  public void verify(String digest) {
    Path file = path(digest);
    String actual;
    try {
      actual = hash(file);
    } catch (NoSuchFileException e) {
      throw new ArtifactNotFoundException(digest, file.toString());
    } catch (IOException e) {
      throw failure("cannot read artifact", file, e);
    }
    if (!actual.equals(digest)) {
      throw new ArtifactCorruptedException(digest, digest, actual, file.toString());
    }
  }

  /**
   * {@code file:} URI of the root directory, ending in a slash whether or not the directory exists
   * yet (so a store opened read-only on a missing root names the same location).
   */
  @Override
  public String location() {
    String uri = root.toUri().toString();
    return uri.endsWith("/") ? uri : uri + "/";
  }

  @Override
  public String toString() {
    return "DirectoryArtifactStore[" + root + "]";
  }

  private void checkWritable() {
    if (readOnly) {
      throw new IllegalStateException(
          "The artifact store "
              + root
              + " was opened read-only;"
              + " nothing can be stored through it");
    }
  }

  private StoredArtifact store(InputStream in, String source) {
    checkWritable();
    Path temp = objects.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      MessageDigest md = Sha256.newDigest();
      long size = 0;
      try (FileChannel out = FileChannel.open(temp, CREATE_NEW, WRITE)) {
        byte[] buffer = new byte[BUFFER_SIZE];
        ByteBuffer view = ByteBuffer.wrap(buffer);
        int n;
        while ((n = readSource(in, buffer, source)) > 0) {
          md.update(buffer, 0, n);
          view.clear().limit(n);
          while (view.hasRemaining()) {
            out.write(view);
          }
          size += n;
        }
        out.force(true);
      }
      String digest = Sha256.hex(md.digest());
      publish(temp, digest, size);
      return new StoredArtifact(digest, size);
    } catch (IOException e) {
      ArtifactStoreException failure =
          failure("cannot store artifact through temporary file", temp, e);
      deleteTemp(temp, failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      deleteTemp(temp, e);
      throw e;
    }
  }

  private static int readSource(InputStream in, byte[] buffer, String source) {
    try {
      return in.readNBytes(buffer, 0, buffer.length);
    } catch (IOException e) {
      restoreInterrupt(e);
      throw new ArtifactStoreException(
          "cannot read the content to store from " + source + ": " + describe(e), source, e);
    }
  }

  /**
   * Moves the finished temp file to its final name, or drops it when an intact object exists. An
   * existing object is only reused after its content was hashed again and matched its name: a file
   * damaged in place (even with its size unchanged) is replaced by the new copy with one atomic
   * rename, so readers see either the old file or the complete new one.
   */
  private void publish(Path temp, String digest, long size) throws IOException {
    Path dir = objects.resolve(digest.substring(0, 2));
    Path target = dir.resolve(digest.substring(2));
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      syncDirectory(objects);
    }
    Existing existing = examine(target, digest, size);
    if (existing == Existing.INTACT && renew(target)) {
      Files.delete(temp);
      return;
    }
    if (existing == Existing.DAMAGED) {
      LOG.warn("replacing damaged artifact {}: its content no longer hashes to its name", target);
    }
    if (posix && !temp.toFile().setWritable(false, false)) {
      LOG.debug("could not make {} read-only; storing it writable", temp);
    }
    try {
      Files.move(temp, target, ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // Platforms that refuse to replace on an atomic move: another writer finished first.
      if (examine(target, digest, size) != Existing.INTACT) {
        throw e;
      }
      Files.delete(temp);
      return;
    }
    syncDirectory(dir);
  }

  /**
   * Sets the modification time of an intact object to now when it is older than {@link
   * #RENEW_AFTER}, so that a collector that looked at it before this put keeps it. Returns false
   * when the object is gone meanwhile (a collector deleted it) or cannot be touched, and the caller
   * then publishes its own copy.
   */
  static boolean renew(Path target) {
    try {
      Instant now = Instant.now();
      Instant modified = Files.getLastModifiedTime(target, LinkOption.NOFOLLOW_LINKS).toInstant();
      if (modified.isBefore(now.minus(RENEW_AFTER))) {
        Files.setLastModifiedTime(target, FileTime.from(now));
      }
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      LOG.debug("cannot renew the modification time of {}; storing a new copy", target, e);
      return false;
    }
  }

  /**
   * Every object under {@code root/sha256/}, read lazily; files whose names are not digests
   * (temporary files, anything put there by hand) are skipped.
   *
   * @throws ArtifactStoreException if the directory cannot be read
   */
  @Override
  @SuppressWarnings("StreamResourceLeak") // returned open: the caller closes it
  public Stream<ArtifactObject> list() {
    return objectFiles(objects).map(this::describeObject).flatMap(Optional::stream);
  }

  /**
   * The files two levels under {@code objects} ({@code <2-char prefix>/<rest>}), read lazily; empty
   * if the directory does not exist. The caller closes the stream.
   *
   * @throws ArtifactStoreException if the directory cannot be read
   */
  @SuppressWarnings("StreamResourceLeak") // returned open: the caller closes it
  static Stream<Path> objectFiles(Path objects) {
    Stream<Path> files;
    try {
      files = Files.walk(objects, 2);
    } catch (NoSuchFileException e) {
      return Stream.empty();
    } catch (IOException e) {
      throw failure("cannot list artifacts in", objects, e);
    }
    return files.filter(p -> p.getNameCount() == objects.getNameCount() + 2);
  }

  private Optional<ArtifactObject> describeObject(Path file) {
    String digest =
        Objects.requireNonNull(file.getParent()).getFileName().toString() + file.getFileName();
    if (!Sha256.isHex(digest)) {
      return Optional.empty();
    }
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile()
          ? Optional.of(new ArtifactObject(digest, a.size(), a.lastModifiedTime().toInstant()))
          : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted while listing
    } catch (IOException e) {
      throw failure("cannot read the attributes of artifact", file, e);
    }
  }

  /**
   * Deletes the object unless it was stored or renewed at or after {@code unchangedSince}. The
   * object is first renamed to a temporary name in one atomic step, and its modification time is
   * read after the rename: a put that renewed it before the rename is seen and the object is moved
   * back, and a put after the rename finds no object and stores its own copy. A crash between the
   * two steps leaves a temporary file, removed by {@link #open(Path)} once it is an hour old.
   *
   * @throws ArtifactStoreException if the object cannot be renamed or deleted
   * @throws IllegalStateException if the store was opened read-only
   */
  @Override
  public boolean delete(String digest, Instant unchangedSince) {
    Objects.requireNonNull(unchangedSince, "unchangedSince");
    Path target = path(digest);
    checkWritable();
    Path trash = objects.resolve(TEMP_PREFIX + "gc-" + UUID.randomUUID());
    try {
      Files.move(target, trash, ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw failure("cannot delete artifact", target, e);
    }
    try {
      Instant modified = Files.getLastModifiedTime(trash, LinkOption.NOFOLLOW_LINKS).toInstant();
      if (!modified.isBefore(unchangedSince)) {
        try {
          Files.move(trash, target, ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
          Files.delete(trash); // a put stored it again meanwhile
        }
        return false;
      }
      Files.delete(trash);
      syncDirectory(objects.resolve(digest.substring(0, 2)));
      return true;
    } catch (IOException e) {
      throw failure("cannot delete artifact", target, e);
    }
  }

  /** What is stored under an object's final name. */
  private enum Existing {
    ABSENT,
    DAMAGED,
    INTACT
  }

  /**
   * Whether {@code target} holds exactly the content named {@code digest}: a regular file (links
   * are not followed) of {@code size} bytes whose SHA-256 is {@code digest}.
   */
  private static Existing examine(Path target, String digest, long size) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Existing.ABSENT;
    }
    if (!attributes.isRegularFile() || attributes.size() != size) {
      return Existing.DAMAGED;
    }
    try {
      return hash(target, LinkOption.NOFOLLOW_LINKS).equals(digest)
          ? Existing.INTACT
          : Existing.DAMAGED;
    } catch (NoSuchFileException e) {
      return Existing.ABSENT; // replaced or removed meanwhile: publish our copy
    }
  }

  /** The SHA-256 (lowercase hex) of a file's content. */
  private static String hash(Path file, OpenOption... options) throws IOException {
    MessageDigest md = Sha256.newDigest();
    byte[] buffer = new byte[BUFFER_SIZE];
    Set<OpenOption> open = new HashSet<>(Arrays.asList(options));
    open.add(READ);
    try (FileChannel channel = FileChannel.open(file, open)) {
      ByteBuffer view = ByteBuffer.wrap(buffer);
      int n;
      while ((n = channel.read(view.clear())) >= 0) {
        md.update(buffer, 0, n);
      }
    }
    return Sha256.hex(md.digest());
  }

  private void syncDirectory(Path dir) throws IOException {
    if (posix) {
      try (FileChannel channel = FileChannel.open(dir, READ)) {
        channel.force(true);
      }
    }
  }

  private void sweepStaleTemps(Instant cutoff) {
    int removed = 0;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(objects, TEMP_PREFIX + "*")) {
      for (Path temp : temps) {
        BasicFileAttributes attributes;
        try {
          attributes =
              Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue; // Its writer published or removed it meanwhile: nothing to sweep.
        }
        if (attributes.isRegularFile()
            && attributes.lastModifiedTime().toInstant().isBefore(cutoff)
            && Files.deleteIfExists(temp)) {
          removed++;
        }
      }
    } catch (IOException e) {
      throw failure("cannot remove stale temporary files in", objects, e);
    }
    if (removed > 0) {
      LOG.info(
          "removed {} stale temporary file(s) left by interrupted writes in {}", removed, objects);
    }
  }

  private static void deleteTemp(Path temp, Throwable primary) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }

  static ArtifactStoreException failure(String action, Path path, IOException e) {
    restoreInterrupt(e);
    return new ArtifactStoreException(action + " " + path + ": " + describe(e), path.toString(), e);
  }

  private static void restoreInterrupt(IOException e) {
    if (e instanceof ClosedByInterruptException || e instanceof InterruptedIOException) {
      Thread.currentThread().interrupt();
    }
  }

  /** A short reason for an I/O failure; the exception itself stays attached as the cause. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory (" + e.getMessage() + ")";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied (" + e.getMessage() + ")";
    }
    if (e instanceof ClosedByInterruptException) {
      return "interrupted";
    }
    return e.toString();
  }

  /** Returns {@code value} if it is a SHA-256 digest in lowercase hex, else throws IAE. */
  static String checkDigest(String value, String what) {
    if (!Sha256.isHex(value)) {
      throw new IllegalArgumentException(
          what
              + " "
              + PathNames.quote(value)
              + " is not a SHA-256 digest: expected 64 lowercase hex characters [0-9a-f]");
    }
    return value;
  }
}
