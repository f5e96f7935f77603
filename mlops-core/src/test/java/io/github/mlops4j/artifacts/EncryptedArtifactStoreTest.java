package io.github.mlops4j.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.internal.Sha256;
import io.github.mlops4j.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and key-management cases of {@link EncryptedArtifactStore}: every refusal returns no byte
 * of plaintext and leaves the stored files unchanged. Contents are random, their SHA-256 computed
 * here with {@link java.security.MessageDigest}.
 */
class EncryptedArtifactStoreTest {
  private static final int SEGMENT = 1024;

  @TempDir Path temp;
  private Path root;
  private TestKeys keys;
  private EncryptedArtifactStore store;

  @BeforeEach
  void setUp() throws Exception {
    root = temp.resolve("artifacts");
    keys = TestKeys.create(temp.resolve("keys.p12"), "k1", "k2");
    store = open("k1");
  }

  private EncryptedArtifactStore open(String currentKey) {
    return open(keys.provider(currentKey));
  }

  private EncryptedArtifactStore open(KeyProvider provider) {
    return EncryptedArtifactStore.builder()
        .root(root)
        .keyProvider(provider)
        .segmentSize(SEGMENT)
        .build();
  }

  static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private String put(byte[] content) {
    return store.put(new ByteArrayInputStream(content)).digest();
  }

  /** Stores a version-1 object (a header file and a data file) under key k1. */
  private String putV1(byte[] content) {
    return Version1Objects.put(store, keys.provider("k1"), "k1", content, SEGMENT).digest();
  }

  /** Reads the object and asserts the read is refused with no byte returned. */
  private void assertRefused(EncryptedArtifactStore s, String digest, String messagePart) {
    try (InputStream in = s.open(digest)) {
      byte[] first = new byte[1];
      assertThatThrownBy(() -> in.read(first))
          .isInstanceOf(ArtifactCorruptedException.class)
          .hasMessageContaining(messagePart)
          .satisfies(e -> assertThat(((ArtifactCorruptedException) e).digest()).isEqualTo(digest));
      assertThatThrownBy(in::readAllBytes).isInstanceOf(ArtifactCorruptedException.class);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> s.verify(digest)).isInstanceOf(ArtifactCorruptedException.class);
  }

  @Test
  void filesOnDisk_holdNoPlaintext_andDigestIsOverThePlaintext() throws IOException {
    byte[] secret = "patient 4711: diagnosis J45".repeat(100).getBytes(UTF_8);
    StoredArtifact stored = store.put(new ByteArrayInputStream(secret));

    assertThat(stored.digest()).isEqualTo(Sha256.of(secret));
    assertThat(stored.sizeBytes()).isEqualTo(secret.length);
    byte[] data = Files.readAllBytes(store.headerPath(stored.digest()));
    assertThat(new String(data, UTF_8)).doesNotContain("patient");
    // one file: the two header slots, then 3 segments of 1 KiB (the last partial), 16 tag bytes
    // each
    assertThat(data).hasSize(EncryptedFormat.SEGMENTS_OFFSET + secret.length + 3 * 16);
    try (var files = Files.list(store.headerPath(stored.digest()).getParent())) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void samePlaintext_isStoredOnce() throws IOException {
    byte[] c = content(3000, 1);
    String first = put(c);
    Path data = TestKeys.dataFile(store, first);
    byte[] before = Files.readAllBytes(data);

    assertThat(put(c)).isEqualTo(first);
    assertThat(TestKeys.dataFile(store, first)).isEqualTo(data);
    assertThat(Files.readAllBytes(data)).isEqualTo(before);
    try (var files = Files.list(data.getParent())) {
      assertThat(files.count()).isEqualTo(1); // one file per object
    }
  }

  @Test
  void wrongKeyUnderTheSameId_isRefused() throws Exception {
    String digest = put(content(2000, 2));
    TestKeys other = TestKeys.create(temp.resolve("other.p12"), "k1");

    assertRefused(open(other.provider("k1")), digest, "does not unwrap with key \"k1\"");
  }

  @Test
  void unknownKeyId_isAKeyError_notCorruption() throws Exception {
    String digest = put(content(2000, 3));
    TestKeys other = TestKeys.create(temp.resolve("other.p12"), "k9");
    EncryptedArtifactStore withoutK1 = open(other.provider("k9"));

    try (InputStream in = withoutK1.open(digest)) {
      assertThatThrownBy(in::read)
          .isInstanceOf(ArtifactKeyException.class)
          .hasMessageContaining("no key \"k1\"")
          .satisfies(e -> assertThat(((ArtifactKeyException) e).keyId()).isEqualTo("k1"));
    }
  }

  @Test
  void tamperedHeader_isRefused() throws IOException {
    byte[] c = content(2000, 4);
    String digest = putV1(c);
    Path header = store.headerPath(digest);
    byte[] original = Files.readAllBytes(header);

    // the plaintext size field (offset 8..15) claims one byte less
    byte[] smaller = original.clone();
    smaller[15]--;
    writeOver(header, smaller);
    assertRefused(store, digest, "does not belong to this digest");

    // a flipped bit in the wrapped key
    byte[] flipped = original.clone();
    flipped[flipped.length - 20] ^= 1;
    writeOver(header, flipped);
    assertRefused(store, digest, "does not unwrap");

    // garbage, and a header that ends early
    writeOver(header, "not a header".getBytes(UTF_8));
    assertRefused(store, digest, "header is damaged");
    writeOver(header, Arrays.copyOf(original, 20));
    assertRefused(store, digest, "header is damaged");
    writeOver(header, Arrays.copyOf(original, EncryptedFormat.MAX_HEADER_BYTES + 1));
    assertRefused(store, digest, "too long");
    writeOver(header, new byte[1 << 20]); // long enough for version 2: neither slot parses
    assertRefused(store, digest, "header slot A is damaged");

    writeOver(header, original);
    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(c);
    }
  }

