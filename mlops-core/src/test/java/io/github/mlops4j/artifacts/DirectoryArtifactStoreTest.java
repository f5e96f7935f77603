package io.github.mlops4j.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class DirectoryArtifactStoreTest {
  // printf 'hello, mlops4j\n' | sha256sum
  private static final String HELLO = "hello, mlops4j\n";
  private static final String HELLO_SHA256 =
      "085a3a7c41539735d40d0c21636c0d3e7812ba5f9761a3bf8e75208b9ab5aa47";
  // printf '' | sha256sum
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @TempDir Path temp;
  private Path root;
  private DirectoryArtifactStore store;

  @BeforeEach
  void openStore() {
    root = temp.resolve("artifacts");
    store = DirectoryArtifactStore.open(root);
  }

  @AfterEach
  void noTemporaryFilesAreLeft() throws IOException {
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void open_createsTheLayout() {
    assertThat(root.resolve("sha256")).isDirectory();
    assertThat(store.root()).isEqualTo(root.toAbsolutePath());
  }

  @Test
  void putFile_storesUnderItsSha256() throws IOException {
    Path file = Files.writeString(temp.resolve("hello.txt"), HELLO);

    StoredArtifact stored = store.put(file);

    assertThat(stored).isEqualTo(new StoredArtifact(HELLO_SHA256, 15));
    Path object =
        root.resolve("sha256/08/5a3a7c41539735d40d0c21636c0d3e7812ba5f9761a3bf8e75208b9ab5aa47");
    assertThat(store.path(HELLO_SHA256)).isEqualTo(object.toAbsolutePath());
    assertThat(object).hasContent(HELLO);
    assertThat(store.contains(HELLO_SHA256)).isTrue();
  }

  @Test
  void putTheSameContentTwice_keepsOneObject() throws IOException {
    Path file = Files.writeString(temp.resolve("hello.txt"), HELLO);

    StoredArtifact first = store.put(file);
    FileTime written = Files.getLastModifiedTime(store.path(first.digest()));
    StoredArtifact second = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));

    assertThat(second).isEqualTo(first);
    assertThat(objects()).containsExactly(store.path(first.digest()));
    assertThat(Files.getLastModifiedTime(store.path(first.digest()))).isEqualTo(written);
  }

  @Test
  void putStream_largerThanTheBuffer() throws IOException {
    byte[] content = randomBytes(3 * DirectoryArtifactStore.BUFFER_SIZE + 12345, 7);

    StoredArtifact stored = store.put(new ByteArrayInputStream(content));

    assertThat(stored.digest()).isEqualTo(sha256(content));
    assertThat(stored.sizeBytes()).isEqualTo(content.length);
    try (InputStream in = store.open(stored.digest())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void putStream_empty() {
    StoredArtifact stored = store.put(InputStream.nullInputStream());

    assertThat(stored).isEqualTo(new StoredArtifact(EMPTY_SHA256, 0));
    store.verify(EMPTY_SHA256);
  }

  @Test
  void putStream_doesNotCloseTheCallersStream() {
    boolean[] closed = {false};
    InputStream in =
        new ByteArrayInputStream(new byte[] {1, 2, 3}) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    store.put(in);
    assertThat(closed[0]).isFalse();
  }

  @Test
  void openAndVerify_roundTrip() throws IOException {
    StoredArtifact stored = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));

    try (InputStream in = store.open(stored.digest())) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo(HELLO);
      assertThat(in.read()).isEqualTo(-1);
    }
    store.verify(stored.digest());
  }

  @Test
  void tampering_isDetectedByReadingToTheEnd_andByVerify() throws IOException {
    StoredArtifact stored = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));
    Path object = store.path(stored.digest());
    object.toFile().setWritable(true);
    Files.writeString(object, "hello, MLOPS4J\n"); // same length, different bytes
    String tamperedSha = sha256("hello, MLOPS4J\n".getBytes(UTF_8));

    try (InputStream in = store.open(stored.digest())) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOfSatisfying(
              ArtifactCorruptedException.class,
              e -> {
                assertThat(e.digest()).isEqualTo(HELLO_SHA256);
                assertThat(e.expected()).isEqualTo(HELLO_SHA256);
                assertThat(e.actual()).isEqualTo(tamperedSha);
                assertThat(e.path()).isEqualTo(object.toString());
              })
          .hasMessageContaining(object.toString())
          .hasMessageContaining(tamperedSha);
      // The stream keeps refusing to report a clean end.
      assertThatThrownBy(in::read).isInstanceOf(ArtifactCorruptedException.class);
    }
    try (InputStream in = store.open(stored.digest())) {
      // Skipped bytes are hashed too: skipping to the end is reading to the end.
      assertThatThrownBy(() -> in.skip(Long.MAX_VALUE))
          .isInstanceOf(ArtifactCorruptedException.class);
    }
    assertThatThrownBy(() -> store.verify(stored.digest()))
        .isInstanceOf(ArtifactCorruptedException.class)
        .hasMessageContaining("is corrupted");
  }

  @Test
  void truncation_isDetected() throws IOException {
    StoredArtifact stored = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));
    Path object = store.path(stored.digest());
    object.toFile().setWritable(true);
    Files.writeString(object, "hello");

    assertThatThrownBy(() -> store.verify(stored.digest()))
        .isInstanceOf(ArtifactCorruptedException.class);
    try (InputStream in = store.open(stored.digest())) {
      assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
          .isInstanceOf(ArtifactCorruptedException.class);
    }
  }

  @Test
  void damagedObject_isRepairedByPuttingTheContentAgain() throws IOException {
    StoredArtifact stored = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));
    Path object = store.path(stored.digest());
    object.toFile().setWritable(true);
    Files.writeString(object, "hel"); // e.g. a copy that was cut short

    assertThat(store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)))).isEqualTo(stored);

    store.verify(stored.digest());
  }

  @Test
  void objectDamagedInPlace_withItsSizeKept_isReplacedByPuttingTheContentAgain()
      throws IOException {
    byte[] content = randomBytes(3 * DirectoryArtifactStore.BUFFER_SIZE / 2, 42);
    StoredArtifact stored = store.put(new ByteArrayInputStream(content));
    Path object = store.path(stored.digest());
    object.toFile().setWritable(true);
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(object.toFile(), "rw")) {
      file.seek(content.length - 7); // one flipped bit, same size: bit rot or a stray write
      int b = file.read();
      file.seek(content.length - 7);
      file.write(b ^ 0x10);
    }
    assertThat(Files.size(object)).isEqualTo(content.length);
    assertThatThrownBy(() -> store.verify(stored.digest()))
        .isInstanceOf(ArtifactCorruptedException.class);
    Object inodeBefore =
        Files.readAttributes(object, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

    assertThat(store.put(new ByteArrayInputStream(content))).isEqualTo(stored);

    store.verify(stored.digest());
    try (InputStream in = store.open(stored.digest())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    if (inodeBefore != null) { // replaced by a rename of a new file, not rewritten in place
      assertThat(
              Files.readAttributes(object, java.nio.file.attribute.BasicFileAttributes.class)
                  .fileKey())
          .isNotEqualTo(inodeBefore);
    }
  }

  @Test
  void intactObject_isKeptAsItIs_whenTheSameContentIsPutAgain() throws IOException {
    StoredArtifact stored = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));
    Object inodeBefore =
        Files.readAttributes(
                store.path(stored.digest()), java.nio.file.attribute.BasicFileAttributes.class)
            .fileKey();

    assertThat(store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)))).isEqualTo(stored);

    assertThat(
            Files.readAttributes(
                    store.path(stored.digest()), java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey())
        .isEqualTo(inodeBefore);
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void objectsAreReadOnly() throws IOException {
    StoredArtifact stored = store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8)));

    assertThat(Files.getPosixFilePermissions(store.path(stored.digest())))
        .doesNotContain(
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
  }

  @Test
  void unknownDigest_isAClearError() {
    String unknown = "0".repeat(64);

    assertThat(store.contains(unknown)).isFalse();
    assertThatThrownBy(() -> store.open(unknown))
        .isInstanceOfSatisfying(
            ArtifactNotFoundException.class, e -> assertThat(e.digest()).isEqualTo(unknown))
        .hasMessageContaining("no artifact with SHA-256 " + unknown);
    assertThatThrownBy(() -> store.verify(unknown)).isInstanceOf(ArtifactNotFoundException.class);
  }

  @Test
  void badDigestStrings_areRejected() {
    for (String bad :
        List.of(
            "abc",
            "",
            HELLO_SHA256.toUpperCase(java.util.Locale.ROOT),
            HELLO_SHA256 + "0",
            "../../../../etc/passwd" + "0".repeat(42),
            "g".repeat(64))) {
      assertThatThrownBy(() -> store.path(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a SHA-256 digest: expected 64 lowercase hex characters");
      assertThatThrownBy(() -> store.open(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.contains(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.verify(bad)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new StoredArtifact("abc", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StoredArtifact(HELLO_SHA256, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putOfAMissingFile_namesTheFile() {
    Path missing = temp.resolve("missing.bin");

    assertThatThrownBy(() -> store.put(missing))
        .isInstanceOfSatisfying(
            ArtifactStoreException.class, e -> assertThat(e.path()).isEqualTo(missing.toString()))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no such file");
  }

  @Test
  void putOfADirectory_namesIt() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("a-directory"));

    assertThatThrownBy(() -> store.put(dir))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessageContaining(dir.toString());
    assertThat(objects()).isEmpty();
  }

  @Test
  void failingSourceStream_leavesNoObjectAndNoTempFile() throws IOException {
    InputStream failing =
        new InputStream() {
          private int left = 3 * DirectoryArtifactStore.BUFFER_SIZE;

          @Override
          public int read() throws IOException {
            if (left-- == 0) {
              throw new IOException("disk unplugged");
            }
            return 'x';
          }
        };

    assertThatThrownBy(() -> store.put(failing))
        .isInstanceOf(ArtifactStoreException.class)
        .hasMessageContaining("input stream")
        .hasRootCauseMessage("disk unplugged");
    assertThat(objects()).isEmpty();
  }

  @Test
  void interruptedPut_failsAndKeepsTheInterruptFlag() throws IOException {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> store.put(new ByteArrayInputStream(HELLO.getBytes(UTF_8))))
          .isInstanceOf(ArtifactStoreException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(objects()).isEmpty();
  }

  @Test
  void concurrentPutsOfTheSameContent_leaveOneIntactObject() throws Exception {
    byte[] content = randomBytes(2 * DirectoryArtifactStore.BUFFER_SIZE + 17, 42);
    String expected = sha256(content);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<StoredArtifact>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        // Half share this instance, half open their own, as separate processes would.
        DirectoryArtifactStore target = t % 2 == 0 ? store : DirectoryArtifactStore.open(root);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return target.put(new ByteArrayInputStream(content));
                }));
      }
      start.countDown();
      for (Future<StoredArtifact> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS))
            .isEqualTo(new StoredArtifact(expected, content.length));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(objects()).containsExactly(store.path(expected));
    assertThat(Files.readAllBytes(store.path(expected))).isEqualTo(content);
    store.verify(expected);
  }

  @Test
  void open_sweepsStaleTemporaryFilesOnly() throws IOException {
    Path objectsDir = root.resolve("sha256");
    Path stale = Files.writeString(objectsDir.resolve(".tmp-crashed"), "partial");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path fresh = Files.writeString(objectsDir.resolve(".tmp-in-progress"), "partial");

    DirectoryArtifactStore.open(root);

    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    Files.delete(fresh);
  }

  private List<Path> objects() throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("sha256"))) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith(".tmp-"))
          .map(Path::toAbsolutePath)
          .toList();
    }
  }

  private List<Path> tempFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList();
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
