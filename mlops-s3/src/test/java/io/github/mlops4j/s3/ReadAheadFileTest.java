package io.github.mlops4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.github.mlops4j.internal.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadAheadFile} and the request body stream on top of it ({@link VerifiedFileBody.Stream}):
 * exactly the file's bytes or a refusal, the same outcome as the single-threaded body it replaced,
 * and a reading thread that ends however the stream is left.
 */
class ReadAheadFileTest {
  @TempDir Path temp;

  private Path write(String name, byte[] content) {
    try {
      return Files.write(temp.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void plainRead_handsOverTheWholeFileInOrder_atAndAroundChunkBoundaries() throws Exception {
    int chunk = ReadAheadFile.CHUNK;
    for (int size : new int[] {0, 1, chunk - 1, chunk, chunk + 1, 5 * chunk + 3}) {
      byte[] content = random(size, size);
      Path file = write("plain-" + size, content);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ReadAheadFile in = ReadAheadFile.plain(file)) {
        ReadAheadFile.Chunk c;
        while ((c = in.next()) != null) {
          out.write(c.bytes(), 0, c.length());
          in.release(c);
        }
        assertThat(in.next()).isNull();
        in.awaitEnd();
        assertThat(in.running()).isFalse();
      }
      assertThat(out.toByteArray()).as("size %d", size).isEqualTo(content);
    }
  }

  /** How a file may differ from the content that was hashed. */
  private static byte[] mutate(byte[] content, int kind, SplittableRandom random) {
    switch (kind) {
      case 1: // one byte changed
        if (content.length == 0) {
          return content;
        }
        byte[] flipped = content.clone();
        flipped[random.nextInt(content.length)] ^= 0x5A;
        return flipped;
      case 2: // shorter
        return content.length == 0
            ? content
            : Arrays.copyOf(content, random.nextInt(content.length));
      case 3: // longer
        byte[] longer = Arrays.copyOf(content, content.length + 1 + random.nextInt(9));
        return longer;
      default: // unchanged
        return content;
    }
  }

  /** What a reader that reads with the pattern {@code seed} got, and whether the body refused. */
  private record Outcome(byte[] read, boolean refused) {}

  private static Outcome drain(InputStream in, long seed) throws IOException {
    SplittableRandom pattern = new SplittableRandom(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[200];
    try (in) {
      while (true) {
        int choice = pattern.nextInt(20);
        if (choice == 0) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          out.write(b);
        } else if (choice == 1) {
          assertThat(in.read(buffer, 3, 0)).isZero();
        } else {
          int off = pattern.nextInt(50);
          int n = in.read(buffer, off, 1 + pattern.nextInt(150));
          if (n < 0) {
            break;
          }
          out.write(buffer, off, n);
        }
      }
    } catch (VerifiedFileBody.ContentChangedException e) {
      return new Outcome(out.toByteArray(), true);
    }
    return new Outcome(out.toByteArray(), false);
  }

  @Test
  void pipelinedBody_handsOutExactlyTheFileOrRefuses_likeTheInlineBody() {
    qt().withFixedSeed(20261207L)
        .withExamples(300)
        .forAll(
            integers().between(0, 700),
            integers().between(1, 70),
            integers().between(0, 11),
            integers().all())
        .checkAssert(
            (size, chunk, depthAndKind, seed) -> {
              byte[] hashed = random(size, seed);
              byte[] now = mutate(hashed, depthAndKind / 3, new SplittableRandom(seed + 1));
              Path file = write("body-" + Integer.toHexString(seed) + "-" + size, now);
              String digest = Sha256.of(hashed);
              try {
                ReadAheadFile ahead =
                    ReadAheadFile.verifying(
                        file, digest, size, chunk, depthAndKind % 3 + 1, Long.MAX_VALUE);
                Outcome pipelined = drain(new VerifiedFileBody.Stream(ahead), seed);
                Outcome inline = drain(new InlineVerifiedStream(file, digest, size), seed);
                boolean changed = !Arrays.equals(hashed, now);

                assertThat(pipelined.refused()).isEqualTo(inline.refused()).isEqualTo(changed);
                if (changed) {
                  // never the complete content, only a prefix of what the file holds now
                  assertThat(pipelined.read().length).isLessThan(Math.max(size, 1));
                  byte[] read = pipelined.read();
                  assertThat(read).isEqualTo(Arrays.copyOf(now, read.length));
                } else {
                  assertThat(pipelined.read()).isEqualTo(hashed).isEqualTo(inline.read());
                }
                ahead.awaitEnd();
                assertThat(ahead.running()).isFalse();
                Files.delete(file);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
              }
            });
  }

  @Test
  void fileChangedWhileItIsRead_isRefusedBeforeItsLastChunk() throws Exception {
    int chunk = 4096;
    byte[] content = random(16 * chunk + 5, 1);
    Path file = write("changing", content);
    ReadAheadFile ahead =
        ReadAheadFile.verifying(file, Sha256.of(content), content.length, chunk, 2, Long.MAX_VALUE);
    try (InputStream in = new VerifiedFileBody.Stream(ahead)) {
      byte[] first = in.readNBytes(10);
      assertThat(first).isEqualTo(Arrays.copyOf(content, 10));
      // at most two chunks are read ahead of the reader, so the end of the file is not read yet
      byte[] changed = content.clone();
      changed[content.length - 1] ^= 1;
      Files.write(file, changed);

      assertThatThrownBy(() -> in.readNBytes(content.length))
          .isInstanceOf(VerifiedFileBody.ContentChangedException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("changed after it was hashed: its SHA-256 is now");
      // the refusal stays: a caller that reads on is refused again, never shown a clean end
      assertThatThrownBy(in::read).isInstanceOf(VerifiedFileBody.ContentChangedException.class);
    }
    ahead.awaitEnd();
    assertThat(ahead.running()).isFalse();
  }

  @Test
  void eachStreamOfTheBody_readsTheFileAgainFromItsStart() throws IOException {
    byte[] content = random(3 * ReadAheadFile.CHUNK + 11, 2);
    Path file = write("retried", content);
    var body = VerifiedFileBody.of(file, Sha256.of(content), content.length, "a/b");
    try (InputStream first = body.contentStreamProvider().newStream()) {
      assertThat(first.readNBytes(100)).isEqualTo(Arrays.copyOf(content, 100));
    }
    try (InputStream retry = body.contentStreamProvider().newStream()) {
      assertThat(retry.readAllBytes()).isEqualTo(content);
    }
    Files.write(file, random(content.length, 3));
    try (InputStream changed = body.contentStreamProvider().newStream()) {
      assertThatThrownBy(changed::readAllBytes)
          .isInstanceOf(VerifiedFileBody.ContentChangedException.class);
    }
  }

  @Test
  void closeMidRead_stopsTheReadingThread() throws IOException {
    int chunk = 64;
    byte[] content = random(100 * chunk, 4);
    Path file = write("closed", content);
    ReadAheadFile ahead =
        ReadAheadFile.verifying(file, Sha256.of(content), content.length, chunk, 2, Long.MAX_VALUE);
    InputStream in = new VerifiedFileBody.Stream(ahead);
    assertThat(in.read()).isEqualTo(content[0] & 0xff);
    assertThat(ahead.running()).isTrue(); // waits for a buffer the reader holds

    in.close();

    assertThat(ahead.running()).isFalse();
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
    assertThatThrownBy(ahead::next).isInstanceOf(IOException.class).hasMessageContaining("closed");
  }

  @Test
  void closeFromAnotherThread_wakesAReaderWaitingForAChunk() throws Exception {
    int chunk = 64;
    byte[] content = random(10 * chunk, 7);
    Path file = write("woken", content);
    // one buffer: while the first chunk is held, the reading thread waits for it to come back
    ReadAheadFile ahead =
        ReadAheadFile.verifying(file, Sha256.of(content), content.length, chunk, 1, Long.MAX_VALUE);
    assertThat(ahead.next()).isNotNull();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                failure.set(new AssertionError("got a chunk: " + ahead.next()));
              } catch (IOException e) {
                failure.set(e);
              }
            });
    reader.start();
    while (reader.getState() != Thread.State.WAITING) { // blocked in next(), waiting for a chunk
      Thread.onSpinWait();
    }

    ahead.close();
    reader.join();

    assertThat(failure.get()).isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThat(ahead.running()).isFalse();
  }