  @Test
  void tamperedSegment_isRefusedBeforeItsBytesAreReturned() throws IOException {
    byte[] c = content(5 * SEGMENT, 5);
    String digest = putV1(c);
    Path data = TestKeys.dataFile(store, digest);
    byte[] sealed = Files.readAllBytes(data);
    sealed[2 * (SEGMENT + 16) + 7] ^= 0x40; // inside segment 2
    Files.write(data, sealed);

    try (InputStream in = store.open(digest)) {
      byte[] firstTwo = in.readNBytes(2 * SEGMENT);
      assertThat(firstTwo).isEqualTo(Arrays.copyOf(c, 2 * SEGMENT));
      assertThatThrownBy(() -> in.read(new byte[10]))
          .isInstanceOf(ArtifactCorruptedException.class)
          .hasMessageContaining("segment 2 of 5 fails authentication");
    }
    assertThatThrownBy(() -> store.verify(digest)).isInstanceOf(ArtifactCorruptedException.class);
  }

  @Test
  void tamperedSegment_decryptedIntoTheCallersBuffer_leavesNoUnauthenticatedByteThere()
      throws IOException {
    byte[] c = content(3 * SEGMENT, 51);
    String digest = putV1(c);
    Path data = TestKeys.dataFile(store, digest);
    byte[] sealed = Files.readAllBytes(data);
    sealed[(SEGMENT + 16) + 3] ^= 0x01; // inside segment 1
    Files.write(data, sealed);

    try (InputStream in = store.open(digest)) {
      byte[] buffer = new byte[4 * SEGMENT]; // room for a whole segment: decrypted in place
      assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(SEGMENT);
      assertThat(Arrays.copyOf(buffer, SEGMENT)).isEqualTo(Arrays.copyOf(c, SEGMENT));
      Arrays.fill(buffer, (byte) 0x55);
      assertThatThrownBy(() -> in.read(buffer, SEGMENT, 3 * SEGMENT))
          .isInstanceOf(ArtifactCorruptedException.class)
          .hasMessageContaining("segment 1 of 3 fails authentication");
      for (int i = SEGMENT; i < buffer.length; i++) {
        assertThat(buffer[i]).as("byte %d", i).isIn((byte) 0, (byte) 0x55);
      }
    }
  }

