package io.github.mlops4j.s3;

import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.internal.Sha256;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One read of a file by a daemon thread of its own, ahead of the caller, into a bounded ring of
 * buffers: the caller takes filled chunks in file order with {@link #next()} and hands each back
 * with {@link #release(Chunk)}, so the file's reads (and, when verifying, its hashing) run beside
 * whatever the caller does with the bytes.
 *
 * <p>In verifying mode ({@link #verifying}) the reading thread also hashes every chunk before it is
 * handed over, and withholds the file's last chunk until it has read to the end of the file and
 * found the expected size and SHA-256: if they differ, {@link #next()} throws {@link
 * VerifiedFileBody.ContentChangedException} in place of that chunk, so a caller that forwards what
 * it gets never forwards the complete content of a changed file.
 *
 * <p>At most {@code depth} buffers of {@code chunkSize} bytes exist per instance. The thread ends
 * at the end of the file, on an error, on {@link #close()} (which interrupts it and waits for it),
 * and when the caller has not released a buffer for {@code abandonAfterNanos} (a stream dropped
 * without being closed); it always closes its file. The thread is started by the first {@link
 * #next()}. A caller that stops taking chunks without closing gets an {@link IOException} if it
 * ever asks again.
 */
final class ReadAheadFile implements Closeable {
  static final int CHUNK = 1 << 20;
  static final int DEPTH = 4;
  static final long ABANDON_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final long JOIN_MILLIS = 10_000;

  /** The first {@code length} bytes of a buffer of the ring, in file order. */
  static final class Chunk {
    private final byte[] bytes;
    private final int length;

    Chunk(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }

    /** The buffer; its bytes past {@link #length()} are not part of the chunk. */
    byte[] bytes() {
      return bytes;
    }

    int length() {
      return length;
    }
  }

  /** Marks the end of the file (after verification, when verifying). */
  private static final Object END = new Object();

  private final Path file;
  private final @Nullable String digest;
  private final long size;
  private final long abandonAfterNanos;
  private final BlockingQueue<byte[]> free;
  private final BlockingQueue<Object> filled;
  private volatile @Nullable Thread thread; // close() may come from another thread
  private boolean ended;
  private @Nullable Throwable failure; // what ended the read, if not the end of the file
  private volatile boolean closed;

  private ReadAheadFile(
      Path file, @Nullable String digest, long size, int chunkSize, int depth, long abandonAfter) {
    if (chunkSize < 1 || depth < 1) {
      throw new IllegalArgumentException("chunk size and depth must be positive");
    }
    this.file = file;
    this.digest = digest;
    this.size = size;
    this.abandonAfterNanos = abandonAfter;
    this.free = new ArrayBlockingQueue<>(depth);
    this.filled = new ArrayBlockingQueue<>(depth + 1); // the chunks and END or a failure
    for (int i = 0; i < depth; i++) {
      free.add(new byte[chunkSize]);
    }
  }

  /** Reads {@code file} to its end, whatever its size. */
  static ReadAheadFile plain(Path file) {
    return new ReadAheadFile(file, null, -1, CHUNK, DEPTH, ABANDON_AFTER_NANOS);
  }

  /** Reads {@code file}, which must have {@code size} bytes hashing to {@code digest}. */
  static ReadAheadFile verifying(Path file, String digest, long size) {
    return verifying(file, digest, size, CHUNK, DEPTH, ABANDON_AFTER_NANOS);
  }

  /** For tests: smaller buffers, fewer of them, a shorter wait for an abandoned read. */
  static ReadAheadFile verifying(
      Path file, String digest, long size, int chunkSize, int depth, long abandonAfterNanos) {
    return new ReadAheadFile(file, digest, size, chunkSize, depth, abandonAfterNanos);
  }

  /**
   * The next chunk in file order, or null at the end of the file (when verifying: the file had the
   * expected size and digest). Blocks until the reading thread has it.
   *
   * @throws VerifiedFileBody.ContentChangedException the file changed (verifying mode)
   * @throws InterruptedIOException the calling thread was interrupted (its flag stays set)
   * @throws IOException the file could not be read, or this was closed
   */
  @Nullable Chunk next() throws IOException {
    if (closed) {
      throw new IOException("read of " + PathNames.quote(file.toString()) + " closed");
    }
    if (ended) {
      Throwable f = failure;
      if (f == null) {
        return null;
      }
      throw rethrown(f); // a failure stays a failure: a later call never reads as a clean end
    }
    start();
    Object item;
    try {
      item = filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "interrupted while reading " + PathNames.quote(file.toString()));
    }
    if (item instanceof Chunk chunk) {
      return chunk;
    }
    ended = true;
    if (item == END) {
      return null;
    }
    Throwable f = (Throwable) item;
    failure = f;
    throw rethrown(f);
  }

  /** The exception {@link #next()} throws for the reading thread's failure {@code f}. */
  private IOException rethrown(Throwable f) {
    if (f instanceof VerifiedFileBody.ContentChangedException changed) {
      // thrown anew on this thread, so that its stack trace shows the caller
      return new VerifiedFileBody.ContentChangedException(
          Objects.requireNonNullElse(changed.getMessage(), "the file changed"));
    }
    if (f instanceof Error error) {
      throw error;
    }
    return new IOException("cannot read " + PathNames.quote(file.toString()) + ": " + f, f);
  }

  /** Hands {@code chunk}'s buffer back to the reading thread; the chunk must not be used after. */
  void release(Chunk chunk) {
    free.offer(chunk.bytes()); // never full: only buffers taken from it come back
  }

  /** Whether the reading thread is running, for tests. */
  boolean running() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  /** Waits for the reading thread to end, for tests. */
  void awaitEnd() throws InterruptedException {
    Thread t = thread;
    if (t != null) {
      t.join();
    }
  }

  private void start() {
    if (thread == null) {
      Thread t = new Thread(this::run, "mlops4j-s3-read-ahead");
      t.setDaemon(true);
      thread = t;
      t.start();
    }
  }

  /** Stops the reading thread and waits (boundedly) for it to close the file. */
  @Override
  public void close() throws IOException {
    closed = true;
    Thread t = thread;
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    t.interrupt();
    try {
      t.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "interrupted while closing the read of " + PathNames.quote(file.toString()));
    }
  }

  // ---- the reading thread ----

  private void run() {
    Object last;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      String expected = digest;
      last = expected == null ? readAll(ch) : readVerified(ch, expected);
    } catch (InterruptedException | ClosedByInterruptException e) {
      Thread.currentThread().interrupt(); // closed: a reader blocked in next() must not wait on
      last = new IOException("the read was closed while it ran");
    } catch (IOException | RuntimeException | Error e) {
      last = e; // a ContentChangedException too
    }
    filled.offer(last); // there is room: at most depth chunks are in the queue
  }

  /** Hands over every chunk up to the end of the file, then END. */
  private Object readAll(FileChannel ch) throws IOException, InterruptedException {
    while (true) {
      byte[] buffer = takeFree();
      int n = fill(ch, buffer, buffer.length);
      if (n > 0) {
        filled.put(new Chunk(buffer, n));
      }
      if (n < buffer.length) {
        return END;
      }
    }
  }

  /**
   * Hands over the file's chunks, hashed, and the last one only once the file ended at {@code size}
   * with {@code expected} as its SHA-256, then END.
   */
  private Object readVerified(FileChannel ch, String expected)
      throws IOException, InterruptedException {
    MessageDigest md = Sha256.newDigest();
    long position = 0;
    while (true) {
      byte[] buffer = takeFree();
      int want = (int) Math.min(buffer.length, size - position);
      int n = fill(ch, buffer, want);
      if (n < want) {
        throw changed("it ends after " + (position + n) + " of " + size + " bytes");
      }
      md.update(buffer, 0, n);
      position += n;
      if (position == size) {
        if (ch.read(ByteBuffer.allocate(1)) >= 0) {
          throw changed("it is longer than " + size + " bytes");
        }
        String actual = Sha256.hex(md.digest());
        if (!actual.equals(expected)) {
          throw changed("its SHA-256 is now " + actual + ", not " + expected);
        }
        if (n > 0) {
          filled.put(new Chunk(buffer, n)); // the last bytes, now verified
        }
        return END;
      }
      filled.put(new Chunk(buffer, n));
    }
  }

  /** A buffer the caller gave back; fails when it gave none back for too long (abandoned). */
  private byte[] takeFree() throws IOException, InterruptedException {
    byte[] buffer = free.poll(abandonAfterNanos, TimeUnit.NANOSECONDS);
    if (buffer == null) {
      throw new IOException(
          "the read of "
              + PathNames.quote(file.toString())
              + " was given up: no chunk was taken for "
              + TimeUnit.NANOSECONDS.toMillis(abandonAfterNanos)
              + " ms");
    }
    return buffer;
  }

  /** Reads into {@code buffer} until {@code want} bytes or the end of the file; the count read. */
  private static int fill(FileChannel ch, byte[] buffer, int want) throws IOException {
    ByteBuffer target = ByteBuffer.wrap(buffer, 0, want);
    while (target.hasRemaining() && ch.read(target) >= 0) {
      // until full or at the end
    }
    return target.position();
  }

  private VerifiedFileBody.ContentChangedException changed(String how) {
    return new VerifiedFileBody.ContentChangedException(
        "the file "
            + PathNames.quote(file.toString())
            + " changed after it was hashed: "
            + how
            + "; the upload is withheld");
  }
}
