package io.github.mlops4j.artifacts;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
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
 * Every buffer has room for a segment and its tag, and a segment is sealed in place. The first
 * {@link DecryptingInputStream#PIPELINE_MIN_SEGMENTS} - 1 segments, and every segment that ends
 * within the first {@code pipelineMinBytes} of the content, are sealed and written on the caller's
 * thread; from the next one on, if the executor takes the work, segments are handed to a worker
 * thread in batches of {@link #BATCH_BYTES} (at least one segment): the worker seals the batch and
 * writes it with one gathering write while the caller reads and hashes the next batch. When a whole
 * batch already waits for the worker, the caller seals the segments it hands over itself, so that
 * the encryption is shared by both threads whichever is slower; the worker writes every batch in
 * order either way. At most {@link #BATCHES_IN_FLIGHT} batches wait for or are held by the worker.
 * {@link #close()} without {@link #finish()} (a failed put) stops the worker and waits for it, so
 * that nothing writes to the file once the caller deletes it.
 */
final class SegmentSealer implements AutoCloseable {
  /**
   * Plaintext bytes handed to the worker at once (rounded down to whole segments, at least one).
   */
  static final int BATCH_BYTES = 512 * 1024;

  /** Batches handed to the worker and not yet written, beyond the one the caller fills. */
  static final int BATCHES_IN_FLIGHT = 2;

  private static final byte[] FAILED = new byte[0];
  private static final List<Segment> STOP = List.of();

  private final FileChannel out;
  private final EncryptedArtifactStore store;
  private final SecretKey key;
  private final int segmentSize;
  private final int batchSegments;
  private final int maxBuffers;
  private final long pipelineMinBytes;
  private final @Nullable Executor executor;

  private @Nullable Worker worker;
  private boolean inlineOnly;
  private int allocated;
  private List<Segment> batch;

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
    this.batchSegments = Math.max(1, BATCH_BYTES / segmentSize);
    // the caller's two, the batch it fills, and the batches in flight
    this.maxBuffers = 2 + batchSegments * (1 + BATCHES_IN_FLIGHT);
    this.batch = new ArrayList<>(batchSegments);
  }

  /** A new buffer for the caller: room for a segment's plaintext and, once sealed, its tag. */
  byte[] newBuffer() {
    allocated++;
    return new byte[segmentSize + EncryptedFormat.TAG_BYTES];
  }

  /**
   * Seals {@code buffer[0, n)} (the plaintext, already hashed) as segment {@code index} and returns
   * a buffer of {@link #newBuffer()}'s size the caller may fill next: {@code buffer} itself when it
   * was sealed and written on this thread, another one when it went to the worker.
   */
  byte[] seal(long index, byte[] buffer, int n, boolean last)
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
      int length = sealInPlace(index, buffer, n, last);
      writeFully(ByteBuffer.wrap(buffer, 0, length));
      return buffer;
    }
    // a whole batch already waits for the worker: share the encryption
    int sealed = w.work.isEmpty() ? -1 : sealInPlace(index, buffer, n, last);
    batch.add(new Segment(index, buffer, n, last, sealed));
    if (last || batch.size() == batchSegments) {
      w.work.add(batch);
      batch = new ArrayList<>(batchSegments);
    }
    byte[] next = w.free.poll();
    if (next == null && allocated < maxBuffers) {
      return newBuffer();
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
    Worker w = new Worker(maxBuffers);
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
    w.work.offer(STOP);
    boolean interrupted = false;
    while (true) {
      try {
        w.done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the worker ends after at most one segment or one write: wait for it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Encrypts {@code buffer[0, n)} in place and appends the tag; returns the sealed length. */
  private int sealInPlace(long index, byte[] buffer, int n, boolean last)
      throws GeneralSecurityException {
    Cipher cipher = store.cipher(); // the cipher of the thread that seals now
    cipher.init(Cipher.ENCRYPT_MODE, key, EncryptedFormat.segmentNonce(index, last));
    return cipher.doFinal(buffer, 0, n, buffer, 0);
  }

  private void writeFully(ByteBuffer view) throws IOException {
    while (view.hasRemaining()) {
      out.write(view);
    }
  }

  /**
   * A segment handed over: {@code sealed} is its sealed length when the caller sealed it, else -1.
   */
  @SuppressWarnings("ArrayRecordComponent") // a buffer handed over, never compared
  private record Segment(long index, byte[] buffer, int length, boolean last, int sealed) {}

  /** Seals and writes the batches handed over, in order, until the last one or a failure. */
  private final class Worker implements Runnable {
    final BlockingQueue<byte[]> free; // every buffer, and the failure marker
    final BlockingQueue<List<Segment>> work; // a batch holds one buffer at least; and STOP
    final CountDownLatch done = new CountDownLatch(1);
    volatile boolean stopped;
    volatile @Nullable Throwable failure;

    Worker(int maxBuffers) {
      free = new ArrayBlockingQueue<>(maxBuffers + 1);
      work = new ArrayBlockingQueue<>(maxBuffers + 1);
    }

    @Override
    public void run() {
      try {
        ByteBuffer[] views = new ByteBuffer[batchSegments];
        while (!stopped) {
          List<Segment> segments = work.take();
          if (segments == STOP || !write(segments, views)) {
            return;
          }
          for (Segment s : segments) {
            free.add(s.buffer());
          }
          if (segments.get(segments.size() - 1).last()) {
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

    /** Seals what the caller did not, then writes the batch; false if stopped meanwhile. */
    private boolean write(List<Segment> segments, ByteBuffer[] views)
        throws IOException, GeneralSecurityException {
      long remaining = 0;
      for (int i = 0; i < segments.size(); i++) {
        if (stopped) {
          return false;
        }
        Segment s = segments.get(i);
        int length =
            s.sealed() >= 0 ? s.sealed() : sealInPlace(s.index(), s.buffer(), s.length(), s.last());
        views[i] = ByteBuffer.wrap(s.buffer(), 0, length);
        remaining += length;
      }
      while (remaining > 0) {
        remaining -= out.write(views, 0, segments.size());
      }
      return true;
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