  @Test
  void failedAuthentication_leavesNothingInTheThreadsCipher_forTheNextObject() throws IOException {
    byte[] good = content(4 * SEGMENT + 9, 52);
    String goodDigest = put(good);
    String badSegment = putV1(content(5 * SEGMENT, 53));
    Path data = TestKeys.dataFile(store, badSegment);
    byte[] sealed = Files.readAllBytes(data);
    sealed[5] ^= 0x08; // inside segment 0
    Files.write(data, sealed);
    String badHeader = putV1(content(2 * SEGMENT, 54));
    Path header = store.headerPath(badHeader);
    byte[] h = Files.readAllBytes(header);
    h[h.length - 1] ^= 0x01; // the header's tag
    writeOver(header, h);

    for (int round = 0; round < 3; round++) { // one thread: each failure, then an intact object
      assertRefused(store, badSegment, "segment 0 of 5 fails authentication");
      try (InputStream in = store.open(goodDigest)) {
        assertThat(in.readAllBytes()).isEqualTo(good);
      }
      assertRefused(store, badHeader, "does not belong to this digest");
      try (InputStream in = store.open(goodDigest)) {
        assertThat(in.readAllBytes()).isEqualTo(good);
      }
    }
    byte[] next = content(3 * SEGMENT + 1, 55);
    String nextDigest = put(next); // and a put on the same thread after the failures
    try (InputStream in = store.open(nextDigest)) {
      assertThat(in.readAllBytes()).isEqualTo(next);
    }
  }

  @Test
  void oneThread_readsTheSameObjectTwice_andInterleavesStreamsAndPuts() throws IOException {
    byte[] a = content(6 * SEGMENT + 100, 56);
    byte[] b = content(3 * SEGMENT, 57);
    String digestA = put(a);
    String digestB = put(b);
    store.verify(digestA);
    store.verify(digestA); // the header tag again, with the same key and nonce
    try (InputStream first = store.open(digestA);
        InputStream second = store.open(digestA);
        InputStream other = store.open(digestB)) {
      ByteArrayOutputStream x = new ByteArrayOutputStream();
      ByteArrayOutputStream y = new ByteArrayOutputStream();
      ByteArrayOutputStream z = new ByteArrayOutputStream();
      byte[] chunk = new byte[SEGMENT / 2 + 3];
      boolean more = true;
      while (more) {
        boolean moreX = copy(first, x, chunk);
        boolean moreY = copy(second, y, chunk);
        boolean moreZ = copy(other, z, chunk);
        more = moreX || moreY || moreZ;
        if (x.size() == SEGMENT) {
          assertThat(put(b)).isEqualTo(digestB); // a put between two segments of a read
        }
      }
      assertThat(x.toByteArray()).isEqualTo(a);
      assertThat(y.toByteArray()).isEqualTo(a);
      assertThat(z.toByteArray()).isEqualTo(b);
    }
  }

  private static boolean copy(InputStream in, ByteArrayOutputStream out, byte[] chunk)
      throws IOException {
    int n = in.read(chunk);
    if (n > 0) {
      out.write(chunk, 0, n);
    }
    return n >= 0;
  }

  @Test
  void objectsUpToThePipelineThreshold_areReadOnTheCallersThreadAlone() throws IOException {
    try (EncryptedArtifactStore s =
        EncryptedArtifactStore.builder()
            .root(root)
            .keyProvider(keys.provider("k1"))
            .segmentSize(SEGMENT)
            .pipelineMinBytes(8 * SEGMENT)
            .build()) {
      byte[] atThreshold = content(8 * SEGMENT, 58);
      byte[] above = content(8 * SEGMENT + 1, 59);
      byte[] large = content(40 * SEGMENT, 60);
      // written on the caller's thread (default threshold): no worker of s has run before
      String small = put(atThreshold);
      String justAbove = put(above);
      String big = put(large);
      assertThat(store.pipelineMinBytes()).isEqualTo(1L << 20);

      try (InputStream in = s.open(small)) {
        assertThat(in.readNBytes(SEGMENT)).isEqualTo(Arrays.copyOf(atThreshold, SEGMENT));
        assertThat(s.activeWorkers()).isZero();
        assertThat(in.readAllBytes())
            .isEqualTo(Arrays.copyOfRange(atThreshold, SEGMENT, 8 * SEGMENT));
      }
      try (InputStream in = s.open(big)) {
        assertThat(in.readNBytes(SEGMENT)).isEqualTo(Arrays.copyOf(large, SEGMENT));
        assertThat(s.activeWorkers()).as("the worker waits for free buffers").isEqualTo(1);
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(large, SEGMENT, 40 * SEGMENT));
      }
      try (InputStream in = s.open(justAbove)) {
        assertThat(in.readAllBytes()).isEqualTo(above);
      }
    }
    assertThatThrownBy(() -> EncryptedArtifactStore.builder().pipelineMinBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pipelineMinBytes");
  }

