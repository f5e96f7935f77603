package io.github.mlops4j.artifacts;

import io.github.mlops4j.artifacts.EncryptedArtifactStore.Opened;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import org.jspecify.annotations.Nullable;

/**
 * The plaintext of one {@link EncryptedArtifactStore} object, one authenticated segment at a time:
 * the header is checked on the first read, a segment's bytes are handed out only after its tag
 * matched, and any failure is kept and thrown again on every later read.
 */
final class DecryptingInputStream extends InputStream {
  private final EncryptedArtifactStore store;
  private final String digest;
  private final Path headerFile;

  private @Nullable Opened opened;
  private @Nullable InputStream data;
  private @Nullable Cipher cipher;
  private byte[] sealed = new byte[0];
  private byte[] plain = new byte[0];
  private int position;
  private int limit;
  private long nextSegment;
  private boolean finished;
  private boolean closed;
  private @Nullable RuntimeException failure;

  DecryptingInputStream(EncryptedArtifactStore store, String digest, Path headerFile) {
    this.store = store;
    this.digest = digest;
    this.headerFile = headerFile;
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
    if (failure != null) {
      throw failure;
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
    } catch (RuntimeException e) {
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
   * Reads, authenticates and decrypts the next segment. When the caller's buffer holds the whole
   * segment's plaintext, it is decrypted straight into it (one copy less per byte) and the length
   * is returned; otherwise it goes to the internal buffer and -1 is returned (also for an empty
   * segment). Either way no byte reaches the caller before the segment's tag matched.
   */
  private int nextSegment(byte[] b, int off, int len) throws IOException {
    Opened o = opened;
    if (o == null) {
      o = start();
    }
    InputStream in = Objects.requireNonNull(data);
    Cipher c = Objects.requireNonNull(cipher);
    long segments = o.header().segments();
    int segmentSize = o.header().segmentSize();
    boolean last = nextSegment == segments - 1;
    int plainLength =
        last ? (int) (o.header().size() - (segments - 1) * (long) segmentSize) : segmentSize;
    int sealedLength = plainLength + EncryptedFormat.TAG_BYTES;
    int n = in.readNBytes(sealed, 0, sealedLength);
    if (n < sealedLength) {
      throw EncryptedArtifactStore.corrupted(
          digest, o.data(), "its data is truncated in segment " + nextSegment + " of " + segments);
    }
    boolean direct = len >= plainLength;
    int produced;
    try {
      c.init(Cipher.DECRYPT_MODE, o.dataKey(), EncryptedFormat.segmentNonce(nextSegment, last));
      produced =
          direct
              ? c.doFinal(sealed, 0, sealedLength, b, off)
              : c.doFinal(sealed, 0, sealedLength, plain(), 0);
    } catch (AEADBadTagException e) {
      if (direct) {
        Arrays.fill(b, off, off + plainLength, (byte) 0); // nothing unauthenticated left behind
      }
      throw EncryptedArtifactStore.corrupted(
          digest,
          o.data(),
          "segment "
              + nextSegment
              + " of "
              + segments
              + " fails authentication (changed, reordered or swapped ciphertext)");
    } catch (GeneralSecurityException e) {
      throw EncryptedArtifactStore.corrupted(
          digest, o.data(), "segment " + nextSegment + " cannot be decrypted (" + e + ")");
    }
    nextSegment++;
    if (last) {
      if (in.read() >= 0) {
        throw EncryptedArtifactStore.corrupted(
            digest, o.data(), "its data continues after the last segment");
      }
      finished = true;
    }
    position = 0;
    if (direct) {
      limit = 0;
      return produced > 0 ? produced : -1; // an empty segment: the caller's loop sees the end
    }
    limit = produced;
    return -1;
  }

  /** The buffer for segments the caller's buffer cannot take whole; allocated on first use. */
  private byte[] plain() {
    if (plain.length == 0) {
      plain = new byte[sealed.length];
    }
    return plain;
  }

  private Opened start() throws IOException {
    Opened o = store.openHeader(digest, headerFile);
    FileChannel channel;
    try {
      channel = FileChannel.open(o.data(), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ArtifactNotFoundException(digest, o.data().toString()); // header without data
    }
    data = Channels.newInputStream(channel);
    long length = channel.size();
    if (length != o.header().dataLength()) {
      throw EncryptedArtifactStore.corrupted(
          digest,
          o.data(),
          "its data file has "
              + length
              + " bytes where "
              + o.header().dataLength()
              + " were written (truncated or extended)");
    }
    try {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available in this JVM", e);
    }
    sealed = new byte[o.header().segmentSize() + EncryptedFormat.TAG_BYTES];
    opened = o;
    return o;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    InputStream in = data;
    if (in != null) {
      in.close();
    }
  }
}
