package io.github.mlops4j.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ArtifactStore} shares, run against a real backend by each
 * implementation's test ({@code DirectoryArtifactStoreContractTest}, {@code S3ArtifactStoreIT}).
 * Digests are checked against {@link MessageDigest}'s SHA-256, computed here independently of the
 * store. After each test no temporary or staging object and no unfinished upload may be left.
 */
public abstract class ArtifactStoreContract {
  // printf 'hello, mlops4j\n' | sha256sum
  private static final String HELLO = "hello, mlops4j\n";
  private static final String HELLO_SHA256 =
      "085a3a7c41539735d40d0c21636c0d3e7812ba5f9761a3bf8e75208b9ab5aa47";

  @TempDir protected Path temp;

  /** A writable store, empty at the start of each test. */
  protected abstract ArtifactStore store();

  /** A read-only store over the same objects as {@link #store()}. */
  protected abstract ArtifactStore readOnlyStore();

  /** Replaces the bytes stored for {@code digest} behind the store's back. */
  protected abstract void overwrite(String digest, byte[] content) throws IOException;

  /** The digests whose objects are stored under their final name. */
  protected abstract Set<String> storedDigests() throws IOException;

  /** Temporary files, staging objects and unfinished uploads left in the store, by name. */
  protected abstract List<String> leftovers() throws IOException;

  /**
   * A content size that the store writes in several pieces (multipart for an object store; any size
   * larger than the store's buffer for a directory).
   */
  protected abstract int largeSize();

  /**
   * Whether a damaged object is reported with the SHA-256 of the damaged content; an encrypted
   * store refuses the ciphertext before it can hash any plaintext and reports no actual digest.
   */
  protected boolean reportsActualDigest() {
    return true;
  }

  @AfterEach
  void nothingIsLeftBehind() throws IOException {
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void putThenOpen_returnsTheSameBytesUnderTheirSha256() throws IOException {
    StoredArtifact stored = store().put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));

