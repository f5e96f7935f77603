package io.github.mlops4j.artifacts;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ref.WeakReference;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates and decrypts the segments of one object on a worker thread, ahead of the reader,
 * into a ring of at most {@link #BUFFERS} segment buffers. A buffer reaches the reader only after
 * its segment's tag matched; a failure is handed over in its place, after every good segment before
 * it. The worker stops at the end of the data, when {@link #stop()} is called, or when the stream
 * that owns it is no longer reachable (an abandoned stream, checked about once a second while the
 * ring is full); it closes the data file when it stops.
 */
final class ReadAhead implements Runnable {
  /** The segment buffers of one stream: one being read, one being filled, two waiting. */
  static final int BUFFERS = 4;

  private static final byte[] STOP = new byte[0];

  /** A decrypted, authenticated segment. */
  @SuppressWarnings("ArrayRecordComponent") // a buffer handed over, never compared
  record Chunk(byte[] bytes, int length, boolean last) {}

  /** What ended the worker early, handed to the reader in place of the next segment. */
  private record Failure(Throwable cause) {}

  private final SealedSegments source;
  private final WeakReference<Object> owner;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(BUFFERS + 2);
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean stopped;
  private int allocated;
  private byte @Nullable [] pending;

  private ReadAhead(SealedSegments source, Object owner) {
    this.source = source;
    this.owner = new WeakReference<>(owner);
  }

  /**
   * Starts reading {@code source} ahead on {@code executor}, for a reader {@code owner} that must
   * not be reachable from the worker; null if the executor refuses (the caller then reads on its
   * own thread).
   */
  static @Nullable ReadAhead start(Executor executor, SealedSegments source, Object owner) {
    ReadAhead ahead = new ReadAhead(source, owner);
    try {
      executor.execute(ahead);
      return ahead;
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  @Override
  public void run() {
    try {
      while (source.hasNext()) {
        byte[] buffer = nextFree();
        if (buffer == null) {
          return;
        }
        boolean last = source.nextIsLast();
        int n = source.open(buffer, 0);
        ready.add(new Chunk(buffer, n, last));
      }
    } catch (IOException | RuntimeException | Error e) {
      ready.add(new Failure(e));
    } finally {
      try {
        source.close();
      } catch (IOException e) {
        ready.offer(new Failure(e)); // at most once, after at most one other failure: room left
      }
      done.countDown();
    }
  }

  /** A buffer to decrypt into, or null if the worker is to stop. */
  private byte @Nullable [] nextFree() throws InterruptedIOException {
    byte[] buffer = free.poll();
    if (buffer == null && allocated < BUFFERS) {
      allocated++;
      return new byte[source.segmentSize()];
    }
    try {
      while (buffer == null) {
        if (stopped || owner.get() == null) {
          return null;
        }
        buffer = free.poll(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the executor is shutting down: the reader is told
      throw new InterruptedIOException("the read-ahead of the artifact was interrupted");
    }
    return buffer == STOP || stopped ? null : buffer;
  }

  /**
   * Gives back the buffer the reader has finished with (if any) and returns the next segment,
   * waiting for it; throws what ended the worker instead when the segments before it are consumed.
   */
  Chunk next(byte @Nullable [] consumed) throws IOException {
    if (consumed != null) {
      // buffers go back two at a time: the worker, usually ahead and waiting, wakes half as often
      byte[] previous = pending;
      if (previous == null && !ready.isEmpty()) {
        pending = consumed;
      } else {
        if (previous != null) {
          free.add(previous);
          pending = null;
        }
        free.add(consumed);
      }
    }
    Object item;
    try {
      item = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new InterruptedIOException("interrupted while waiting for the next decrypted segment");
    }
    if (item instanceof Failure f) {
      Throwable cause = f.cause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw (Error) cause;
    }
    return (Chunk) item;
  }

  /** Asks the worker to stop; it closes the data file when it does. */
  void stop() {
    stopped = true;
    free.offer(STOP);
  }

  /**
   * Stops the worker and waits for it to finish, at most {@code timeout}; an interrupt while
   * waiting is kept for the caller.
   *
   * @return whether the worker has finished
   */
  boolean stopAndAwait(long timeout, TimeUnit unit) {
    stop();
    boolean interrupted = false;
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    try {
      while (true) {
        try {
          return done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
