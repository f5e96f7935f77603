package io.github.mlops4j.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The plaintext of one {@link EncryptedArtifactStore} object, one authenticated segment at a time:
 * the header is checked on the first read, a segment's bytes are handed out only after its tag
 * matched, the end is reported only after the segment sealed as last and once exactly the header's
 * plaintext size has been handed out, and any failure is kept and thrown again on every later read.
 * No SHA-256 of the plaintext is taken: {@link EncryptedArtifactStore} explains why the tags make
 * it redundant.
 *
 * <p>An object of at least {@link #PIPELINE_MIN_SEGMENTS} segments and more than the store's
 * {@linkplain EncryptedArtifactStore#pipelineMinBytes() pipeline threshold} of plaintext is
 * decrypted ahead of the reader by a {@link ReadAhead} worker of the store's executor, so that
 * decryption on one core overlaps with whatever the reader does with the bytes. A smaller object,
 * or one opened when the executor refuses more work, is read on the caller's thread alone,
 * decrypting straight into the caller's buffer when it holds a whole segment.
 */
final class DecryptingInputStream extends InputStream {
  /** The fewest segments an object has for its segments to be decrypted on a second thread. */
  static final int PIPELINE_MIN_SEGMENTS = 3;

  /** How long {@link #close()} waits for the read-ahead worker to stop. */
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private final EncryptedArtifactStore store;
  private final String digest;
  private final Path headerFile;
  private final @Nullable Executor executor;

  private @Nullable SealedSegments segments;
  private @Nullable ReadAhead ahead;
  private byte[] plain = new byte[0];
  private byte @Nullable [] held;
  private int position;
  private int limit;
  private long produced;
  private boolean finished;
  private boolean closed;
  private @Nullable Exception failure;

  DecryptingInputStream(
      EncryptedArtifactStore store, String digest, Path headerFile, @Nullable Executor executor) {
    this.store = store;
    this.digest = digest;
    this.headerFile = headerFile;
    this.executor = executor;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    Exception failed = failure;
    if (failed != null) {
      if (failed instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) failed;
    }
    if (len == 0) {
      return 0;
    }
    try {
      while (position == limit) {
        if (finished) {
          return -1;
        }
        int direct = nextSegment(b, off, len);
        if (direct >= 0) {
          return direct;
        }
      }
    } catch (IOException | RuntimeException e) {
      failure = e;
      throw e;
    }
    int n = Math.min(len, limit - position);
    System.arraycopy(plain, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return limit - position;
  }

  /**
   * Makes the next segment current. On the caller's thread, when the caller's buffer holds the
   * whole segment's plaintext, it is decrypted straight into it (one copy less per byte) and the
   * length is returned; otherwise it goes to the internal buffer and -1 is returned (also for an
   * empty segment). Either way no byte reaches the caller before the segment's tag matched.
   */
  private int nextSegment(byte[] b, int off, int len) throws IOException {
    SealedSegments s = segments;
    if (s == null) {
      s = start();
    }
    ReadAhead a = ahead;
    if (a != null) {
      ReadAhead.Chunk chunk = a.next(held);
      held = chunk.bytes();
      finished = chunk.last();
      count(s, chunk.length());
      plain = chunk.bytes();
      position = 0;
      limit = chunk.length();
      return -1;
    }
    boolean last = s.nextIsLast();
    boolean direct = len >= s.nextLength();
    int opened = direct ? s.open(b, off) : s.open(plain(s), 0);
    finished = last;
    if (last) {
      s.close();
    }
    count(s, opened);
    position = 0;
    if (direct) {
      limit = 0;
      return opened > 0 ? opened : -1; // an empty segment: the caller's loop sees the end
    }
    limit = opened;
    return -1;
  }

  /**
   * Adds a segment's plaintext to the count and, at the last segment, checks that the count is the
   * header's size. The segments' lengths follow from that authenticated size, so this holds for
   * every object whose segments authenticated; it guards the end of the stream all the same.
   */
  private void count(SealedSegments s, int length) {
    produced += length;
    if (finished && produced != s.size()) {
      throw EncryptedArtifactStore.corrupted(
          digest,
          headerFile,
          "its segments hold " + produced + " bytes where the header says " + s.size());
    }
  }

  /** The buffer for segments the caller's buffer cannot take whole; allocated on first use. */
  private byte[] plain(SealedSegments s) {
    if (plain.length == 0) {
      plain = new byte[s.segmentSize()];
    }
    return plain;
  }

  private SealedSegments start() throws IOException {
    SealedSegments s = SealedSegments.open(store, digest, headerFile);
    segments = s;
    Executor e = executor;
    if (e != null && s.segments() >= PIPELINE_MIN_SEGMENTS && s.size() > store.pipelineMinBytes()) {
      ahead = ReadAhead.start(e, s, this); // from here on the worker alone uses s
    }
    return s;
  }

  /**
   * Closes the data file; a read-ahead worker is stopped first, and waited for (it closes the file
   * itself when it stops).
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    ReadAhead a = ahead;
    if (a != null) {
      a.stopAndAwait(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return;
    }
    SealedSegments s = segments;
    if (s != null) {
      s.close();
    }
  }
}
