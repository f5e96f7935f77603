package io.github.mlops4j.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.testing.TestKeys;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SegmentSealer} on its own: whichever thread seals a segment (the caller's, the worker's,
 * or the caller's alone when the pool refuses), the data file holds every segment sealed under its
 * index and last flag, in order; a worker held back, failing or stopped never leaves the caller
 * waiting.
 */
class SegmentSealerTest {
  private static final int SEGMENT = 16 * 1024;
  private static final int BATCH = SegmentSealer.BATCH_BYTES / SEGMENT;

  @TempDir Path temp;
  private EncryptedArtifactStore store;
  private SecretKey key;
  private Path file;
  private FileChannel out;

  @BeforeEach
  void setUp() throws Exception {
    TestKeys keys = TestKeys.create(temp.resolve("keys.p12"), "k1");
    store =
        EncryptedArtifactStore.builder()
            .root(temp.resolve("artifacts"))
            .keyProvider(keys.provider("k1"))
            .build();
    newKey(7);
    file = temp.resolve("data");
    out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  @AfterEach
  void tearDown() throws IOException {
    out.close();
    store.close();
  }

  private void newKey(long seed) {
    byte[] raw = new byte[32];
    new Random(seed).nextBytes(raw);
    key = new SecretKeySpec(raw, "AES");
  }

  private SegmentSealer sealer(Executor executor) {
    return new SegmentSealer(out, store, key, SEGMENT, 0, executor);
  }

  /** A worker started only once {@link #open} is called, on a thread of its own. */
  private static final class GatedExecutor implements Executor {
    final CountDownLatch gate = new CountDownLatch(1);
    int started;

    @Override
    public void execute(Runnable task) {
      started++;
      Thread t =
          new Thread(
              () -> {
                try {
                  gate.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                task.run();
              },
              "gated-sealer-worker");
      t.setDaemon(true);
      t.start();
    }

    void open() {
      gate.countDown();
    }
  }

  /** Feeds {@code content} to the sealer as the store does, segment by segment, up to finish. */
  private static void sealAll(SegmentSealer sealer, byte[] content, Runnable beforeFinish)
      throws IOException, GeneralSecurityException {
    byte[] current = sealer.newBuffer();
    byte[] next = sealer.newBuffer();
    int pos = fill(content, 0, current);
    int n = pos;
    for (long index = 0; ; index++) {
      int following = n == SEGMENT ? fill(content, pos, next) : 0;
      pos += following;
      boolean last = following == 0;
      byte[] free = sealer.seal(index, current, n, last);
      if (last) {
        break;
      }
      current = next;
      next = free;
      n = following;
    }
    beforeFinish.run();
    sealer.finish();
  }

  private static int fill(byte[] content, int from, byte[] buffer) {
    int n = Math.min(SEGMENT, content.length - from);
    System.arraycopy(content, from, buffer, 0, n);
    return n;
  }

  /** Opens every segment of the data file by hand: index, last flag and order must match. */
  private byte[] decrypt() throws Exception {
    byte[] sealed = Files.readAllBytes(file);
    long segments = Math.max(1, (sealed.length + SEGMENT + 15) / (SEGMENT + 16));
    Cipher cipher = EncryptedFormat.newCipher();
    byte[] plain = new byte[sealed.length - (int) segments * 16];
    int in = 0;
    int at = 0;
    for (long i = 0; i < segments; i++) {
      int length = Math.min(SEGMENT + 16, sealed.length - in);
      cipher.init(Cipher.DECRYPT_MODE, key, EncryptedFormat.segmentNonce(i, i == segments - 1));
      at += cipher.doFinal(sealed, in, length, plain, at);
      in += length;
    }
    return plain;
  }

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  @Test
  void segmentsSealedByTheCallerWhileBatchesWait_areWrittenInOrder() throws Exception {
    GatedExecutor executor = new GatedExecutor();
    // the worker starts late: from the second batch on the caller finds one waiting and seals
    byte[] c = content(BATCH * SEGMENT * 5 / 2 + 100);
    try (SegmentSealer sealer = sealer(executor)) {
      sealAll(sealer, c, executor::open);
    }
    assertThat(executor.started).isEqualTo(1);
    assertThat(decrypt()).isEqualTo(c);
  }

  @Test
  void everySizeAroundSegmentAndBatchBoundaries_readsBack() throws Exception {
    int[] sizes = {
      0, 1, SEGMENT, 2 * SEGMENT + 1, BATCH * SEGMENT, BATCH * SEGMENT + 1, 3 * BATCH * SEGMENT - 1
    };
    for (int size : sizes) {
      out.truncate(0);
      out.position(0);
      byte[] c = content(size);
      newKey(size); // a thread's cipher refuses a key and nonce it used last, as for any object
      try (SegmentSealer sealer = sealer(task -> new Thread(task, "sealer-worker").start())) {
        sealAll(sealer, c, () -> {});
      }
      assertThat(decrypt()).as("size %d", size).isEqualTo(c);
    }
  }

  @Test
  void aPoolThatRefusesWork_sealsOnTheCallersThread() throws Exception {
    int[] calls = {0};
    Executor refusing =
        task -> {
          calls[0]++;
          throw new RejectedExecutionException("full");
        };
    byte[] c = content(3 * BATCH * SEGMENT + 5);
    try (SegmentSealer sealer = sealer(refusing)) {
      sealAll(sealer, c, () -> {});
    }
    assertThat(calls[0]).as("asked once, then never again").isEqualTo(1);
    assertThat(decrypt()).isEqualTo(c);
  }

  @Test
  void aWorkerThatFailsToWrite_failsTheFinish_andEnds() throws Exception {
    GatedExecutor executor = new GatedExecutor();
    byte[] c = content(2 * BATCH * SEGMENT);
    try (SegmentSealer sealer = sealer(executor)) {
      assertThatThrownBy(
              () ->
                  sealAll(
                      sealer,
                      c,
                      () -> {
                        closeQuietly(out); // the worker's first write fails
                        executor.open();
                      }))
          .isInstanceOf(ClosedChannelException.class);
    } // close() returns: the worker has ended
  }

  @Test
  void anInterruptedCallerWaitingForABuffer_getsInterruptedIoException_andCloseStopsTheWorker()
      throws Exception {
    GatedExecutor executor = new GatedExecutor();
    byte[] buffer = new byte[SEGMENT];
    Arrays.fill(buffer, (byte) 1);
    SegmentSealer sealer = sealer(executor);
    byte[] first = sealer.newBuffer();
    sealer.newBuffer();
    try {
      assertThatThrownBy(
              () -> {
                // the worker never frees a buffer: the caller ends up waiting for one
                byte[] b = first;
                for (long index = 0; index < 10L * BATCH; index++) {
                  if (index == 2) {
                    Thread.currentThread().interrupt(); // the worker has started: no inline write
                  }
                  System.arraycopy(buffer, 0, b, 0, SEGMENT);
                  b = sealer.seal(index, b, SEGMENT, false);
                }
              })
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    executor.open();
    sealer.close(); // stops the worker after at most one segment or one write, and waits for it
    assertThat(Files.size(file) % (SEGMENT + 16)).as("whole sealed segments only").isZero();
    assertThat(Files.size(file)).isLessThan(10L * BATCH * (SEGMENT + 16));
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
