package io.github.mlops4j.s3;

import io.github.mlops4j.artifacts.internal.PathNames;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The request body of one PutObject streamed from a file whose SHA-256 and size were computed
 * before: the body is hashed as the SDK reads it, and the read that would hand out the file's last
 * bytes first reads to the end of the file and compares size and digest. If they differ it throws
 * {@link ContentChangedException} instead of returning those bytes, so the server never receives a
 * complete body and stores nothing. Each attempt of the request (a retry too) opens the file anew
 * and checks it from its first byte; nothing is held in memory beyond the SDK's own buffer.
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

  /** One attempt's read of the file; opened on the first read, so that failures are I/O errors. */
  static final class Stream extends InputStream {
    private final Path file;
    private final String digest;
    private final long size;
    private final MessageDigest md = Sha256.newDigest();
    private @Nullable FileChannel channel;
    private long position;
    private boolean verified;
    private boolean closed;

    Stream(Path file, String digest, long size) {
      this.file = file;
      this.digest = digest;
      this.size = size;
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
      if (verified) {
        return -1;
      }
      FileChannel ch = channel();
      if (position == size) { // empty content
        verifyEnd(ch);
        return -1;
      }
      int want = (int) Math.min(len, size - position);
      ByteBuffer target = ByteBuffer.wrap(b, off, want);
      int n;
      do {
        n = ch.read(target);
      } while (n == 0);
      if (n < 0) {
        throw changed("it ends after " + position + " of " + size + " bytes");
      }
      md.update(b, off, n);
      position += n;
      if (position == size) {
        verifyEnd(ch); // before the last bytes are handed out
      }
      return n;
    }

    private void verifyEnd(FileChannel ch) throws IOException {
      if (ch.read(ByteBuffer.allocate(1)) >= 0) {
        throw changed("it is longer than " + size + " bytes");
      }
      String actual = Sha256.hex(md.digest());
      if (!actual.equals(digest)) {
        throw changed("its SHA-256 is now " + actual + ", not " + digest);
      }
      verified = true;
    }

    private ContentChangedException changed(String how) {
      return new ContentChangedException(
          "the file "
              + PathNames.quote(file.toString())
              + " changed after it was hashed: "
              + how
              + "; the upload is withheld");
    }

    private FileChannel channel() throws IOException {
      FileChannel ch = channel;
      if (ch == null) {
        ch = FileChannel.open(file, StandardOpenOption.READ);
        channel = ch;
      }
      return ch;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      FileChannel ch = channel;
      channel = null;
      if (ch != null) {
        ch.close();
      }
    }
  }
}
