package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-ahead and write-behind paths of {@link EncryptedArtifactStore} (objects of three
 * segments or more): no byte of a segment that fails authentication reaches the caller, and the
 * worker thread stops whenever the stream or the put ends early.
 */
class EncryptedReadAheadTest {
  private static final int SEGMENT = 1024;
  private static final int SEALED = SEGMENT + 16;

  @TempDir Path temp;
  private EncryptedArtifactStore store;

  @BeforeEach
  void setUp() throws Exception {
    TestKeys keys = TestKeys.create(temp.resolve("keys.p12"), "k1");
    store =
        EncryptedArtifactStore.builder()
            .root(temp.resolve("artifacts"))
            .keyProvider(keys.provider("k1"))
            .segmentSize(SEGMENT)
            .pipelineMinBytes(0) // small objects go through the second thread too
            .build();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private String put(byte[] content) {
    return store.put(new ByteArrayInputStream(content)).digest();
  }

  private void flipByteOfSegment(String digest, int segment) throws IOException {
    Path data = TestKeys.headerFile(store, digest); // the header slots, then the segments
    byte[] sealed = Files.readAllBytes(data);
    sealed[EncryptedFormat.SEGMENTS_OFFSET + segment * SEALED + 11] ^= 0x20;
    Files.write(data, sealed);
  }

  /** Polls the store's pool until no worker runs; fails after 30 s. */
  private void awaitNoActiveWorker() {
    awaitTrue(() -> store.activeWorkers() == 0, "no active worker");
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // a poll, not a timed assumption
    }
  }

  /**
   * Reads in chunks of 100 bytes into a buffer filled with 0x55 until the read fails; returns the
   * bytes returned before and asserts the failing read left the buffer as it was.
   */
  private static byte[] readUntilRefused(InputStream in, String message) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buffer = new byte[100];
    while (true) {
      Arrays.fill(buffer, (byte) 0x55);
      int n;
      try {
        n = in.read(buffer, 0, buffer.length);
      } catch (ArtifactCorruptedException e) {
        assertThat(e).hasMessageContaining(message);
        byte[] untouched = new byte[buffer.length];
        Arrays.fill(untouched, (byte) 0x55);
        assertThat(buffer).isEqualTo(untouched);
        return got.toByteArray();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      assertThat(n).as("a read before the damaged segment").isPositive();
      got.write(buffer, 0, n);
    }
  }

  @Test
  void tamperedMiddleSegment_refusesTheRead_andReturnsNoByteOfIt() throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(10 * SEGMENT + 300, 1);
    String digest = put(c);
    flipByteOfSegment(digest, 5);