  @Test
  void abandonedRead_endsItsThread_andALateReaderGetsAnError() throws Exception {
    int chunk = 64;
    byte[] content = random(100 * chunk, 5);
    Path file = write("abandoned", content);
    ReadAheadFile ahead =
        ReadAheadFile.verifying(file, Sha256.of(content), content.length, chunk, 2, 1);
    InputStream in = new VerifiedFileBody.Stream(ahead);
    assertThat(in.read()).isEqualTo(content[0] & 0xff);

    ahead.awaitEnd(); // no buffer comes back: the thread gives up

    assertThat(ahead.running()).isFalse();
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(VerifiedFileBody.ContentChangedException.class)
        .hasMessageContaining("was given up");
    in.close();
  }

  @Test
  void interruptedReader_getsInterruptedIOException_andKeepsItsFlag() throws IOException {
    byte[] content = random(10_000, 6);
    Path file = write("interrupted", content);
    ReadAheadFile ahead =
        ReadAheadFile.verifying(file, Sha256.of(content), content.length, 64, 2, Long.MAX_VALUE);
    try (InputStream in = new VerifiedFileBody.Stream(ahead)) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(in::read).isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
    }
    assertThat(ahead.running()).isFalse();
  }

  @Test
  void missingFile_isAnIoErrorNamingIt_notAChange() {
    Path missing = temp.resolve("missing.bin");
    InputStream in = new VerifiedFileBody.Stream(missing, Sha256.of(new byte[0]), 0);
    assertThatThrownBy(in::read)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(VerifiedFileBody.ContentChangedException.class)
        .hasMessageContaining(missing.toString());
  }
}