    assertThat(stored).isEqualTo(new StoredArtifact(HELLO_SHA256, HELLO.length()));
    assertThat(store().contains(HELLO_SHA256)).isTrue();
    try (InputStream in = store().open(HELLO_SHA256)) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo(HELLO);
    }
    store().verify(HELLO_SHA256);
    assertThat(storedDigests()).containsExactly(HELLO_SHA256);
  }

  @Test
  void putFileAndPutStream_nameTheSameObject() throws IOException {
    byte[] content = random(100_000, 1);
    Path file = Files.write(temp.resolve("model.bin"), content);

    StoredArtifact fromFile = store().put(file);
    StoredArtifact fromStream = store().put(new ByteArrayInputStream(content));

    assertThat(fromFile).isEqualTo(new StoredArtifact(sha256(content), content.length));
    assertThat(fromStream).isEqualTo(fromFile);
    assertThat(storedDigests()).containsExactly(fromFile.digest());
  }

  @Test
  void emptyContent_isAnObjectToo() throws IOException {
    StoredArtifact stored = store().put(new ByteArrayInputStream(new byte[0]));

    assertThat(stored).isEqualTo(new StoredArtifact(sha256(new byte[0]), 0));
    try (InputStream in = store().open(stored.digest())) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void contentAcrossThePieceSize_roundTrips() throws IOException {
    for (int size : new int[] {largeSize(), largeSize() / 2 + 1}) {
      byte[] content = random(size, size);
      Path file = Files.write(temp.resolve("large-" + size), content);

      StoredArtifact fromStream = store().put(new ByteArrayInputStream(content));
      StoredArtifact fromFile = store().put(file);

      assertThat(fromStream).isEqualTo(new StoredArtifact(sha256(content), size));
      assertThat(fromFile).isEqualTo(fromStream);
      try (InputStream in = store().open(fromStream.digest())) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
      store().verify(fromStream.digest());
    }
  }

  @Test
  void concurrentPutsOfTheSameContent_leaveOneIntactObject() throws Exception {
    byte[] content = random(largeSize(), 7);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<StoredArtifact>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store().put(new ByteArrayInputStream(content));
                }));
      }
      start.countDown();
      for (Future<StoredArtifact> result : results) {
        assertThat(result.get(2, TimeUnit.MINUTES).digest()).isEqualTo(sha256(content));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(storedDigests()).containsExactly(sha256(content));
    try (InputStream in = store().open(sha256(content))) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void damagedObject_isDetectedOnRead() throws IOException {
    String digest = store().put(new ByteArrayInputStream(HELLO.getBytes(UTF_8))).digest();
    byte[] damaged = HELLO.toUpperCase(java.util.Locale.ROOT).getBytes(UTF_8); // same size

    overwrite(digest, damaged);

    try (InputStream in = store().open(digest)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(ArtifactCorruptedException.class)
          .satisfies(
              e -> {
                ArtifactCorruptedException c = (ArtifactCorruptedException) e;
                assertThat(c.expected()).isEqualTo(digest);
                assertThat(c.actual()).isEqualTo(reportsActualDigest() ? sha256(damaged) : "");
              });
    }
    assertThatThrownBy(() -> store().verify(digest)).isInstanceOf(ArtifactCorruptedException.class);
  }

  @Test
  void missingObject_isNotFound() {
    String absent = sha256("never stored".getBytes(UTF_8));

    assertThat(store().contains(absent)).isFalse();
    assertThatThrownBy(() -> store().open(absent))
        .isInstanceOf(ArtifactNotFoundException.class)
        .hasMessageContaining(absent);
    assertThatThrownBy(() -> store().verify(absent)).isInstanceOf(ArtifactNotFoundException.class);
  }

  @Test
  void badDigests_areRefusedBeforeAnyIo() {
    String huge = "a".repeat(100_000);
    for (String bad :
        List.of("", "abc", HELLO_SHA256.toUpperCase(java.util.Locale.ROOT), "../" + huge, huge)) {
      assertThatThrownBy(() -> store().open(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
      assertThatThrownBy(() -> store().contains(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store().verify(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readOnlyStore_refusesToPutAndStoresNothing() throws IOException {
    ArtifactStore readOnly = readOnlyStore();
    Path file = Files.write(temp.resolve("f"), HELLO.getBytes(UTF_8));

    assertThat(readOnly.isReadOnly()).isTrue();
    assertThatThrownBy(() -> readOnly.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("read-only");
    assertThatThrownBy(() -> readOnly.put(file)).isInstanceOf(IllegalStateException.class);
    assertThat(storedDigests()).isEmpty();

    store().put(file);
    try (InputStream in = readOnly.open(HELLO_SHA256)) {
      assertThat(in.readAllBytes()).isEqualTo(HELLO.getBytes(UTF_8));
    }
  }

  @Test
  void sourceThatFailsMidway_leavesNoObjectAndNoUpload() throws IOException {
    byte[] content = random(largeSize(), 11);
    InputStream failing = new FailingStream(content, largeSize() * 3 / 4);

    assertThatThrownBy(() -> store().put(failing))
        .isInstanceOf(ArtifactStoreException.class)
        .hasRootCauseMessage(FailingStream.MESSAGE);

    assertThat(storedDigests()).isEmpty();
    // leftovers() is checked after each test
  }

  /** Yields {@code content} but fails after {@code failAt} bytes. */
  static final class FailingStream extends InputStream {
    static final String MESSAGE = "source failed on purpose";
    private final byte[] content;
    private final int failAt;
    private int pos;

    FailingStream(byte[] content, int failAt) {
      this.content = content;
      this.failAt = failAt;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= failAt) {
        throw new IOException(MESSAGE);
      }
      int n = Math.min(len, Math.min(failAt, content.length) - pos);
      System.arraycopy(content, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  protected static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  protected static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
