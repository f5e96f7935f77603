package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.internal.Sha256;
import io.github.mlops4j.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * The read-ahead path of {@link EncryptedArtifactStore} returns exactly what the single-thread path
 * returns, call by call, for random sizes (empty, one byte, around one segment, many segments) and
 * random patterns of {@code read()}, {@code read(byte[], int, int)} and {@code skip}: the same
 * return values, the same bytes, and the same end, whose digest is checked by both.
 */
class EncryptedReadAheadProperties {
  private static final long SEED = 0x5eed_ae5L;
  private static final int SEGMENT = 1024;

  @TempDir Path temp;

  /** One call on the stream: 0 = read(), 1 = read(buf, off, len), 2 = skip(len). */
  record Call(int kind, int length) {}

  record Scenario(int size, List<Call> calls) {}

  private static int pick(RandomnessSource in, int min, int max) {
    return (int) in.next(Constraint.between(min, max));
  }

  static Gen<Scenario> scenarios() {
    int[] sizes = {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT, 2 * SEGMENT + 1};
    return in -> {
      int choice = pick(in, 0, sizes.length + 2);
      int size =
          choice < sizes.length ? sizes[choice] : pick(in, 3 * SEGMENT - 1, 40 * SEGMENT + 7);
      List<Call> calls = new ArrayList<>();
      int count = pick(in, 1, 60);
      for (int i = 0; i < count; i++) {
        int kind = pick(in, 0, 2);
        int length = pick(in, 0, pick(in, 0, 1) == 0 ? 64 : 3 * SEGMENT);
        calls.add(new Call(kind, length));
      }
      return new Scenario(size, calls);
    };
  }

  @Test
  void readAhead_returnsExactlyWhatTheSingleThreadPathReturns() throws Exception {
    TestKeys keys = TestKeys.create(temp.resolve("keys.p12"), "k1");
    Path root = temp.resolve("artifacts");
    EncryptedArtifactStore single = open(root, keys);
    single.close(); // its pool refuses work: every stream reads on the caller's thread alone
    try (EncryptedArtifactStore pipelined = open(root, keys)) {
      qt().withFixedSeed(SEED)
          .withExamples(60)
          .forAll(scenarios())
          .checkAssert(s -> compare(s, pipelined, single));
      // a stream's worker hands over its last segment, then closes the file and leaves its task:
      // it may still count as active for a moment after the stream has been read and closed
      EncryptedReadAheadTest.awaitTrue(() -> pipelined.activeWorkers() == 0, "no active worker");
    }
  }

  private static EncryptedArtifactStore open(Path root, TestKeys keys) {
    return EncryptedArtifactStore.builder()
        .root(root)
        .keyProvider(keys.provider("k1"))
        .segmentSize(SEGMENT)
        .pipelineMinBytes(0) // small objects go through the second thread too
        .build();
  }

  private static void compare(
      Scenario s, EncryptedArtifactStore pipelined, EncryptedArtifactStore single) {
    byte[] content = new byte[s.size()];
    new Random(s.size()).nextBytes(content);
    String digest = pipelined.put(new ByteArrayInputStream(content)).digest();
    assertThat(digest).isEqualTo(Sha256.hex(Sha256.newDigest().digest(content)));
    try (InputStream a = pipelined.open(digest);
        InputStream b = single.open(digest)) {
      int offset = 0;
      for (Call call : s.calls()) {
        offset += apply(call, a, b, content, offset);
      }
      byte[] rest = a.readAllBytes(); // the end: both streams check the digest here
      assertThat(b.readAllBytes()).isEqualTo(rest);
      assertThat(rest).isEqualTo(Arrays.copyOfRange(content, offset, content.length));
      assertThat(a.read()).isEqualTo(b.read()).isEqualTo(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Applies {@code call} to both streams at {@code offset} of {@code content}, asserts the same
   * outcome and the content's bytes; returns the number of bytes consumed.
   */
  private static int apply(Call call, InputStream a, InputStream b, byte[] content, int offset)
      throws IOException {
    int left = content.length - offset;
    switch (call.kind()) {
      case 0 -> {
        int x = a.read();
        assertThat(b.read()).isEqualTo(x);
        assertThat(x).isEqualTo(left == 0 ? -1 : content[offset] & 0xff);
        return x < 0 ? 0 : 1;
      }
      case 1 -> {
        byte[] bufA = new byte[call.length() + 5];
        byte[] bufB = new byte[call.length() + 5];
        int n = a.read(bufA, 5, call.length());
        assertThat(b.read(bufB, 5, call.length())).isEqualTo(n);
        assertThat(bufA).isEqualTo(bufB);
        int consumed = Math.max(n, 0);
        assertThat(Arrays.copyOfRange(bufA, 5, 5 + consumed))
            .isEqualTo(Arrays.copyOfRange(content, offset, offset + consumed));
        assertThat(n).isEqualTo(call.length() == 0 ? 0 : left == 0 ? -1 : n);
        return consumed;
      }
      default -> {
        long skipped = a.skip(call.length());
        assertThat(b.skip(call.length())).isEqualTo(skipped);
        assertThat(skipped).isEqualTo(Math.min(call.length(), left));
        return (int) skipped;
      }
    }
  }
}
