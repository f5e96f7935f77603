package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.github.mlops4j.internal.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link HeldContent} against the simple reading it replaces ({@code InputStream.readNBytes(int)}):
 * same bytes, same digest, whatever the content length, the limit and how the source splits its
 * reads.
 */
class HeldContentTest {
  private static final int CHUNK = HeldContent.CHUNK;

  @Test
  void holdsWhatReadNBytesWouldReturn() {
    qt().withFixedSeed(20261206L)
        .withExamples(60)
        .forAll(
            integers().between(0, 3 * CHUNK + 17),
            integers().between(0, 4 * CHUNK),
            integers().between(1, CHUNK + 5),
            integers().all())
        .checkAssert(
            (length, max, readSize, seed) -> {
              byte[] content = new byte[length];
              new SplittableRandom(seed).nextBytes(content);
              byte[] expected = readAll(new ShortReads(content, readSize), max, /* simple= */ true);
              byte[] held = readAll(new ShortReads(content, readSize), max, /* simple= */ false);
              assertThat(held).isEqualTo(expected);
              assertThat(held.length).isEqualTo(Math.min(length, max));
            });
  }

  @Test
  void boundaries_ofChunkAndLimit() throws IOException {
    for (int length : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK}) {
      byte[] content = new byte[length];
      new SplittableRandom(length).nextBytes(content);
      for (long max : new long[] {0, 1, length - 1L, length, length + 1L}) {
        if (max < 0) {
          continue;
        }
        HeldContent held = HeldContent.read(new ByteArrayInputStream(content), max);
        byte[] prefix = Arrays.copyOf(content, (int) Math.min(length, max));
        assertThat(held.size()).as("length %d, max %d", length, max).isEqualTo(prefix.length);
        MessageDigest md = Sha256.newDigest();
        held.update(md);
        assertThat(Sha256.hex(md.digest())).isEqualTo(Sha256.of(prefix));
        // A stream per call, each from the first byte (a retried upload reads it again).
        assertThat(held.stream().readAllBytes()).isEqualTo(prefix);
        assertThat(held.stream().readAllBytes()).isEqualTo(prefix);
      }
    }
  }

  @Test
  void leavesTheRestOfTheSourceUnread() throws IOException {
    byte[] content = new byte[CHUNK + 10];
    new SplittableRandom(3).nextBytes(content);
    InputStream in = new ByteArrayInputStream(content);
    HeldContent held = HeldContent.read(in, CHUNK + 1);
    assertThat(held.size()).isEqualTo(CHUNK + 1);
    assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, CHUNK + 1, content.length));
  }

  private static byte[] readAll(InputStream in, int max, boolean simple) {
    try {
      if (simple) {
        return in.readNBytes(max);
      }
      HeldContent held = HeldContent.read(in, max);
      MessageDigest md = Sha256.newDigest();
      held.update(md);
      byte[] bytes = held.stream().readAllBytes();
      assertThat(Sha256.hex(md.digest())).isEqualTo(Sha256.of(bytes));
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A source that never returns more than {@code readSize} bytes per call. */
  private static final class ShortReads extends ByteArrayInputStream {
    private final int readSize;

    ShortReads(byte[] content, int readSize) {
      super(content);
      this.readSize = readSize;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      return super.read(b, off, Math.min(len, readSize));
    }
  }
}
