package io.github.mlops4j.artifacts;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.github.mlops4j.artifacts.EncryptedFormat.Header;
import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ArtifactStore} in a local directory that encrypts every object at rest with envelope
 * encryption: each object gets its own random 256-bit AES data key, its content is sealed with
 * AES-256-GCM in segments of {@link Builder#segmentSize 64 KiB}, and the data key is stored only
 * wrapped by a host key of a {@link KeyProvider}.
 *
 * <p>Objects are still named by the SHA-256 of their <em>plaintext</em>, so content addressing,
 * deduplication and the digests recorded by tracking and the registry are the same as with {@link
 * DirectoryArtifactStore}. What is stored per object is one file, {@code root/enc-sha256/<2
 * hex>/<62 hex>}: two fixed-size header slots (segment size, plaintext size, key id, wrapped data
 * key, and a tag that binds them to the digest), then the sealed segments (see {@link
 * EncryptedFormat}, version 2). Objects written before version 2 (a header file at that name and a
 * data file beside it) are read, verified, listed, deleted and re-wrapped as before; new puts
 * always write version 2. The plaintext size and the digest (the file name) are visible to whoever
 * reads the directory; the content is not.
 *
 * <h2>What a read checks</h2>
 *
 * A reader only ever receives authenticated bytes: the header's tag must match the digest the
 * object is opened under (so objects swapped on disk are refused), each segment's GCM tag must
 * match (a changed, reordered or swapped segment is refused before any of its bytes are returned),
 * the last segment must be sealed as last and the segments must have exactly the length the header
 * says (so truncation and appended bytes are refused). A reader takes the header in slot A, and the
 * one in slot B when slot A does not parse, names a key the provider does not know, does not unwrap
 * or fails its tag; when both fail, slot A's failure is thrown. Each of these failures is {@link
 * ArtifactCorruptedException}, like a bad digest; a key id the provider does not know is {@link
 * ArtifactKeyException}.
 *
 * <p>Unlike {@link DirectoryArtifactStore}, a read does not hash the plaintext again: these checks
 * already tie the content to its name. The header's tag is an AES-GCM tag, under the object's own
 * random data key, over the format's magic, the segment size, the plaintext size, the header's
 * random id and the SHA-256 taken from the digest being opened (never a value read from the files);
 * every segment's tag is under the same data key with a nonce made of its index and a last-segment
 * flag. The data key is stored only wrapped by a host key (the key-encryption key) of the {@link
 * KeyProvider}, whose unwrap is authenticated. So a stream that ends normally has handed out
 * exactly the bytes that a holder of the host key sealed and declared, with the header's tag, to
 * have this SHA-256. What the plain store's hash guards against (a changed, truncated, extended,
 * swapped or misnamed file, whether by a disk fault or by someone with write access to the
 * directory) is refused here by the tags: without the host key no one can produce a data key, a
 * header tag or a segment that authenticates, and parts copied from another object (its header or
 * header slot, its segments, one of its segments) are under another data key or bound to another
 * digest. What is trusted instead is every holder of the host key, and this store's own writer:
 * content that such a holder sealed under a name that is not its SHA-256 would be returned as that
 * name. The SHA-256 is computed when an object is put, and that value names it.
 *
 * <h2>Threads and memory</h2>
 *
 * Objects of up to 1 MiB of plaintext, or of up to two segments, are read and written on the
 * caller's thread alone: for them, handing segments between two threads costs more than it saves.
 * Above that the store <em>uses a second thread per open stream</em> (and per put): a stream's
 * segments are read, authenticated and decrypted ahead of the reader into a ring of four segment
 * buffers while the reader's thread copies them out, and a put's segments are handed to the second
 * thread in batches of 512 KiB, encrypted in place and written with one gathering write per batch
 * while the caller's thread reads and hashes the next batch (the caller encrypts too when a whole
 * batch already waits for the second thread). Only authenticated segments reach the reader, and a
 * failure reaches it after the good segments before it, with the same exception as on one thread.
 * Memory stays bounded whatever the object's size: seven segments per stream, and per put two
 * segments plus three batches of 512 KiB or one segment, whichever is larger (26 segments, about
 * 1.6 MiB, at the default segment size). The threads are daemon threads of a pool the store owns,
 * named {@code mlops4j-encrypted-artifacts-<n>}, at most 64 at once (more streams run on their
 * caller's thread alone); a stream's thread stops when the stream ends, fails, is closed, its
 * reader is interrupted, or it is abandoned without being closed (checked about once a second), and
 * idle threads end after 30 seconds. {@link #close()} stops the pool.
 *
 * <h2>Keys and rotation</h2>
 *
 * New objects are wrapped with the provider's {@link KeyProvider#currentKeyId() current key}; an
 * object keeps the key id it was written with, and stays readable as long as the provider still has
 * that key. {@link #rewrap()} moves every object to the current key without touching its segments:
 * it writes the new header into slot B and forces it, then into slot A and forces it, so that when
 * it returns no copy of the old wrapped key is left in the file, and at every moment before at
 * least one slot holds an intact header (the old one or the new one) that a reader can use.
 * Re-wraps of one object are serialized, within a process and across processes, by a lock on its
 * file; readers take no lock. A re-wrap that stops half-way leaves the object readable with the old
 * key or the new one, and running it again finishes the job; then old keys can be retired. A
 * version-1 object's header file is rewritten by one atomic rename, its data file untouched.
 *
 * <p>Writes, crashes and concurrency behave as in {@link DirectoryArtifactStore}, with the same
 * system calls: content is sealed into a temporary file after room for the two header slots, the
 * header is written into slot A (slot B stays zero), and the file is forced to disk once; a newly
 * created prefix directory's entry is forced as the plain store does, but at the same time as the
 * file (on a thread of the store's pool, or on the caller's thread after its own force when no
 * worker has started it), so that the file system can cover both with one journal commit. The file
 * is then committed under the object's name by a hard link, which creates it only if absent (an
 * atomic rename where hard links are not supported), and the put returns after the prefix directory
 * is forced. An intact object of the same content, of either version, is kept; a damaged one is
 * replaced. Two writers of the same content leave one object. Instances are safe to share between
 * threads. {@link #list()} and {@link #delete(String, Instant)} serve purges and garbage
 * collection; the object's time is its file's (a version-1 object's header's), renewed by a put of
 * content already stored and by a re-wrap.
 *
 * @since 0.1.0
 */
public final class EncryptedArtifactStore implements ArtifactStore, AutoCloseable {
  /** The directory under the root that holds encrypted objects. */
  static final String OBJECTS_DIR = "enc-sha256";

  static final String TEMP_PREFIX = DirectoryArtifactStore.TEMP_PREFIX;
  static final int DEFAULT_SEGMENT = 64 * 1024;

  /**
   * Objects of up to this many plaintext bytes are read and written on the caller's thread alone:
   * below it, handing segments to a second thread costs more than it saves (measured with 1 MB
   * objects in 64 KiB segments: one thread used less than half the CPU time of two, and less wall
   * clock time too).
   */
  static final long DEFAULT_PIPELINE_MIN_BYTES = 1 << 20;

  /** Streams and puts with a worker thread at once; more run on their caller's thread alone. */
  static final int MAX_WORKERS = 64;

  private static final long WORKER_KEEP_ALIVE_SECONDS = 30;
  private static final Logger LOG = LoggerFactory.getLogger(EncryptedArtifactStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;
  private final Path objects;
  private final KeyProvider keys;
  private final int segmentSize;
  private final long pipelineMinBytes;
  private final boolean readOnly;
  private final Clock clock;
  private final ThreadPoolExecutor workers;

  /** Serialize re-wraps of one object within this store (a file lock does across processes). */
  private final ReentrantLock[] rewrapLocks = new ReentrantLock[16];

  /**
   * One AES-GCM cipher per thread, initialised afresh with the key and nonce of every header and
   * segment it seals or opens, so that no object pays for a {@code Cipher.getInstance}. A use is
   * always init then doFinal on one thread with nothing in between, so state never carries over
   * from one use (a failed authentication included) to the next.
   */
  private final ThreadLocal<Cipher> ciphers =
      ThreadLocal.withInitial(EncryptedArtifactStore::newCipher);

  private EncryptedArtifactStore(Builder b, Path root) {
    this.root = root;
    this.objects = root.resolve(OBJECTS_DIR);
    this.keys = Objects.requireNonNull(b.keys);
    this.segmentSize = b.segmentSize;
    this.pipelineMinBytes = b.pipelineMinBytes;
    this.readOnly = b.readOnly;
    this.clock = b.clock;
    Arrays.setAll(rewrapLocks, i -> new ReentrantLock());
    this.workers =
        new ThreadPoolExecutor(
            0,
            MAX_WORKERS,
            WORKER_KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new WorkerThreads());
  }

  /** A builder; the root directory and the key provider are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The absolute root directory of this store. */
  public Path root() {
    return root;
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * {@code encrypted+file:} URI of the root directory, ending in a slash: a workspace that records
   * it cannot be opened later with a plain {@link DirectoryArtifactStore} by mistake.
   */
  @Override
  public String location() {
    String uri = root.toUri().toString();
    return "encrypted+" + (uri.endsWith("/") ? uri : uri + "/");
  }

  @Override
  public String toString() {
    return "EncryptedArtifactStore[" + root + "]";
  }

  /**
   * Stops the store's worker threads: streams opened and puts started afterwards run on their
   * caller's thread alone. Streams already open keep their worker until they are closed or read to
   * the end. Idempotent; the store stays usable.
   */
  @Override
  public void close() {
    workers.shutdown();
  }

  /**
   * Objects of up to this many plaintext bytes are read and written on the caller's thread alone.
   */
  long pipelineMinBytes() {
    return pipelineMinBytes;
  }

  /** The number of worker threads decrypting or encrypting right now (for tests). */
  int activeWorkers() {
    return workers.getActiveCount();
  }

  // ---- put -------------------------------------------------------------------------------------

  /**
   * Encrypts and stores the content of {@code file}. An intact object with the same content is kept
   * (its header's modification time renewed when over a minute old); a damaged one is replaced.
   *
   * @throws ArtifactStoreException if {@code file} cannot be read or the object cannot be written
   * @throws ArtifactKeyException if the current key cannot be used
   * @throws IllegalStateException if the store is read-only
   */
  @Override
  public StoredArtifact put(Path file) {
    Objects.requireNonNull(file, "file");
    checkWritable();
    try (InputStream in = Files.newInputStream(file)) {
      return store(in, file.toString());
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot read the file to store", file, e);
    }
  }

  /**
   * Encrypts and stores everything {@code in} yields; the stream is read to its end but not closed.
   *
   * @throws ArtifactStoreException if reading {@code in} fails or the object cannot be written
   * @throws ArtifactKeyException if the current key cannot be used
   * @throws IllegalStateException if the store is read-only
   */
  @Override
  public StoredArtifact put(InputStream in) {
    Objects.requireNonNull(in, "in");
    return store(in, "the input stream");
  }

  private StoredArtifact store(InputStream in, String source) {
    checkWritable();
    byte[] rawKey = new byte[EncryptedFormat.DATA_KEY_BYTES];
    RANDOM.nextBytes(rawKey);
    SecretKey dataKey = new SecretKeySpec(rawKey, "AES");
    String keyId = keys.currentKeyId();
    byte[] wrapped = wrap(keyId, rawKey);
    Arrays.fill(rawKey, (byte) 0);
    long dataId = RANDOM.nextLong();
    Path temp = objects.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      MessageDigest md = Sha256.newDigest();
      long size = 0;
      String digest;
      try (FileChannel out = FileChannel.open(temp, CREATE_NEW, WRITE)) {
        out.position(EncryptedFormat.SEGMENTS_OFFSET); // the header slots are written last
        try (SegmentSealer sealer =
            new SegmentSealer(out, this, dataKey, segmentSize, pipelineMinBytes, workers)) {
          byte[] current = sealer.newBuffer();
          byte[] next = sealer.newBuffer();
          int n = readSource(in, current, segmentSize, source);
          for (long index = 0; ; index++) {
            int following = n == segmentSize ? readSource(in, next, segmentSize, source) : 0;
            boolean last = following == 0;
            md.update(current, 0, n);
            size += n;
            byte[] free = sealer.seal(index, current, n, last);
            if (last) {
              break;
            }
            current = next;
            next = free;
            n = following;
          }
          sealer.finish();
        }
        digest = Sha256.hex(md.digest());
        byte[] tag = EncryptedFormat.tag(cipher(), dataKey, 2, segmentSize, size, dataId, digest);
        Header header = new Header(2, segmentSize, size, dataId, keyId, wrapped, tag);
        // slot A holds the header, slot B stays zero until a re-wrap
        ByteBuffer slots = ByteBuffer.allocate(EncryptedFormat.SEGMENTS_OFFSET);
        slots.put(header.encodeSlot()).clear();
        writeFully(out, slots, 0);
        Path dir = objects.resolve(digest.substring(0, 2));
        boolean newDir = !Files.isDirectory(dir);
        if (newDir) {
          Files.createDirectories(dir);
        }
        // the new prefix directory's entry is forced as the plain store does, beside the file
        forceTogether(out, newDir ? objects : null, workers);
      }
      publish(temp, digest);
      return new StoredArtifact(digest, size);
    } catch (IOException e) {
      ArtifactStoreException failure =
          DirectoryArtifactStore.failure("cannot store artifact through temporary file", temp, e);
      deleteTemps(failure, temp);
      throw failure;
    } catch (GeneralSecurityException e) {
      ArtifactStoreException failure =
          new ArtifactStoreException("cannot encrypt the artifact (" + e + ")", temp.toString(), e);
      deleteTemps(failure, temp);
      throw failure;
    } catch (RuntimeException | Error e) {
      deleteTemps(e, temp);
      throw e;
    }
  }

  private byte[] wrap(String keyId, byte[] rawKey) {
    try {
      byte[] wrapped = keys.wrap(keyId, rawKey);
      if (wrapped.length == 0 || wrapped.length > EncryptedFormat.MAX_WRAPPED_BYTES) {
        throw new ArtifactKeyException(
            keyId,
            "the key provider returned a wrapped key of "
                + wrapped.length
                + " bytes; 1 to "
                + EncryptedFormat.MAX_WRAPPED_BYTES
                + " are supported",
            null);
      }
      return wrapped;
    } catch (GeneralSecurityException e) {
      throw new ArtifactKeyException(
          keyId, "cannot wrap a data key with key " + PathNames.quote(keyId) + ": " + e, e);
    }
  }

  private static int readSource(InputStream in, byte[] buffer, int length, String source) {
    try {
      return in.readNBytes(buffer, 0, length);
    } catch (IOException e) {
      throw new ArtifactStoreException(
          "cannot read the content to store from "
              + source
              + ": "
              + DirectoryArtifactStore.describe(e),
          source,
          e);
    }
  }

  /**
   * Publishes the object file as the plain store does: the prefix directory is created (and its
   * entry forced) if missing (the put made it, unless a purge removed it since), an intact object
   * of the same content is kept (its time renewed), and otherwise the file is committed under the
   * object's name by a hard link, which creates it only if absent, so a concurrent writer of the
   * same content cannot replace an intact object. An existing object is kept when it reads back
   * intact, else replaced; where hard links are not supported an atomic rename commits it. The
   * prefix directory is forced last.
   */
  private void publish(Path temp, String digest) throws IOException {
    Path dir = objects.resolve(digest.substring(0, 2));
    Path target = dir.resolve(digest.substring(2));
    if (!Files.isDirectory(dir)) { // removed since the put made it (a purge of empty ones)
      Files.createDirectories(dir);
      syncDirectory(objects);
    }
    if (examine(digest) == Existing.INTACT && DirectoryArtifactStore.renew(target)) {
      Files.delete(temp);
      return;
    }
    try {
      Files.createLink(target, temp);
      Files.delete(temp);
    } catch (FileAlreadyExistsException e) {
      if (examine(digest) == Existing.INTACT) {
        Files.delete(temp); // another writer committed the same content first
        return;
      }
      replace(temp, target);
    } catch (UnsupportedOperationException e) {
      replace(temp, target); // no hard links here: plain atomic rename
    }
    syncDirectory(dir);
  }

  /** Replaces a damaged object (and a version-1 object's data file) with {@code temp}. */
  private static void replace(Path temp, Path target) throws IOException {
    @Nullable Path oldData = dataFileOf(target);
    LOG.warn("replacing damaged encrypted artifact {}", target);
    Files.move(temp, target, ATOMIC_MOVE);
    if (oldData != null && !oldData.equals(dataFileOf(target))) {
      Files.deleteIfExists(oldData);
    }
  }

  /**
   * The data file a version-1 header names, or null if the file is no readable version-1 header (a
   * version-2 object has no data file).
   */
  private static @Nullable Path dataFileOf(Path header) {
    return dataFileOf(header, header);
  }

  /** The data file named by the header read from {@code file}, stored as {@code header}. */
  private static @Nullable Path dataFileOf(Path file, Path header) {
    try {
      Header h = EncryptedFormat.parse(readHeaderBytes(file));
      return header.resolveSibling(header.getFileName() + h.dataSuffix());
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private enum Existing {
    ABSENT,
    DAMAGED,
    INTACT
  }

  private Existing examine(String digest) {
    if (!contains(digest)) {
      return Existing.ABSENT;
    }
    try {
      verify(digest);
      return Existing.INTACT;
    } catch (ArtifactNotFoundException e) {
      return Existing.ABSENT;
    } catch (ArtifactCorruptedException | ArtifactKeyException e) {
      return Existing.DAMAGED;
    }
  }

  // ---- read ------------------------------------------------------------------------------------

  /**
   * Whether an object named {@code digest} is stored (its file exists: a version-2 object, or a
   * version-1 object's header). Reads nothing.
   *
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  @Override
  public boolean contains(String digest) {
    return Files.isRegularFile(headerPath(digest));
  }

  /**
   * Opens the object {@code digest} for reading its plaintext. The header is checked against {@code
   * digest}, and the data key unwrapped, on the first read; every segment is authenticated before
   * its bytes are returned, and the end is reported only after the segment sealed as last and
   * exactly the header's plaintext size (see "What a read checks" for why no second SHA-256 pass is
   * made). Failures are thrown from {@code read} as {@link ArtifactCorruptedException} (or {@link
   * ArtifactKeyException} for a key id the provider does not know, {@link
   * ArtifactNotFoundException} for a version-1 header whose data file is gone), and again on later
   * reads.
   *
   * @throws ArtifactNotFoundException if no such object is stored
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  @Override
  public InputStream open(String digest) {
    Path header = headerPath(digest);
    if (!Files.isRegularFile(header)) {
      throw new ArtifactNotFoundException(digest, header.toString());
    }
    return new DecryptingInputStream(this, digest, header, workers);
  }

  /**
   * Reads and authenticates the whole object {@code digest}: its header against {@code digest},
   * every segment, the last-segment seal and the lengths, as a read to the end does.
   *
   * @throws ArtifactCorruptedException if the object fails any check
   * @throws ArtifactKeyException if the provider does not know the object's key id
   * @throws ArtifactNotFoundException if no such object is stored
   * @throws ArtifactStoreException if the files cannot be read
   * @throws IllegalArgumentException if {@code digest} is not 64 lowercase hex characters
   */
  @Override
  public void verify(String digest) {
    Path header = headerPath(digest);
    try (InputStream in = open(digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot read artifact", header, e);
    }
  }

  /**
   * Reads and authenticates the header of {@code digest} stored in {@code file}; returns it with
   * the data key and where the segments are.
   */
  Opened openHeader(String digest, Path file) {
    try (FileChannel channel = openObjectFile(digest, file)) {
      return openHeader(digest, file, channel);
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot read artifact header", file, e);
    }
  }

  /** Opens the file at the object's name for reading. */
  static FileChannel openObjectFile(String digest, Path file) throws IOException {
    try {
      return FileChannel.open(file, READ);
    } catch (NoSuchFileException e) {
      throw new ArtifactNotFoundException(digest, file.toString());
    }
  }

  /**
   * As {@link #openHeader(String, Path)}, from {@code channel} open on {@code file}. A version-1
   * header file holds the header alone; a version-2 object's slot A is taken, and slot B when A
   * fails to parse, names an unknown key, does not unwrap or fails its tag; when both fail, slot
   * A's failure is thrown (slot B's is suppressed in it).
   */
  Opened openHeader(String digest, Path file, FileChannel channel) throws IOException {
    long length = channel.size();
    ByteBuffer prefix =
        ByteBuffer.allocate((int) Math.min(length, (long) EncryptedFormat.SEGMENTS_OFFSET));
    while (prefix.hasRemaining()) { // the file's bytes up to the end of slot B
      if (channel.read(prefix, prefix.position()) < 0) {
        break;
      }
    }
    byte[] bytes = Arrays.copyOf(prefix.array(), prefix.position());
    if (length < EncryptedFormat.SEGMENTS_OFFSET) {
      if (!EncryptedFormat.startsWithMagic(bytes, 1)) {
        throw corrupted(
            digest,
            file,
            "its header is damaged (a file of "
                + length
                + " bytes that is neither a version-1 header nor long enough for the two header"
                + " slots of version 2)");
      }
      Header header;
      try {
        header = EncryptedFormat.parse(bytes);
      } catch (IllegalArgumentException e) {
        throw corrupted(digest, file, "its header is damaged (" + e.getMessage() + ")");
      }
      Path data = file.resolveSibling(file.getFileName() + header.dataSuffix());
      return authenticate(digest, file, header, data, 0, 0);
    }
    RuntimeException slotA;
    try {
      return openSlot(digest, file, bytes, 0);
    } catch (ArtifactCorruptedException | ArtifactKeyException e) {
      slotA = e;
    }
    try {
      return openSlot(digest, file, bytes, 1);
    } catch (ArtifactCorruptedException | ArtifactKeyException e) {
      slotA.addSuppressed(e);
      throw slotA;
    }
  }

  private Opened openSlot(String digest, Path file, byte[] slots, int slot) {
    Header header;
    try {
      header = EncryptedFormat.parseSlot(slots, slot * EncryptedFormat.SLOT_BYTES);
    } catch (IllegalArgumentException e) {
      throw corrupted(
          digest,
          file,
          "its header slot " + (slot == 0 ? "A" : "B") + " is damaged (" + e.getMessage() + ")");
    }
    return authenticate(digest, file, header, file, EncryptedFormat.SEGMENTS_OFFSET, slot);
  }

  /** Unwraps the header's data key and checks the header's tag against {@code digest}. */
  private Opened authenticate(
      String digest, Path file, Header header, Path data, long offset, int slot) {
    byte[] raw;
    try {
      raw = keys.unwrap(header.keyId(), header.wrappedKey());
    } catch (GeneralSecurityException e) {
      throw corrupted(
          digest,
          file,
          "its data key does not unwrap with key "
              + PathNames.quote(header.keyId())
              + " (a wrong key under that id, or a damaged header)");
    }
    if (raw.length != EncryptedFormat.DATA_KEY_BYTES) {
      throw corrupted(digest, file, "its data key has " + raw.length + " bytes");
    }
    SecretKey dataKey = new SecretKeySpec(raw, "AES");
    Arrays.fill(raw, (byte) 0);
    try {
      // checked in decrypt mode: a cipher reused on this thread refuses an encryption with the
      // key and nonce it used last, as a second open of the same object would ask for
      EncryptedFormat.checkTag(cipher(), dataKey, header, digest);
    } catch (AEADBadTagException e) {
      throw corrupted(
          digest,
          file,
          "its header does not belong to this digest (an object swapped or a header changed)");
    } catch (GeneralSecurityException e) {
      throw corrupted(digest, file, "its header cannot be authenticated (" + e + ")");
    }
    return new Opened(header, dataKey, data, offset, slot);
  }

  /**
   * An authenticated header, its data key, the file that holds the segments and where they start in
   * it, and the slot the header was read from (0 for slot A and for version 1, 1 for slot B).
   */
  record Opened(Header header, SecretKey dataKey, Path data, long offset, int slot) {}

  /**
   * This thread's AES-GCM cipher: the caller initialises it and finishes with it before anything
   * else on the thread may use it.
   */
  Cipher cipher() {
    return ciphers.get();
  }

  static Cipher newCipher() {
    try {
      return EncryptedFormat.newCipher();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available in this JVM", e);
    }
  }

  static ArtifactCorruptedException corrupted(String digest, Path where, String reason) {
    return new ArtifactCorruptedException(digest, where.toString(), reason);
  }

  private static byte[] readHeaderBytes(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      // one byte more than a header may have, so that parse refuses a longer file by its length
      return in.readNBytes(EncryptedFormat.MAX_HEADER_BYTES + 1);
    }
  }

  // ---- list and delete ------------------------------------------------------------------------

  /**
   * Every object (a version-2 object's file, a version-1 object's header file) under {@code
   * root/enc-sha256/}, read lazily, with its plaintext size and the file's modification time.
   * Version-1 data files left without a header (a writer that crashed between publishing its data
   * file and committing the header) are listed too, under the digest they were written for, with
   * their own size and modification time, so that a collector finds them; {@link #contains(String)}
   * is false for those. Temporary files are skipped.
   *
   * @throws ArtifactStoreException if the directory cannot be read
   */
  @Override
  @SuppressWarnings("StreamResourceLeak") // returned open: the caller closes it
  public Stream<ArtifactObject> list() {
    return DirectoryArtifactStore.objectFiles(objects)
        .map(this::describeObject)
        .flatMap(Optional::stream);
  }

  private Optional<ArtifactObject> describeObject(Path file) {
    String name = file.getFileName().toString();
    String prefix = Objects.requireNonNull(file.getParent()).getFileName().toString();
    boolean header = Sha256.isHex(prefix + name);
    if (!header && !isDataName(prefix, name)) {
      return Optional.empty();
    }
    String digest = prefix + name.substring(0, 62);
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || (!header && contains(digest))) {
        return Optional.empty();
      }
      long size = header ? plaintextSize(file, a.size()) : a.size();
      return Optional.of(new ArtifactObject(digest, size, a.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted while listing
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot read the attributes of artifact", file, e);
    }
  }

  /** Whether {@code name} in directory {@code prefix} is a data file: 62 hex, a dot, 16 hex. */
  private static boolean isDataName(String prefix, String name) {
    return name.length() == 62 + 17
        && name.charAt(62) == '.'
        && Sha256.isHex(prefix + name.substring(0, 62))
        && name.substring(63)
            .chars()
            .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  /** The plaintext size a header declares (not authenticated), else the file's own size. */
  private static long plaintextSize(Path file, long fallback) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(EncryptedFormat.SEGMENTS_OFFSET);
      if (bytes.length < EncryptedFormat.SEGMENTS_OFFSET) {
        return EncryptedFormat.parse(bytes).size();
      }
      try {
        return EncryptedFormat.parseSlot(bytes, 0).size();
      } catch (IllegalArgumentException e) {
        return EncryptedFormat.parseSlot(bytes, EncryptedFormat.SLOT_BYTES).size();
      }
    } catch (IOException | IllegalArgumentException e) {
      return fallback; // damaged or just replaced: the file's own size
    }
  }

  /**
   * Deletes the object unless its file (a version-1 object's header) was written or renewed at or
   * after {@code unchangedSince}. A version-2 object is its one file; what follows about data files
   * concerns version-1 objects. The header is renamed away in one atomic step and its modification
   * time read after the rename: a put that renewed it before is seen and the header is linked back
   * (unless a put committed a new header meanwhile, whose data file is then the one kept), and a
   * put after the rename finds no object and stores its own copy. The header goes first, its data
   * file after, so no reader ever finds a header without its data. Data files of the same digest
   * named by no header are deleted too when they are older than {@code unchangedSince} and than an
   * hour (a younger one may belong to a writer about to commit its header); with no header at all,
   * only those are deleted, and the call returns whether any was.
   *
   * @throws ArtifactStoreException if a file cannot be renamed or deleted
   * @throws IllegalStateException if the store is read-only
   */
  @Override
  public boolean delete(String digest, Instant unchangedSince) {
    Objects.requireNonNull(unchangedSince, "unchangedSince");
    Path header = headerPath(digest);
    checkWritable();
    Path trash = objects.resolve(TEMP_PREFIX + "gc-" + UUID.randomUUID());
    try {
      try {
        Files.move(header, trash, ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        return deleteStrayData(digest, unchangedSince);
      }
      @Nullable Path data = dataFileOf(trash, header);
      Instant modified = Files.getLastModifiedTime(trash, LinkOption.NOFOLLOW_LINKS).toInstant();
      if (!modified.isBefore(unchangedSince)) {
        restore(trash, header, data);
        return false;
      }
      Files.delete(trash);
      if (data != null) {
        Files.deleteIfExists(data);
      }
      deleteStrayData(digest, unchangedSince);
      syncDirectory(objects.resolve(digest.substring(0, 2)));
      return true;
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot delete artifact", header, e);
    }
  }

  /** Puts a renamed header back unless a put committed a new one meanwhile. */
  private static void restore(Path trash, Path header, @Nullable Path data) throws IOException {
    try {
      try {
        Files.createLink(header, trash);
        Files.delete(trash);
      } catch (UnsupportedOperationException e) {
        Files.move(trash, header); // no hard links: refuses an existing header all the same
      }
    } catch (FileAlreadyExistsException e) {
      @Nullable Path current = dataFileOf(header);
      if (data != null && !data.equals(current)) {
        Files.deleteIfExists(data); // the new header names its own data file
      }
      Files.delete(trash);
    }
  }

  /**
   * Deletes the data files of {@code digest} that no header names and that are older than {@code
   * unchangedSince} and than {@link DirectoryArtifactStore#STALE_TEMP_AGE}.
   */
  private boolean deleteStrayData(String digest, Instant unchangedSince) throws IOException {
    Path dir = objects.resolve(digest.substring(0, 2));
    Instant stale = clock.instant().minus(DirectoryArtifactStore.STALE_TEMP_AGE);
    Instant cutoff = stale.isBefore(unchangedSince) ? stale : unchangedSince;
    boolean deleted = false;
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dir, digest.substring(2) + ".????????????????")) {
      for (Path file : files) {
        if (!isDataName(digest.substring(0, 2), file.getFileName().toString())
            || file.equals(dataFileOf(headerPath(digest)))) {
          continue;
        }
        try {
          Instant modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
          if (modified.isBefore(cutoff)) {
            deleted |= Files.deleteIfExists(file);
          }
        } catch (NoSuchFileException e) {
          // removed meanwhile
        }
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    return deleted;
  }

  // ---- rewrap ----------------------------------------------------------------------------------

  /**
   * Re-wraps the data key of every object not wrapped with the provider's current key, so that old
   * keys can be retired. Only headers are rewritten (a version-2 object's two header slots in
   * place, a version-1 object's header file with one atomic rename); segments are not read or
   * changed. Each header is authenticated before it is rewritten, so a damaged or foreign header is
   * never re-sealed under the new key. Safe to run while others read and write; if it stops
   * half-way (a crash, a damaged object) running it again finishes the job.
   *
   * @return the number of objects re-wrapped
   * @throws ArtifactCorruptedException for the first object whose header fails authentication
   * @throws ArtifactKeyException if an object's key id is unknown to the provider
   * @throws ArtifactStoreException if the directory cannot be listed or a header written
   * @throws IllegalStateException if the store is read-only
   */
  public long rewrap() {
    checkWritable();
    long count = 0;
    if (!Files.isDirectory(objects)) {
      return 0;
    }
    try (DirectoryStream<Path> fanOut = Files.newDirectoryStream(objects, Files::isDirectory)) {
      for (Path dir : fanOut) {
        String prefix = dir.getFileName().toString();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path file : files) {
            String digest = prefix + file.getFileName();
            if (Sha256.isHex(digest) && rewrap(digest)) {
              count++;
            }
          }
        }
      }
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot list the artifact store directory", objects, e);
    }
    return count;
  }

  /**
   * Re-wraps the data key of object {@code digest} with the current key unless it already uses it.
   * A version-2 object's header slots are rewritten in place (slot B, forced, then slot A, forced)
   * under a lock on its file, so re-wraps of one object never overlap, in this process or another;
   * a version-1 object's header file is replaced by an atomic rename.
   *
   * @return whether the header was rewritten
   * @throws ArtifactNotFoundException if no such object is stored
   * @throws ArtifactCorruptedException if its header fails authentication
   * @throws ArtifactKeyException if its key id is unknown to the provider
   * @throws IllegalStateException if the store is read-only
   */
  public boolean rewrap(String digest) {
    return rewrap(digest, false);
  }

  /**
   * As {@link #rewrap(String)}, but for a version-2 object stops after slot B is written and
   * forced, as a crash between the two slot writes would (for tests).
   */
  boolean rewrapSlotBOnly(String digest) {
    return rewrap(digest, true);
  }

  private boolean rewrap(String digest, boolean slotBOnly) {
    checkWritable();
    Path file = headerPath(digest);
    Opened opened = openHeader(digest, file);
    String current = keys.currentKeyId();
    if (opened.header().version() == 2) {
      boolean done = opened.slot() == 0 && opened.header().keyId().equals(current);
      return !done && rewrapSlots(digest, file, slotBOnly);
    }
    if (opened.header().keyId().equals(current)) {
      return false;
    }
    byte[] wrapped = wrap(current, opened.dataKey());
    Path temp = objects.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      writeSynced(temp, opened.header().withKey(current, wrapped).encode());
      Files.move(temp, file, ATOMIC_MOVE);
      syncDirectory(Objects.requireNonNull(file.getParent()));
    } catch (IOException e) {
      ArtifactStoreException failure =
          DirectoryArtifactStore.failure("cannot rewrite artifact header", file, e);
      deleteTemps(failure, temp);
      throw failure;
    }
    return true;
  }

  /**
   * Rewrites both header slots of a version-2 object with its header under the current key, holding
   * this store's lock for the digest and an exclusive lock on the file; the header is read again
   * under the locks, and nothing is written when slot A already uses the current key (another
   * re-wrap finished first). Readers take no lock: while slot A is being written, slot B already
   * holds the new header, forced.
   */
  private boolean rewrapSlots(String digest, Path file, boolean slotBOnly) {
    ReentrantLock lock = rewrapLocks[Math.floorMod(digest.hashCode(), rewrapLocks.length)];
    lock.lock();
    try (FileChannel channel = openForRewrap(digest, file)) {
      FileLock unused = channel.lock(); // released when the channel closes
      Opened opened = openHeader(digest, file, channel);
      String current = keys.currentKeyId();
      Header header = opened.header();
      if (opened.slot() == 0 && header.keyId().equals(current)) {
        return false;
      }
      if (!header.keyId().equals(current)) {
        header = header.withKey(current, wrap(current, opened.dataKey()));
      }
      byte[] slot = header.encodeSlot();
      writeFully(channel, ByteBuffer.wrap(slot), EncryptedFormat.SLOT_BYTES);
      channel.force(false);
      if (!slotBOnly) {
        writeFully(channel, ByteBuffer.wrap(slot), 0);
        channel.force(false);
      }
      return true;
    } catch (OverlappingFileLockException e) {
      throw new ArtifactStoreException(
          "cannot re-wrap artifact "
              + digest
              + ": another store of this process on the same directory is re-wrapping it;"
              + " run rewrap again once it is done",
          file.toString(),
          e);
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot rewrite the header slots of artifact", file, e);
    } finally {
      lock.unlock();
    }
  }

  private static FileChannel openForRewrap(String digest, Path file) throws IOException {
    try {
      return FileChannel.open(file, READ, WRITE);
    } catch (NoSuchFileException e) {
      throw new ArtifactNotFoundException(digest, file.toString());
    }
  }

  private byte[] wrap(String keyId, SecretKey dataKey) {
    byte[] raw = dataKey.getEncoded();
    try {
      return wrap(keyId, raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** The key id object {@code digest} is wrapped with (its header is authenticated first). */
  public String keyIdOf(String digest) {
    return openHeader(digest, headerPath(digest)).header().keyId();
  }

  // ---- files -----------------------------------------------------------------------------------

  Path headerPath(String digest) {
    DirectoryArtifactStore.checkDigest(Objects.requireNonNull(digest, "digest"), "digest");
    return objects.resolve(digest.substring(0, 2)).resolve(digest.substring(2));
  }

  private void checkWritable() {
    if (readOnly) {
      throw new IllegalStateException(
          "The artifact store " + root + " was opened read-only; nothing can be stored through it");
    }
  }

  private static void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel out = FileChannel.open(file, CREATE_NEW, WRITE)) {
      writeFully(out, bytes);
      out.force(true);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer view, long position)
      throws IOException {
    long at = position;
    while (view.hasRemaining()) {
      at += out.write(view, at);
    }
  }

  private static void writeFully(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer view = ByteBuffer.wrap(bytes);
    while (view.hasRemaining()) {
      out.write(view);
    }
  }

  /**
   * Forces {@code file} to disk and, when not null, {@code directory} (the entry of a newly created
   * prefix directory) at once: the directory's force on a thread of the store's pool, so that the
   * file system can cover both with one journal commit where one after the other they took two.
   * Returns once both are on disk. Once its own force is done, the caller runs the directory's
   * force itself if no worker has started it yet (a task runs once, on whichever thread is first),
   * so a put never waits for a worker to be scheduled; a force the pool does not take runs on the
   * caller's thread the same way.
   */
  static void forceTogether(FileChannel file, @Nullable Path directory, Executor workers)
      throws IOException {
    if (directory == null) {
      file.force(true);
      return;
    }
    Path dir = directory;
    FutureTask<@Nullable Void> other =
        new FutureTask<>(
            () -> {
              syncDirectory(dir);
              return null;
            });
    try {
      workers.execute(other);
    } catch (RejectedExecutionException e) {
      LOG.trace("no worker free for a force; it runs on the caller's thread", e);
    }
    @Nullable Throwable failure = null;
    try {
      file.force(true);
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    }
    other.run(); // does nothing if a worker has started it
    boolean interrupted = false;
    try {
      while (true) { // even when interrupted: it ends after one fsync
        try {
          other.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (failure == null) {
            failure = cause;
          } else if (cause != null) {
            failure.addSuppressed(cause);
          }
          break;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure instanceof IOException io) {
      throw io;
    } else if (failure instanceof RuntimeException re) {
      throw re;
    } else if (failure instanceof Error err) {
      throw err;
    } else if (failure != null) {
      throw new IOException(failure);
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    if (!dir.getFileSystem().getSeparator().equals("\\")) {
      try (FileChannel channel = FileChannel.open(dir, READ)) {
        channel.force(true);
      }
    }
  }

  private static void deleteTemps(Throwable primary, Path... temps) {
    for (Path temp : temps) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        primary.addSuppressed(e);
      }
    }
  }

  private void sweepStaleTemps(Instant cutoff) {
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(objects, TEMP_PREFIX + "*")) {
      for (Path temp : temps) {
        BasicFileAttributes attributes;
        try {
          attributes =
              Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue;
        }
        if (attributes.isRegularFile()
            && attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(temp);
        }
      }
    } catch (IOException e) {
      throw DirectoryArtifactStore.failure("cannot remove stale temporary files in", objects, e);
    }
  }

  /** Daemon threads named for the store's work, so that a thread dump tells what they are. */
  private static final class WorkerThreads implements ThreadFactory {
    private static final AtomicInteger COUNT = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "mlops4j-encrypted-artifacts-" + COUNT.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }

  /**
   * Configures an {@link EncryptedArtifactStore}.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private @Nullable Path root;
    private @Nullable KeyProvider keys;
    private int segmentSize = DEFAULT_SEGMENT;
    private long pipelineMinBytes = DEFAULT_PIPELINE_MIN_BYTES;
    private boolean readOnly;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The directory that holds the objects (created if missing, unless read-only). */
    public Builder root(Path root) {
      this.root = Objects.requireNonNull(root, "root");
      return this;
    }

    /** The host keys that wrap the data keys. */
    public Builder keyProvider(KeyProvider keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * The plaintext bytes per authenticated segment of new objects: a power of two from 1 KiB to 16
     * MiB (default 64 KiB). Reads use the size recorded in each object's header. A reader holds at
     * most seven segments in memory, a put two segments plus three batches of 512 KiB or one
     * segment, whichever is larger (two segments for objects of up to 1 MiB or two segments).
     */
    public Builder segmentSize(int bytes) {
      this.segmentSize =
          Checks.powerOfTwoInRange(
              bytes, EncryptedFormat.MIN_SEGMENT, EncryptedFormat.MAX_SEGMENT, "segmentSize");
      return this;
    }

    /**
     * Objects of up to this many plaintext bytes are read and written on the caller's thread alone
     * (default 1 MiB); tests lower it to drive the second thread with small objects.
     */
    Builder pipelineMinBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("pipelineMinBytes must be >= 0, not " + bytes);
      }
      this.pipelineMinBytes = bytes;
      return this;
    }

    /** Opens the store for reading only: no directory is created and put is refused. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** The clock that dates stale temporary files (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Opens the store, creating its directories unless read-only, and removes temporary files a
     * crashed writer left more than an hour ago.
     *
     * @throws IllegalStateException if the root or the key provider is missing
     * @throws ArtifactStoreException if the directories cannot be created
     */
    public EncryptedArtifactStore build() {
      Path r = root;
      if (r == null) {
        throw Checks.missing("EncryptedArtifactStore.Builder", "root", "root(path)");
      }
      if (keys == null) {
        throw Checks.missing("EncryptedArtifactStore.Builder", "keyProvider", "keyProvider(keys)");
      }
      EncryptedArtifactStore store =
          new EncryptedArtifactStore(this, r.toAbsolutePath().normalize());
      if (!readOnly) {
        try {
          Files.createDirectories(store.objects);
        } catch (IOException e) {
          throw DirectoryArtifactStore.failure(
              "cannot create the artifact store directory", store.objects, e);
        }
        store.sweepStaleTemps(clock.instant().minus(DirectoryArtifactStore.STALE_TEMP_AGE));
      }
      return store;
    }
  }
}