  @Test
  void everyReadSize_returnsThePlaintext_andTheEndAsMinusOne() throws IOException {
    int[] sizes = {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 5};
    int[] reads = {1, 7, SEGMENT - 1, SEGMENT, SEGMENT + 16, 5 * SEGMENT};
    for (int size : sizes) {
      byte[] c = content(size, 60 + size);
      String digest = put(c);
      for (int chunk : reads) {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        try (InputStream in = store.open(digest)) {
          byte[] buffer = new byte[chunk + 3];
          int n;
          while ((n = in.read(buffer, 3, chunk)) != -1) {
            assertThat(n).as("size %d, reads of %d", size, chunk).isPositive();
            got.write(buffer, 3, n);
          }
          assertThat(in.read(buffer, 3, chunk)).isEqualTo(-1);
        }
        assertThat(got.toByteArray()).as("size %d, reads of %d", size, chunk).isEqualTo(c);
      }
    }
  }

  @Test
  void reorderedSegments_areRefused() throws IOException {
    String digest = putV1(content(4 * SEGMENT, 6));
    Path data = TestKeys.dataFile(store, digest);
    byte[] sealed = Files.readAllBytes(data);
    int unit = SEGMENT + 16;
    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, 0, swapped, unit, unit);
    System.arraycopy(sealed, unit, swapped, 0, unit);
    Files.write(data, swapped);

