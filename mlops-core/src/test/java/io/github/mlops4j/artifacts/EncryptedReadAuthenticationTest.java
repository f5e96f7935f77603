package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.internal.Sha256;
import io.github.mlops4j.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A read of {@link EncryptedArtifactStore} takes no SHA-256 of the plaintext: these cases check
 * that the tags alone refuse parts of one object put together with parts of another, cuts and
 * additions, with {@link ArtifactCorruptedException}, that no byte of another object reaches the
 * reader, and that {@code verify} refuses the same objects. Each case runs on the reader's thread
 * alone and with the read-ahead worker.
 */
class EncryptedReadAuthenticationTest {
  private static final int SEGMENT = 1024;
  private static final int UNIT = SEGMENT + EncryptedFormat.TAG_BYTES;

  @TempDir Path temp;
  private @Nullable KeyProvider provider;

  private EncryptedArtifactStore open(boolean readAhead) throws Exception {
    TestKeys keys = TestKeys.create(temp.resolve("keys.p12"), "k1");
    provider = keys.provider("k1");
    return EncryptedArtifactStore.builder()
        .root(temp.resolve("artifacts"))
        .keyProvider(provider)
        .segmentSize(SEGMENT)
        .pipelineMinBytes(readAhead ? 0 : Long.MAX_VALUE)
        .build();
  }

  private static byte[] content(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Stores a version-1 object (a header file and a data file), whose files the tests change. */
  private String put(EncryptedArtifactStore store, byte[] content) {
    return Version1Objects.put(store, Objects.requireNonNull(provider), "k1", content, SEGMENT)
        .digest();
  }

  /** What a reader received before the failure, and the failure. */
  private record Outcome(byte[] received, Throwable failure) {}

  /** Reads {@code digest} to its end in reads of {@code chunk} bytes; the read must fail. */
  private static Outcome readUntilRefused(EncryptedArtifactStore store, String digest, int chunk)
      throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[chunk];
    try (InputStream in = store.open(digest)) {
      while (true) {
        int n;
        try {
          n = in.read(buffer, 0, chunk);
        } catch (ArtifactCorruptedException e) {
          assertThatThrownBy(() -> in.read(buffer)).isSameAs(e); // and again on later reads
          return new Outcome(received.toByteArray(), e);
        }
        if (n < 0) {
          throw new AssertionError("the read of " + digest + " ended without a failure");
        }
        received.write(buffer, 0, n);
      }
    }
  }

  /**
   * The read fails with {@link ArtifactCorruptedException} naming {@code digest} and {@code
   * reason}, having handed out at most the first {@code goodBytes} of {@code original}, in reads
   * both smaller and larger than a segment; {@code verify} fails too.
   */
  private static void assertRefused(
      EncryptedArtifactStore store, String digest, byte[] original, int goodBytes, String reason)
      throws IOException {
    for (int chunk : new int[] {100, 3 * SEGMENT}) {
      Outcome outcome = readUntilRefused(store, digest, chunk);
      assertThat(outcome.failure())
          .isInstanceOf(ArtifactCorruptedException.class)
          .hasMessageContaining(reason);
      assertThat(((ArtifactCorruptedException) outcome.failure()).digest()).isEqualTo(digest);
      assertThat(outcome.received().length).isLessThanOrEqualTo(goodBytes);
      assertThat(outcome.received()).isEqualTo(Arrays.copyOf(original, outcome.received().length));
    }
    assertThatThrownBy(() -> store.verify(digest)).isInstanceOf(ArtifactCorruptedException.class);
  }

  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void headerCopiedFromAnotherObject_isRefused(boolean readAhead) throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      byte[] a = content(4 * SEGMENT, 1);
      String digestA = put(store, a);
      String digestB = put(store, content(4 * SEGMENT, 2));
      byte[] headerB = Files.readAllBytes(store.headerPath(digestB));
      Path dataB = TestKeys.dataFile(store, digestB);
      // B's header under A's name, with B's data file where that header says A's data is
      Files.write(store.headerPath(digestA), headerB);
      Path headerA = store.headerPath(digestA);
      Files.copy(
          dataB,
          headerA.resolveSibling(
              headerA.getFileName() + EncryptedFormat.parse(headerB).dataSuffix()));

