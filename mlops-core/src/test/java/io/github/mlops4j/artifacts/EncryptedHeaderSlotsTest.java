package io.github.mlops4j.artifacts;

import static io.github.mlops4j.artifacts.EncryptedFormat.SEGMENTS_OFFSET;
import static io.github.mlops4j.artifacts.EncryptedFormat.SLOT_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.internal.Sha256;
import io.github.mlops4j.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 2 of {@link EncryptedFormat}: one file per object with two header slots. A damaged slot A
 * falls back to slot B, a slot from another object is refused, a re-wrap rewrites slot B then slot
 * A in place and survives a crash between the two, and version-1 objects keep working beside
 * version-2 ones.
 */
class EncryptedHeaderSlotsTest {
  private static final int SEGMENT = 1024;

  @TempDir Path temp;
  private TestKeys keys;
  private EncryptedArtifactStore store;

  @BeforeEach
  void setUp() throws Exception {
    keys = TestKeys.create(temp.resolve("keys.p12"), "k1", "k2");
    store = open(keys.provider("k1"));
  }

  /** A store on the test's directory whose provider's current key is {@code provider}'s. */
  private EncryptedArtifactStore open(KeyProvider provider) {
    return EncryptedArtifactStore.builder()
        .root(temp.resolve("artifacts"))
        .segmentSize(SEGMENT)
        .keyProvider(provider)
        .build();
  }

  /** A store whose provider has k2 alone: k1 retired. */
  private EncryptedArtifactStore retiredK1() throws Exception {
    return open(keys.without(temp.resolve("only-k2.p12"), "k1").provider("k2"));
  }

  private static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String put(EncryptedArtifactStore s, byte[] content) {
    return s.put(new ByteArrayInputStream(content)).digest();
  }

  private static byte[] read(EncryptedArtifactStore s, String digest) throws IOException {
    try (InputStream in = s.open(digest)) {
      return in.readAllBytes();
    }
  }

  private byte[] slot(String digest, int slot) throws IOException {
    byte[] file = Files.readAllBytes(store.headerPath(digest));
    return Arrays.copyOfRange(file, slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES);
  }

  private void writeSlot(String digest, int slot, byte[] bytes) throws IOException {
    Path file = store.headerPath(digest);
    byte[] all = Files.readAllBytes(file);
    System.arraycopy(bytes, 0, all, slot * SLOT_BYTES, SLOT_BYTES);
    Files.write(file, all);
  }

  private static void assertCorrupted(EncryptedArtifactStore s, String digest, String message) {
    try (InputStream in = s.open(digest)) {
      assertThatThrownBy(() -> in.read(new byte[1]))
          .isInstanceOf(ArtifactCorruptedException.class)
          .hasMessageContaining(message);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> s.verify(digest)).isInstanceOf(ArtifactCorruptedException.class);
  }

  /** Asserts that a read fails with slot A's failure, slot B's suppressed in it. */
  private static void assertSlotBFailure(EncryptedArtifactStore s, String digest, String message)
      throws IOException {
    try (InputStream in = s.open(digest)) {
      assertThatThrownBy(in::read)
          .satisfies(
              e ->
                  assertThat(e.getSuppressed())
                      .singleElement()
                      .satisfies(b -> assertThat(b).hasMessageContaining(message)));
    }
  }

