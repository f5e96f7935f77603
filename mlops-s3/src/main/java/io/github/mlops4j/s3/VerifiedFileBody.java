package io.github.mlops4j.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The request body of one PutObject streamed from a file whose SHA-256 and size were computed
 * before: the file is read and hashed again on a thread of its own ({@link ReadAheadFile}), up to
 * four 1 MiB buffers ahead of the SDK's reads, so that the hashing runs beside the SDK's signing
 * and sending instead of between them. The file's last chunk is handed out only after that thread
 * read to the end of the file and compared size and digest; if they differ the read throws {@link
 * ContentChangedException} instead of returning those bytes, so the server never receives a
 * complete body and stores nothing. Each attempt of the request (a retry too) opens the file anew
 * and checks it from its first byte with a fresh reading thread; closing the attempt's stream stops
 * its thread.
 */
final class VerifiedFileBody {
  private VerifiedFileBody() {}

  /** A body of {@code size} bytes of {@code file} that must hash to {@code digest}. */
  static RequestBody of(Path file, String digest, long size, String contentType) {
    return RequestBody.fromContentProvider(() -> new Stream(file, digest, size), size, contentType);
  }

  /** The file no longer has the size or the digest it had when it was hashed. */
  static final class ContentChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    ContentChangedException(String message) {
      super(message);
    }
  }

  /**
   * One attempt's read of the file: a {@link ReadAheadFile} reads and hashes it on a thread of its
   * own, a bounded ring of buffers ahead of the SDK's reads, and hands over the last chunk only
   * after it checked size and digest; this stream copies the chunks out to the SDK. Closing it
   * stops that thread.
   */
  static final class Stream extends InputStream {
    private final ReadAheadFile file;
    private ReadAheadFile.@Nullable Chunk chunk;
    private int offset;
    private boolean ended;
    private boolean closed;

    Stream(Path file, String digest, long size) {
      this(ReadAheadFile.verifying(file, digest, size));
    }

    Stream(ReadAheadFile file) {
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("stream closed");
      }
      if (len == 0) {
        return 0;
      }
      ReadAheadFile.Chunk current = current();
      if (current == null) {
        return -1;
      }
      int n = Math.min(len, current.length() - offset);
      System.arraycopy(current.bytes(), offset, b, off, n);
      offset += n;
      return n;
    }

    /** The chunk with bytes left to hand out, or null at the (verified) end. */
    private ReadAheadFile.@Nullable Chunk current() throws IOException {
      ReadAheadFile.Chunk current = chunk;
      if (current != null && offset < current.length()) {
        return current;
      }
      if (current != null) {
        chunk = null;
        file.release(current);
      }
      if (ended) {
        return null;
      }
      current = file.next();
      if (current == null) {
        ended = true;
        file.close();
        return null;
      }
      chunk = current;
      offset = 0;
      return current;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        chunk = null;
        file.close();
      }
    }
  }
}
