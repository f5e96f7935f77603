package io.github.mlops4j.artifacts;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * Encrypts the segments of one object being written and appends them to its data file, in order.
 * The first {@link DecryptingInputStream#PIPELINE_MIN_SEGMENTS} - 1 segments, and every segment
 * that ends within the first {@code pipelineMinBytes} of the content, are sealed on the caller's
 * thread; from the next one on, if the executor takes the work, a worker thread seals and writes
 * while the caller reads and hashes the following segments, with at most {@link #BUFFERS} segments
 * in flight. {@link #close()} without {@link #finish()} (a failed put) stops the worker and waits
 * for it, so that nothing writes to the file once the caller deletes it.
 */
final class SegmentSealer implements AutoCloseable {
  /** Segment buffers handed to the worker, beyond the caller's two. */
  static final int BUFFERS = 4;

  private static final byte[] FAILED = new byte[0];

  private final FileChannel out;
  private final EncryptedArtifactStore store;
  private final SecretKey key;
  private final int segmentSize;
  private final long pipelineMinBytes;
  private final @Nullable Executor executor;
  private final byte[] sealed;
  private final ByteBuffer view;

  private @Nullable Worker worker;
  private boolean inlineOnly;
  private int allocated;

  SegmentSealer(
      FileChannel out,
      EncryptedArtifactStore store,
      SecretKey key,
      int segmentSize,
      long pipelineMinBytes,
      @Nullable Executor executor) {
    this.out = out;
    this.store = store;
    this.pipelineMinBytes = pipelineMinBytes;
    this.key = key;
    this.segmentSize = segmentSize;
    this.executor = executor;
    this.sealed = new byte[segmentSize + EncryptedFormat.TAG_BYTES];
    this.view = ByteBuffer.wrap(sealed);
  }

  /**
   * Seals {@code plain[0, n)} as segment {@code index} and returns a buffer of the segment size the
   * caller may fill next: {@code plain} itself when it was sealed on this thread, another one when
   * the worker took it over.
   */
  byte[] seal(long index, byte[] plain, int n, boolean last)
      throws IOException, GeneralSecurityException {
    Worker w = worker;
    if (w == null
        && !inlineOnly
        && index >= DecryptingInputStream.PIPELINE_MIN_SEGMENTS - 1
        && (index + 1) * segmentSize > pipelineMinBytes
        && executor != null) {
      w = start(executor);
    }
    if (w == null) {
      write(index, plain, n, last);
      return plain;
    }
    w.work.add(new Segment(index, plain, n, last));
    byte[] next = w.free.poll();
    if (next == null && allocated < BUFFERS) {
      allocated++;
      return new byte[segmentSize];
    }
    try {
      if (next == null) {
        next = w.free.take();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while encrypting the artifact");
    }
    if (next == FAILED) {
      throw w.toThrow();
    }
    return next;
  }

  private @Nullable Worker start(Executor e) {
    Worker w = new Worker();
    try {
      e.execute(w);
      worker = w;
      return w;
    } catch (RejectedExecutionException refused) {
      inlineOnly = true;
      return null;
    }
  }

  /** Waits until every segment is written; throws what the worker failed with, if anything. */
  void finish() throws IOException, GeneralSecurityException {
    Worker w = worker;
    if (w == null) {
      return;
    }
    try {
      w.done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while encrypting the artifact");
    }
    worker = null;
    if (w.failure != null) {
      throw w.toThrow();
    }
  }

  /** Stops the worker if it still runs and waits for it (a failed put); otherwise does nothing. */
  @Override
  public void close() {
    Worker w = worker;
    if (w == null) {
      return;
    }
    worker = null;
    w.stopped = true;
    w.work.offer(Segment.STOP);
    boolean interrupted = false;
    while (true) {
      try {
        w.done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the worker ends after at most one segment: wait for it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(long index, byte[] plain, int n, boolean last)
      throws IOException, GeneralSecurityException {
    Cipher cipher = store.cipher(); // the cipher of the thread that seals now
    cipher.init(Cipher.ENCRYPT_MODE, key, EncryptedFormat.segmentNonce(index, last));
    int length = cipher.doFinal(plain, 0, n, sealed, 0);
    view.clear().limit(length);
    while (view.hasRemaining()) {
      out.write(view);
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // a buffer handed over, never compared
  private record Segment(long index, byte[] plain, int length, boolean last) {
    static final Segment STOP = new Segment(-1, new byte[0], 0, true);
  }

  /** Seals and writes the segments handed over, in order, until the last one or a failure. */
  private final class Worker implements Runnable {
    // caller's two buffers, BUFFERS more, and the failure marker
    final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS + 3);
    final BlockingQueue<Segment> work = new ArrayBlockingQueue<>(BUFFERS + 3);
    final CountDownLatch done = new CountDownLatch(1);
    volatile boolean stopped;
    volatile @Nullable Throwable failure;

    @Override
    public void run() {
      try {
        while (!stopped) {
          Segment s = work.take();
          if (s.index() < 0 || stopped) { // Segment.STOP
            return;
          }
          write(s.index(), s.plain(), s.length(), s.last());
          free.add(s.plain());
          if (s.last()) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the executor is shutting down
        fail(new InterruptedIOException("the encryption of the artifact was interrupted"));
      } catch (IOException | GeneralSecurityException | RuntimeException | Error e) {
        fail(e);
      } finally {
        done.countDown();
      }
    }

    private void fail(Throwable e) {
      failure = e;
      free.add(FAILED); // wakes the caller if it waits for a buffer
    }

    /** Throws the worker's failure if it is not an {@code IOException}, else returns it. */
    IOException toThrow() throws GeneralSecurityException {
      Throwable e = Objects.requireNonNull(failure);
      if (e instanceof GeneralSecurityException gse) {
        throw gse;
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      if (e instanceof Error err) {
        throw err;
      }
      return (IOException) e;
    }
  }
}