  /** An object under k2 in both slots (put under k1, then re-wrapped). */
  private String putRewrapped(byte[] c) {
    String digest = put(store, c);
    assertThat(open(keys.provider("k2")).rewrap(digest)).isTrue();
    return digest;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  void put_writesOneFile_slotAThenAZeroSlotBThenTheSegments() throws IOException {
    byte[] c = content(3 * SEGMENT + 5, 1);
    String digest = put(store, c);

    Path file = store.headerPath(digest);
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
    assertThat(Files.size(file)).isEqualTo(SEGMENTS_OFFSET + c.length + 4L * 16);
    assertThat(Arrays.copyOf(slot(digest, 0), 4)).isEqualTo(EncryptedFormat.MAGIC_2);
    assertThat(EncryptedFormat.parseSlot(slot(digest, 0), 0).keyId()).isEqualTo("k1");
    assertThat(slot(digest, 1)).containsOnly(0);
    assertThat(read(store, digest)).isEqualTo(c);
    assertThat(store.list())
        .singleElement()
        .satisfies(o -> assertThat(o.sizeBytes()).isEqualTo(c.length));
  }

  @Test
  void damagedSlotA_withSlotBIntact_stillReads() throws IOException {
    byte[] c = content(2 * SEGMENT + 7, 2);
    String digest = putRewrapped(c);
    byte[] a = slot(digest, 0);
    assertThat(slot(digest, 1)).isEqualTo(a);
    EncryptedArtifactStore k2 = open(keys.provider("k2"));

    byte[] flippedTag = a.clone();
    int headerLength = EncryptedFormat.parseSlot(a, 0).encode().length;
    flippedTag[headerLength - 1] ^= 1; // the header's tag
    byte[] flippedSize = a.clone();
    flippedSize[15] ^= 1; // the plaintext size
    byte[] flippedWrapped = a.clone();
    flippedWrapped[headerLength - 20] ^= 1; // inside the wrapped key
    byte[] padded = a.clone();
    padded[SLOT_BYTES - 1] = 7; // a byte in the zero padding
    byte[] unknownKey = a.clone();
    unknownKey[4 + 4 + 8 + 8 + 2 + 1] = '9'; // key id k2 -> k9
    for (byte[] damaged :
        List.of(
            flippedTag, flippedSize, flippedWrapped, padded, unknownKey, new byte[SLOT_BYTES])) {
      writeSlot(digest, 0, damaged);
      assertThat(read(k2, digest)).isEqualTo(c);
      k2.verify(digest);
      assertThat(k2.keyIdOf(digest)).isEqualTo("k2");
    }
  }

  @Test
  void bothSlotsDamaged_isCorruption_withSlotAsFailure() throws IOException {
    byte[] c = content(2000, 3);
    String digest = putRewrapped(c);
    byte[] a = slot(digest, 0);
    byte[] flipped = a.clone();
    flipped[15] ^= 1;
    writeSlot(digest, 0, flipped);
    writeSlot(digest, 1, new byte[SLOT_BYTES]);
    EncryptedArtifactStore k2 = open(keys.provider("k2"));

    assertCorrupted(k2, digest, "does not belong to this digest");
    assertSlotBFailure(k2, digest, "header slot B is damaged");
    // a freshly put object has slot B zero: a damaged slot A alone is refused
    String fresh = put(store, content(2000, 4));
    byte[] freshA = slot(fresh, 0);
    freshA[15] ^= 1;
    writeSlot(fresh, 0, freshA);
    assertCorrupted(store, fresh, "does not belong to this digest");
  }

  @Test
  void bothSlotsUnderAnUnknownKey_isAKeyError() throws Exception {
    String digest = putRewrapped(content(2000, 5));
    EncryptedArtifactStore withoutK2 =
        open(TestKeys.create(temp.resolve("other.p12"), "k1").provider("k1"));

    try (InputStream in = withoutK2.open(digest)) {
      assertThatThrownBy(in::read)
          .isInstanceOf(ArtifactKeyException.class)
          .hasMessageContaining("no key \"k2\"");
    }
  }

  @Test
  void slotBCopiedFromAnotherObject_isRefused() throws Exception {
    String digest = put(store, content(2000, 6));
    String other = putRewrapped(content(2000, 7));
    byte[] damagedA = slot(digest, 0);
    damagedA[15] ^= 1;
    writeSlot(digest, 0, damagedA);
    EncryptedArtifactStore k2 = open(keys.provider("k2"));

    // same host key: the other object's tag is bound to the other digest
    writeSlot(digest, 1, slot(other, 0));
    assertCorrupted(k2, digest, "does not belong to this digest");

    // another store's object under another key named k1: its wrapped key does not unwrap here
    TestKeys foreign = TestKeys.create(temp.resolve("foreign.p12"), "k1");
    EncryptedArtifactStore foreignStore =
        EncryptedArtifactStore.builder()
            .root(temp.resolve("foreign"))
            .keyProvider(foreign.provider("k1"))
            .segmentSize(SEGMENT)
            .build();
    String foreignDigest = put(foreignStore, content(2000, 6)); // the same content
    assertThat(foreignDigest).isEqualTo(digest);
    byte[] foreignFile = Files.readAllBytes(foreignStore.headerPath(foreignDigest));
    writeSlot(digest, 1, Arrays.copyOf(foreignFile, SLOT_BYTES));
    assertCorrupted(store, digest, "does not belong to this digest");
    assertSlotBFailure(store, digest, "does not unwrap");
  }

  @Test
  void fileShorterThanTheTwoSlots_isCorruption() throws IOException {
    String digest = put(store, content(2000, 8));
    Path file = store.headerPath(digest);
    byte[] all = Files.readAllBytes(file);
    for (int length : new int[] {0, 3, SLOT_BYTES, SLOT_BYTES + 100, SEGMENTS_OFFSET - 1}) {
      Files.write(file, Arrays.copyOf(all, length));
      assertCorrupted(store, digest, "header is damaged");
    }
    Files.write(file, all);
    assertThat(read(store, digest)).hasSize(2000);
  }

  @Test
  void segmentsSwappedTruncatedOrExtended_areRefused() throws IOException {
    byte[] c = content(4 * SEGMENT, 9);
    String digest = put(store, c);
    Path file = store.headerPath(digest);
    byte[] all = Files.readAllBytes(file);
    int unit = SEGMENT + 16;

    byte[] swapped = all.clone();
    System.arraycopy(all, SEGMENTS_OFFSET, swapped, SEGMENTS_OFFSET + unit, unit);
    System.arraycopy(all, SEGMENTS_OFFSET + unit, swapped, SEGMENTS_OFFSET, unit);
    Files.write(file, swapped);
    assertCorrupted(store, digest, "segment 0 of 4 fails authentication");

    Files.write(file, Arrays.copyOf(all, all.length - 1));
    assertCorrupted(store, digest, "truncated or extended");
    Files.write(file, Arrays.copyOf(all, all.length + 1));
    assertCorrupted(store, digest, "truncated or extended");
    Files.write(file, Arrays.copyOf(all, SEGMENTS_OFFSET));
    assertCorrupted(store, digest, "truncated or extended");

    Files.write(file, all);
    assertThat(read(store, digest)).isEqualTo(c);
  }

  @Test
  void rewrap_rewritesBothSlotsInPlace_andLeavesNoCopyOfTheOldWrappedKey() throws Exception {
    byte[] c = content(3 * SEGMENT, 10);
    String digest = put(store, c);
    Path file = store.headerPath(digest);
    byte[] before = Files.readAllBytes(file);
    byte[] oldWrapped = EncryptedFormat.parseSlot(before, 0).wrappedKey();

    EncryptedArtifactStore k2 = open(keys.provider("k2"));
    assertThat(k2.rewrap()).isEqualTo(1);
    assertThat(k2.rewrap()).isZero();

    byte[] after = Files.readAllBytes(file);
    assertThat(slot(digest, 1)).isEqualTo(slot(digest, 0));
    assertThat(EncryptedFormat.parseSlot(after, 0).keyId()).isEqualTo("k2");
    assertThat(contains(after, oldWrapped)).isFalse();
    assertThat(Arrays.copyOfRange(after, SEGMENTS_OFFSET, after.length))
        .isEqualTo(Arrays.copyOfRange(before, SEGMENTS_OFFSET, before.length));
    assertThat(read(retiredK1(), digest)).isEqualTo(c);
  }

  @Test
  void rewrapCrashedBetweenTheSlotWrites_readsWithBothKeys_andARerunFinishesTheJob()
      throws Exception {
    byte[] c = content(3 * SEGMENT + 1, 11);
    String digest = put(store, c);
    byte[] oldWrapped = EncryptedFormat.parseSlot(slot(digest, 0), 0).wrappedKey();
    EncryptedArtifactStore k2 = open(keys.provider("k2"));

    assertThat(k2.rewrapSlotBOnly(digest)).isTrue(); // a crash after slot B was forced

    assertThat(EncryptedFormat.parseSlot(slot(digest, 0), 0).keyId()).isEqualTo("k1");
    assertThat(EncryptedFormat.parseSlot(slot(digest, 1), 0).keyId()).isEqualTo("k2");
    assertThat(read(store, digest)).isEqualTo(c); // both keys known: slot A
    assertThat(k2.keyIdOf(digest)).isEqualTo("k1");
    EncryptedArtifactStore retired = retiredK1();
    assertThat(read(retired, digest)).isEqualTo(c); // k1 retired: slot B
    assertThat(retired.keyIdOf(digest)).isEqualTo("k2");

    assertThat(retired.rewrap()).isEqualTo(1); // slot A still names k1: rewritten
    assertThat(retired.rewrap()).isZero();
    assertThat(slot(digest, 0)).isEqualTo(slot(digest, 1));
    assertThat(contains(Files.readAllBytes(store.headerPath(digest)), oldWrapped)).isFalse();
    assertThat(read(retired, digest)).isEqualTo(c);
  }

  /** Runs {@code task} on {@code threads} threads released at once; returns their results. */
  private static <T> List<T> together(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rewrapsOfOneObjectFromTwoThreads_rewriteItOnce() throws Exception {
    byte[] c = content(5 * SEGMENT, 12);
    String digest = put(store, c);
    for (int round = 0; round < 5; round++) {
      EncryptedArtifactStore target = open(keys.provider(round % 2 == 0 ? "k2" : "k1"));

      List<Boolean> rewritten = together(2, () -> target.rewrap(digest));

      assertThat(rewritten).containsExactlyInAnyOrder(true, false);
      assertThat(slot(digest, 0)).isEqualTo(slot(digest, 1));
      assertThat(target.keyIdOf(digest)).isEqualTo(round % 2 == 0 ? "k2" : "k1");
      assertThat(read(store, digest)).isEqualTo(c);
    }
  }

  @Test
  void putsOfTheSameContentFromManyThreads_leaveOneFile() throws Exception {
    byte[] c = content(3 * SEGMENT + 9, 13);

    assertThat(together(8, () -> put(store, c))).containsOnly(Sha256.of(c));

    try (Stream<Path> files = Files.walk(temp.resolve("artifacts")).filter(Files::isRegularFile)) {
      assertThat(files).containsExactly(store.headerPath(Sha256.of(c)));
    }
    assertThat(read(store, Sha256.of(c))).isEqualTo(c);
  }

  @Test
  void version1Objects_readListVerifyRewrapAndDelete_besideVersion2Ones() throws Exception {
    byte[] old = content(2 * SEGMENT + 3, 14);
    byte[] fresh = content(SEGMENT + 1, 15);
    String oldDigest = Version1Objects.put(store, keys.provider("k1"), "k1", old, SEGMENT).digest();
    String freshDigest = put(store, fresh);
    Path oldHeader = store.headerPath(oldDigest);
    byte[] oldHeaderBytes = Files.readAllBytes(oldHeader);
    Path oldData = TestKeys.dataFile(store, oldDigest);
    assertThat(oldData).isNotEqualTo(oldHeader);

    // a put of content whose intact version-1 object exists keeps that object
    assertThat(put(store, old)).isEqualTo(oldDigest);
    assertThat(Files.readAllBytes(oldHeader)).isEqualTo(oldHeaderBytes);
    assertThat(oldData).exists();

    assertThat(read(store, oldDigest)).isEqualTo(old);
    store.verify(oldDigest);
    assertThat(store.list())
        .extracting(ArtifactObject::digest, ArtifactObject::sizeBytes)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(oldDigest, (long) old.length),
            org.assertj.core.groups.Tuple.tuple(freshDigest, (long) fresh.length));

    EncryptedArtifactStore k2 = open(keys.provider("k2"));
    assertThat(k2.rewrap()).isEqualTo(2);
    assertThat(Files.size(oldHeader)).isLessThan(SLOT_BYTES); // still a version-1 header file
    EncryptedArtifactStore retired = retiredK1();
    assertThat(read(retired, oldDigest)).isEqualTo(old);
    assertThat(read(retired, freshDigest)).isEqualTo(fresh);

    assertThat(store.delete(oldDigest, java.time.Instant.now().plusSeconds(1))).isTrue();
    assertThat(oldHeader).doesNotExist();
    assertThat(oldData).doesNotExist();
    assertThat(read(retired, freshDigest)).isEqualTo(fresh);
  }

  @Test
  void aDamagedVersion1Object_isReplacedByAVersion2One() throws IOException {
    byte[] c = content(2000, 16);
    String digest = Version1Objects.put(store, keys.provider("k1"), "k1", c, SEGMENT).digest();
    Path data = TestKeys.dataFile(store, digest);
    Files.write(data, new byte[(int) Files.size(data)]);

    assertThat(put(store, c)).isEqualTo(digest);

    assertThat(data).doesNotExist();
    assertThat(Files.size(store.headerPath(digest))).isGreaterThan(SEGMENTS_OFFSET);
    assertThat(read(store, digest)).isEqualTo(c);
  }
}