    assertRefused(store, digest, "segment 0 of 4 fails authentication");
  }

  @Test
  void truncatedData_isRefusedBeforeAnyByte() throws IOException {
    String digest = putV1(content(4 * SEGMENT, 7));
    Path data = TestKeys.dataFile(store, digest);
    byte[] sealed = Files.readAllBytes(data);

    Files.write(data, Arrays.copyOf(sealed, 3 * (SEGMENT + 16))); // cut at a segment boundary
    assertRefused(store, digest, "truncated or extended");
    Files.write(data, Arrays.copyOf(sealed, sealed.length - 1));
    assertRefused(store, digest, "truncated or extended");
    byte[] longer = Arrays.copyOf(sealed, sealed.length + 16);
    Files.write(data, longer);
    assertRefused(store, digest, "truncated or extended");
    Files.delete(data);
    try (InputStream in = store.open(digest)) {
      assertThatThrownBy(in::read).isInstanceOf(ArtifactNotFoundException.class);
    }
  }

  @Test
  void truncatedToFewerSegmentsWithAForgedSize_isRefusedByTheLastSegmentFlag() throws Exception {
    // Even a header re-sealed for a shorter size (possible only with the data key) cannot make a
    // cut stream pass: segment 2 was not sealed as the last one.
    byte[] c = content(4 * SEGMENT, 8);
    String digest = putV1(c);
    String shortDigest = Sha256.of(Arrays.copyOf(c, 3 * SEGMENT));
    EncryptedArtifactStore.Opened opened = store.openHeader(digest, store.headerPath(digest));
    EncryptedFormat.Header h = opened.header();
    byte[] tag =
        EncryptedFormat.tag(
            opened.dataKey(), 1, h.segmentSize(), 3L * SEGMENT, h.dataId(), shortDigest);
    EncryptedFormat.Header forged =
        new EncryptedFormat.Header(
            1, h.segmentSize(), 3L * SEGMENT, h.dataId(), h.keyId(), h.wrappedKey(), tag);
    Path shortHeader = store.headerPath(shortDigest);
    Files.createDirectories(shortHeader.getParent());
    Files.write(shortHeader, forged.encode());
    Path data = TestKeys.dataFile(store, digest);
    Files.write(
        shortHeader.resolveSibling(shortHeader.getFileName() + h.dataSuffix()),
        Arrays.copyOf(Files.readAllBytes(data), 3 * (SEGMENT + 16)));

    try (InputStream in = store.open(shortDigest)) {
      assertThat(in.readNBytes(2 * SEGMENT)).isEqualTo(Arrays.copyOf(c, 2 * SEGMENT));
      assertThatThrownBy(() -> in.read(new byte[1]))
          .isInstanceOf(ArtifactCorruptedException.class)
          .hasMessageContaining("segment 2 of 3 fails authentication");
    }
  }

  @Test
  void swappedObjects_areRefused() throws IOException {
    String a = putV1(content(2000, 9));
    String b = putV1(content(2000, 10));
    Path headerA = store.headerPath(a);
    Path headerB = store.headerPath(b);
    Path dataA = TestKeys.dataFile(store, a);
    Path dataB = TestKeys.dataFile(store, b);
    byte[] ha = Files.readAllBytes(headerA);
    byte[] hb = Files.readAllBytes(headerB);
    byte[] da = Files.readAllBytes(dataA);
    byte[] db = Files.readAllBytes(dataB);

    // data files swapped: each header's data key fails on the other's segments
    Files.write(dataA, db);
    Files.write(dataB, da);
    assertRefused(store, a, "fails authentication");
    assertRefused(store, b, "fails authentication");

    // whole objects swapped (header and data): B's header does not belong to A's digest
    writeOver(headerA, hb);
    Files.delete(dataA);
    Files.delete(dataB);
    Files.write(headerA.resolveSibling(headerA.getFileName() + dataSuffix(hb)), db);
    assertRefused(store, a, "does not belong to this digest");
    assertThat(ha).isNotEqualTo(hb);
  }

  @Test
  void put_forcesOnTheCallersThreadAlone_whenThePoolIsClosed() throws IOException {
    store.close(); // the pool refuses the directory's force: it runs inline
    byte[] c = content(5 * SEGMENT + 3, 20);
    String digest = put(c);

    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(c);
    }
    assertThat(store.activeWorkers()).isZero();
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void aForceNoWorkerHasStarted_runsOnTheCallersThread_andItsFailureIsThrown() throws Exception {
    List<Runnable> held = new ArrayList<>();
    Executor neverRuns = held::add; // takes the force and does not start it
    Path dir = Files.createDirectories(temp.resolve("forced"));
    try (FileChannel file = FileChannel.open(dir.resolve("file"), CREATE_NEW, WRITE)) {
      file.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

      EncryptedArtifactStore.forceTogether(file, dir, neverRuns); // returns: ran it itself

      assertThat(held).hasSize(1).allMatch(force -> ((Future<?>) force).isDone());
    }
    held.clear();
    try (FileChannel file = FileChannel.open(dir.resolve("file"), WRITE)) {
      Path missing = dir.resolve("missing"); // its force, run on the caller's thread, fails
      assertThatThrownBy(() -> EncryptedArtifactStore.forceTogether(file, missing, neverRuns))
          .isInstanceOf(NoSuchFileException.class);
      assertThat(held).hasSize(1);
    }
    assertThat(Files.readAllBytes(dir.resolve("file"))).containsExactly(1, 2, 3);
  }

  @Test
  void putsIntoNewAndExistingPrefixDirectories_fromManyThreads_leaveWholeObjectsOnly()
      throws Exception {
    int threads = 8;
    byte[][] contents = new byte[threads * 4][];
    for (int i = 0; i < contents.length; i++) {
      contents[i] = content(100 + 311 * i, 100 + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> digests = new ArrayList<>();
      for (byte[] c : contents) {
        digests.add(pool.submit(() -> put(c)));
      }
      for (int i = 0; i < contents.length; i++) {
        String digest = digests.get(i).get(30, TimeUnit.SECONDS);
        try (InputStream in = store.open(digest)) {
          assertThat(in.readAllBytes()).isEqualTo(contents[i]);
        }
        try (var files = Files.list(store.headerPath(digest).getParent())) {
          assertThat(files.filter(f -> f.getFileName().toString().startsWith(digest.substring(2))))
              .hasSize(1); // one file per object
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(temporaryFiles()).isEmpty();
  }

  private List<Path> temporaryFiles() throws IOException {
    try (var files = Files.walk(root)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(EncryptedArtifactStore.TEMP_PREFIX))
          .toList();
    }
  }

  @Test
  void putOverADamagedObject_replacesIt() throws IOException {
    byte[] c = content(3000, 11);
    String digest = put(c);
    Path data = TestKeys.dataFile(store, digest);
    Files.write(data, new byte[(int) Files.size(data)]);

    assertThat(put(c)).isEqualTo(digest);
    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(c);
    }
    try (var files = Files.list(data.getParent())) {
      assertThat(files.count()).isEqualTo(1); // the damaged file was replaced
    }
  }

  @Test
  void rotation_newWritesUseTheNewKey_oldObjectsStayReadable_rewrapMovesThem() throws Exception {
    byte[] old = content(3000, 12);
    String oldDigest = putV1(old); // a version-1 object: its header file alone is rewritten
    Path oldData = TestKeys.dataFile(store, oldDigest);
    byte[] oldSealed = Files.readAllBytes(oldData);
    long oldModified = Files.getLastModifiedTime(oldData).toMillis();

    EncryptedArtifactStore rotated = open("k2");
    byte[] fresh = content(3000, 13);
    String freshDigest = rotated.put(new ByteArrayInputStream(fresh)).digest();

    assertThat(rotated.keyIdOf(oldDigest)).isEqualTo("k1");
    assertThat(rotated.keyIdOf(freshDigest)).isEqualTo("k2");
    try (InputStream in = rotated.open(oldDigest)) {
      assertThat(in.readAllBytes()).isEqualTo(old);
    }

    assertThat(rotated.rewrap()).isEqualTo(1);
    assertThat(rotated.rewrap()).isZero();
    assertThat(rotated.keyIdOf(oldDigest)).isEqualTo("k2");
    // the data file was not rewritten
    assertThat(TestKeys.dataFile(rotated, oldDigest)).isEqualTo(oldData);
    assertThat(Files.readAllBytes(oldData)).isEqualTo(oldSealed);
    assertThat(Files.getLastModifiedTime(oldData).toMillis()).isEqualTo(oldModified);

    // k1 can now be retired: a provider with only k2 reads everything
    EncryptedArtifactStore retired =
        open(keys.without(temp.resolve("only-k2.p12"), "k1").provider("k2"));
    retired.verify(oldDigest);
    retired.verify(freshDigest);
  }

  @Test
  void rewrap_refusesADamagedHeaderAndLeavesItUnchanged() throws IOException {
    String digest = put(content(2000, 14));
    Path header = store.headerPath(digest);
    byte[] damaged = Files.readAllBytes(header);
    damaged[15]--;
    writeOver(header, damaged);

    assertThatThrownBy(() -> open("k2").rewrap()).isInstanceOf(ArtifactCorruptedException.class);
    assertThat(Files.readAllBytes(header)).isEqualTo(damaged);
  }

  @Test
  void builder_requiresRootAndKeys_andChecksTheSegmentSize() {
    assertThatThrownBy(
            () -> EncryptedArtifactStore.builder().keyProvider(keys.provider("k1")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("EncryptedArtifactStore.Builder: root is required; call root(path)");
    assertThatThrownBy(() -> EncryptedArtifactStore.builder().root(root).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyProvider is required");
    assertThatThrownBy(() -> EncryptedArtifactStore.builder().segmentSize(1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("segmentSize");
  }

  @Test
  void keyStoreProvider_refusesAMissingCurrentKeyAndAWrongPassword() {
    assertThatThrownBy(() -> keys.provider("absent"))
        .isInstanceOf(ArtifactKeyException.class)
        .hasMessageContaining("\"absent\" is not an AES key")
        .hasMessageContaining("[k1, k2]");
    assertThatThrownBy(
            () ->
                KeyStoreKeyProvider.builder()
                    .keyStore(keys.file())
                    .password("wrong".toCharArray())
                    .currentKeyId("k1")
                    .build())
        .isInstanceOf(ArtifactKeyException.class)
        .hasMessageContaining("password");
  }

  private static String dataSuffix(byte[] header) {
    return EncryptedFormat.parse(header).dataSuffix();
  }

  private static void writeOver(Path file, byte[] bytes) throws IOException {
    file.toFile().setWritable(true, true);
    Files.write(file, bytes);
  }
}