    try (InputStream in = store.open(digest)) {
      byte[] before = readUntilRefused(in, "segment 5 of 11 fails authentication");
      assertThat(before).isEqualTo(Arrays.copyOf(c, 5 * SEGMENT));
      assertThatThrownBy(() -> in.read(new byte[10]))
          .isInstanceOf(ArtifactCorruptedException.class)
          .hasMessageContaining("segment 5 of 11 fails authentication");
      assertThatThrownBy(in::read).isInstanceOf(ArtifactCorruptedException.class);
    }
    awaitNoActiveWorker();
  }

  @Test
  void tamperedLastSegment_refusesTheRead_andReturnsNoByteOfIt() throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(6 * SEGMENT + 17, 2);
    String digest = put(c);
    flipByteOfSegment(digest, 6);

    try (InputStream in = store.open(digest)) {
      byte[] before = readUntilRefused(in, "segment 6 of 7 fails authentication");
      assertThat(before).isEqualTo(Arrays.copyOf(c, 6 * SEGMENT));
    }
    assertThatThrownBy(() -> store.verify(digest))
        .isInstanceOf(ArtifactCorruptedException.class)
        .hasMessageContaining("segment 6 of 7 fails authentication");
    awaitNoActiveWorker();
  }

  @Test
  void closeMidStream_stopsTheWorker() throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(64 * SEGMENT, 3);
    String digest = put(c);
    awaitNoActiveWorker(); // the put's own worker may still be leaving the pool
    InputStream in = store.open(digest);
    assertThat(in.readNBytes(SEGMENT + 1)).isEqualTo(Arrays.copyOf(c, SEGMENT + 1));
    assertThat(store.activeWorkers()).as("the worker waits for free buffers").isEqualTo(1);

    in.close();

    awaitNoActiveWorker();
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
  }

  @Test
  void abandonedStream_stopsItsWorker() throws IOException {
    String digest = put(EncryptedArtifactStoreTest.content(64 * SEGMENT, 4));
    awaitNoActiveWorker(); // the put's own worker may still be leaving the pool
    readOneSegmentAndDrop(digest);
    assertThat(store.activeWorkers()).isEqualTo(1);

    awaitTrue(
        () -> {
          System.gc();
          return store.activeWorkers() == 0;
        },
        "the worker of an unreachable stream to stop");
  }

  @SuppressWarnings("resource") // abandoned on purpose
  private void readOneSegmentAndDrop(String digest) throws IOException {
    InputStream in = store.open(digest);
    assertThat(in.readNBytes(SEGMENT)).hasSize(SEGMENT);
  }

  @Test
  void interruptedReader_getsInterruptedIOException_keepsTheFlag_andTheWorkerStops()
      throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(64 * SEGMENT, 5);
    String digest = put(c);
    try (InputStream in = store.open(digest)) {
      assertThat(in.readNBytes(SEGMENT)).isEqualTo(Arrays.copyOf(c, SEGMENT));
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> in.read(new byte[10])).isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThatThrownBy(() -> in.read(new byte[10])).isInstanceOf(InterruptedIOException.class);
    }
    awaitNoActiveWorker();
  }

  @Test
  void dataFileCutWhileReadAhead_failsTheReadAfterTheGoodSegments_andTheWorkerStops()
      throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(20 * SEGMENT, 6);
    String digest = put(c);
    Path data = TestKeys.headerFile(store, digest);
    try (InputStream in = store.open(digest)) {
      assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(c, 10)); // the worker runs now
      try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
        file.setLength(
            EncryptedFormat.SEGMENTS_OFFSET + 8L * SEALED); // ahead of the ring of four buffers
      }
      byte[] rest = readUntilRefused(in, "its data is truncated in segment 8 of 20");
      assertThat(rest).isEqualTo(Arrays.copyOfRange(c, 10, 8 * SEGMENT));
    }
    awaitNoActiveWorker();
  }

  @Test
  void failingSourceDuringAPipelinedPut_leavesNothingBehind_andTheWorkerStops() throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(40 * SEGMENT, 7);
    InputStream failing = new ArtifactStoreContract.FailingStream(c, 20 * SEGMENT);

    assertThatThrownBy(() -> store.put(failing))
        .isInstanceOf(ArtifactStoreException.class)
        .hasRootCauseMessage(ArtifactStoreContract.FailingStream.MESSAGE);

    awaitNoActiveWorker();
    try (Stream<Path> files = Files.walk(store.root())) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void pipelinedPut_isReadBackByTheSingleThreadPath() throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(50 * SEGMENT + 3, 8);
    String digest = put(c);
    // the put's workers may still be leaving their last task (a force the caller ran itself)
    awaitNoActiveWorker();
    store.close(); // from here on every stream reads on the caller's thread alone
    try (InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(c);
    }
    assertThat(store.activeWorkers()).isZero();
  }

  /**
   * A source that throws an unchecked exception, or sets the reader's interrupt flag, at a point.
   */
  private static final class TrappedStream extends InputStream {
    private final byte[] content;
    private final int at;
    private final boolean interrupt;
    private int pos;

    TrappedStream(byte[] content, int at, boolean interrupt) {
      this.content = content;
      this.at = at;
      this.interrupt = interrupt;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= at && !interrupt) {
        throw new IllegalStateException("source broke on purpose");
      }
      if (pos >= at) {
        Thread.currentThread().interrupt();
      }
      int n = Math.min(len, content.length - pos);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(content, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private static final int BATCH = SegmentSealer.BATCH_BYTES / SEGMENT;

  private void assertNoFilesAndNoWorker() throws IOException {
    awaitNoActiveWorker();
    try (Stream<Path> files = Files.walk(store.root())) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void sourceThrowingWithBatchesInFlight_leavesNothingBehind_andTheWorkerStops()
      throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(4 * BATCH * SEGMENT, 9);
    InputStream broken = new TrappedStream(c, 5 * BATCH * SEGMENT / 2, false);

    assertThatThrownBy(() -> store.put(broken))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("source broke on purpose");

    assertNoFilesAndNoWorker();
  }

  @Test
  void interruptedCallerDuringAPipelinedPut_failsThePut_keepsTheFlag_andLeavesNothing()
      throws IOException {
    byte[] c = EncryptedArtifactStoreTest.content(3 * BATCH * SEGMENT + 5, 10);
    InputStream interrupting = new TrappedStream(c, BATCH * SEGMENT + 3 * SEGMENT, true);
    try {
      assertThatThrownBy(() -> store.put(interrupting))
          .isInstanceOf(ArtifactStoreException.class)
          .hasCauseInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertNoFilesAndNoWorker();
    assertThat(put(c)).as("the next put goes through").hasSize(64);
  }
}
