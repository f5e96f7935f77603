package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.internal.Sha256;
import io.github.mlops4j.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * Objects written through the put pipeline (segments handed to a worker in batches, sealed by
 * whichever thread is free) are the objects the caller's thread alone writes: for random sizes
 * around segment and batch boundaries, the same data file length and header fields, and each reads
 * back byte-identical through the other path.
 */
class EncryptedPutPipelineProperties {
  private static final long SEED = 0x5eed_b47c4L;
  private static final int SEGMENT = 4096;
  private static final int BATCH = SegmentSealer.BATCH_BYTES / SEGMENT * SEGMENT;

  @TempDir Path temp;

  static Gen<Integer> sizes() {
    int[] around = {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, BATCH, 2 * BATCH};
    return in -> {
      int choice = (int) in.next(Constraint.between(0, around.length + 1));
      if (choice > around.length) {
        return (int) in.next(Constraint.between(3 * SEGMENT - 1, 3 * BATCH + SEGMENT + 7));
      }
      int base = choice == around.length ? BATCH + SEGMENT * 3 : around[choice];
      return Math.max(0, base + (int) in.next(Constraint.between(-2, 2)));
    };
  }

  @Test
  void pipelinedPuts_writeWhatTheSingleThreadPathWrites_andBothReadBack() throws Exception {
    TestKeys keys = TestKeys.create(temp.resolve("keys.p12"), "k1");
    Path pipelinedRoot = temp.resolve("pipelined");
    Path singleRoot = temp.resolve("single");
    EncryptedArtifactStore single = open(singleRoot, keys);
    single.close(); // its pool refuses work: puts and reads on the caller's thread alone
    EncryptedArtifactStore singleReader = open(pipelinedRoot, keys);
    singleReader.close();
    try (EncryptedArtifactStore pipelined = open(pipelinedRoot, keys);
        EncryptedArtifactStore pipelinedReader = open(singleRoot, keys)) {
      qt().withFixedSeed(SEED)
          .withExamples(40)
          .forAll(sizes())
          .checkAssert(size -> compare(size, pipelined, single, singleReader, pipelinedReader));
      // no worker is left running (one may still be leaving a force the caller ran itself)
      EncryptedReadAheadTest.awaitTrue(() -> pipelined.activeWorkers() == 0, "no active worker");
    }
  }

  private static EncryptedArtifactStore open(Path root, TestKeys keys) {
    return EncryptedArtifactStore.builder()
        .root(root)
        .keyProvider(keys.provider("k1"))
        .segmentSize(SEGMENT)
        .pipelineMinBytes(0) // from the third segment on through the worker
        .build();
  }

  private static void compare(
      int size,
      EncryptedArtifactStore pipelined,
      EncryptedArtifactStore single,
      EncryptedArtifactStore singleReader,
      EncryptedArtifactStore pipelinedReader) {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    String expected = Sha256.hex(Sha256.newDigest().digest(content));
    assertThat(pipelined.put(new ByteArrayInputStream(content)).digest()).isEqualTo(expected);
    assertThat(single.put(new ByteArrayInputStream(content)).digest()).isEqualTo(expected);
    try {
      Path a = TestKeys.headerFile(pipelined, expected);
      Path b = TestKeys.headerFile(single, expected);
      assertThat(Files.size(a))
          .isEqualTo(Files.size(b))
          .isEqualTo(
              EncryptedFormat.SEGMENTS_OFFSET
                  + size
                  + EncryptedFormat.segmentCount(size, SEGMENT) * EncryptedFormat.TAG_BYTES);
      EncryptedFormat.Header ha = EncryptedFormat.parseSlot(Files.readAllBytes(a), 0);
      EncryptedFormat.Header hb = EncryptedFormat.parseSlot(Files.readAllBytes(b), 0);
      assertThat(ha.size()).isEqualTo(hb.size()).isEqualTo(size);
      assertThat(ha.segmentSize()).isEqualTo(hb.segmentSize()).isEqualTo(SEGMENT);
      for (EncryptedArtifactStore reader :
          new EncryptedArtifactStore[] {singleReader, pipelined, pipelinedReader, single}) {
        try (InputStream in = reader.open(expected)) {
          assertThat(in.readAllBytes()).isEqualTo(content);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