      assertRefused(store, digestA, a, 0, "does not belong to this digest");
    }
  }

  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void dataFileCopiedFromAnotherObjectOfTheSameSize_isRefused(boolean readAhead) throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      byte[] a = content(4 * SEGMENT, 3);
      String digestA = put(store, a);
      String digestB = put(store, content(4 * SEGMENT, 4));
      Files.write(
          TestKeys.dataFile(store, digestA), Files.readAllBytes(TestKeys.dataFile(store, digestB)));

      assertRefused(store, digestA, a, 0, "segment 0 of 4 fails authentication");
    }
  }

  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void segmentSplicedFromAnotherObject_isRefused_afterTheGoodSegmentsBeforeIt(boolean readAhead)
      throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      byte[] a = content(4 * SEGMENT, 5);
      String digestA = put(store, a);
      String digestB = put(store, content(4 * SEGMENT, 6));
      Path dataA = TestKeys.dataFile(store, digestA);
      byte[] sealedA = Files.readAllBytes(dataA);
      byte[] sealedB = Files.readAllBytes(TestKeys.dataFile(store, digestB));
      // B's segment 2 in A's place 2: same index, same length, another data key
      System.arraycopy(sealedB, 2 * UNIT, sealedA, 2 * UNIT, UNIT);
      Files.write(dataA, sealedA);

      assertRefused(store, digestA, a, 2 * SEGMENT, "segment 2 of 4 fails authentication");
    }
  }

  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void lastSegmentSplicedFromAnotherObject_isRefused(boolean readAhead) throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      // same size, so the last segments have the same length and the same last-segment nonce
      byte[] a = content(3 * SEGMENT + 100, 7);
      String digestA = put(store, a);
      String digestB = put(store, content(3 * SEGMENT + 100, 8));
      Path dataA = TestKeys.dataFile(store, digestA);
      byte[] sealedA = Files.readAllBytes(dataA);
      byte[] sealedB = Files.readAllBytes(TestKeys.dataFile(store, digestB));
      System.arraycopy(sealedB, 3 * UNIT, sealedA, 3 * UNIT, 100 + EncryptedFormat.TAG_BYTES);
      Files.write(dataA, sealedA);

      assertRefused(store, digestA, a, 3 * SEGMENT, "segment 3 of 4 fails authentication");
    }
  }

  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void truncatedDataFile_isRefusedBeforeAnyByte(boolean readAhead) throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      byte[] a = content(4 * SEGMENT, 9);
      String digestA = put(store, a);
      Path dataA = TestKeys.dataFile(store, digestA);
      byte[] sealed = Files.readAllBytes(dataA);

      for (int cut : new int[] {1, EncryptedFormat.TAG_BYTES, UNIT, UNIT + 1, sealed.length}) {
        Files.write(dataA, Arrays.copyOf(sealed, sealed.length - cut));
        assertRefused(store, digestA, a, 0, "truncated or extended");
      }
    }
  }

  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void extraTrailingByte_isRefusedBeforeAnyByte(boolean readAhead) throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      byte[] a = content(4 * SEGMENT, 10);
      String digestA = put(store, a);
      Path dataA = TestKeys.dataFile(store, digestA);
      byte[] sealed = Files.readAllBytes(dataA);
      Files.write(dataA, Arrays.copyOf(sealed, sealed.length + 1));

      assertRefused(store, digestA, a, 0, "truncated or extended");
    }
  }

  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void intactObject_handsOutExactlyItsBytes_inEveryReadSize(boolean readAhead) throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      for (int size : new int[] {0, 1, SEGMENT, 4 * SEGMENT, 4 * SEGMENT + 7}) {
        byte[] a = content(size, 11 + size);
        String digest = put(store, a);
        assertThat(digest).isEqualTo(Sha256.of(a));
        for (int chunk : new int[] {1, 100, SEGMENT, 5 * SEGMENT}) {
          try (InputStream in = store.open(digest)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[chunk];
            for (int n; (n = in.read(buffer, 0, chunk)) >= 0; ) {
              out.write(buffer, 0, n);
            }
            assertThat(out.toByteArray()).isEqualTo(a);
            assertThat(in.read()).isEqualTo(-1);
          }
        }
        store.verify(digest);
      }
    }
  }

  /**
   * The boundary of what a read checks, stated as a test: whoever holds the host key can seal
   * content under a name that is not its SHA-256 (as when writing any object), and a read returns
   * it; the tags bind content to a name for everyone else. Only holders of the host key are
   * trusted.
   */
  @ParameterizedTest(name = "read ahead: {0}")
  @ValueSource(booleans = {false, true})
  void aHolderOfTheHostKey_isTrusted_toNameWhatItSeals(boolean readAhead) throws Exception {
    try (EncryptedArtifactStore store = open(readAhead)) {
      byte[] a = content(4 * SEGMENT, 12);
      String digestA = put(store, a);
      String other = Sha256.of(content(10, 13));
      EncryptedArtifactStore.Opened opened = store.openHeader(digestA, store.headerPath(digestA));
      EncryptedFormat.Header h = opened.header();
      byte[] tag =
          EncryptedFormat.tag(opened.dataKey(), 1, h.segmentSize(), h.size(), h.dataId(), other);
      Path header = store.headerPath(other);
      Files.createDirectories(header.getParent());
      Files.write(
          header,
          new EncryptedFormat.Header(
                  1, h.segmentSize(), h.size(), h.dataId(), h.keyId(), h.wrappedKey(), tag)
              .encode());
      Files.copy(
          TestKeys.dataFile(store, digestA),
          header.resolveSibling(header.getFileName() + h.dataSuffix()));

      try (InputStream in = store.open(other)) {
        assertThat(in.readAllBytes()).isEqualTo(a);
      }
    }
  }
}
