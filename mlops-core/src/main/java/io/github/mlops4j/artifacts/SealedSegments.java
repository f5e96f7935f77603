package io.github.mlops4j.artifacts;

import io.github.mlops4j.artifacts.EncryptedArtifactStore.Opened;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * The segments of one object's data file, read, authenticated and decrypted in order. Used by one
 * thread at a time (the reader's, or the read-ahead worker's once it has been handed over).
 */
final class SealedSegments implements Closeable {
  private final String digest;
  private final EncryptedArtifactStore store;
  private final Opened opened;
  private final InputStream data;
  private final byte[] sealed;
  private final long segments;
  private long next;

  private SealedSegments(
      EncryptedArtifactStore store, String digest, Opened opened, InputStream data) {
    this.store = store;
    this.digest = digest;
    this.opened = opened;
    this.data = data;
    this.sealed = new byte[opened.header().segmentSize() + EncryptedFormat.TAG_BYTES];
    this.segments = opened.header().segments();
  }

  /**
   * Authenticates the header of {@code digest}, unwraps its data key and opens its segments, whose
   * length must be the one the header says: after the header slots in a version-2 object's file, or
   * in a version-1 object's data file.
   */
  static SealedSegments open(EncryptedArtifactStore store, String digest, Path file)
      throws IOException {
    FileChannel channel = EncryptedArtifactStore.openObjectFile(digest, file);
    Opened o;
    try {
      o = store.openHeader(digest, file, channel);
      if (o.header().version() == 1) {
        channel.close();
        try {
          channel = FileChannel.open(o.data(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          throw new ArtifactNotFoundException(digest, o.data().toString()); // header without data
        }
      }
      long length = channel.size() - o.offset();
      if (length != o.header().dataLength()) {
        throw EncryptedArtifactStore.corrupted(
            digest,
            o.data(),
            "its segments have "
                + length
                + " bytes where "
                + o.header().dataLength()
                + " were written (truncated or extended)");
      }
      channel.position(o.offset());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new SealedSegments(store, digest, o, Channels.newInputStream(channel));
  }

  long segments() {
    return segments;
  }

  /** The plaintext size of the object. */
  long size() {
    return opened.header().size();
  }

  int segmentSize() {
    return opened.header().segmentSize();
  }

  boolean hasNext() {
    return next < segments;
  }

  boolean nextIsLast() {
    return next == segments - 1;
  }

  /** The plaintext length of the next segment. */
  int nextLength() {
    return nextIsLast()
        ? (int) (opened.header().size() - (segments - 1) * (long) segmentSize())
        : segmentSize();
  }

  /**
   * Reads, authenticates and decrypts the next segment into {@code out} from {@code off}, which
   * must have room for {@link #nextLength()} bytes, and returns its length. If the tag does not
   * match, that range of {@code out} is zeroed (no unauthenticated byte left behind) and {@link
   * ArtifactCorruptedException} is thrown. After the last segment, the file must end.
   */
  int open(byte[] out, int off) throws IOException {
    boolean last = nextIsLast();
    int plainLength = nextLength();
    int sealedLength = plainLength + EncryptedFormat.TAG_BYTES;
    int n = data.readNBytes(sealed, 0, sealedLength);
    if (n < sealedLength) {
      throw EncryptedArtifactStore.corrupted(
          digest, opened.data(), "its data is truncated in segment " + next + " of " + segments);
    }
    int produced;
    try {
      Cipher cipher = store.cipher(); // the cipher of the thread that reads now
      cipher.init(Cipher.DECRYPT_MODE, opened.dataKey(), EncryptedFormat.segmentNonce(next, last));
      produced = cipher.doFinal(sealed, 0, sealedLength, out, off);
    } catch (AEADBadTagException e) {
      Arrays.fill(out, off, off + plainLength, (byte) 0); // nothing unauthenticated left behind
      throw EncryptedArtifactStore.corrupted(
          digest,
          opened.data(),
          "segment "
              + next
              + " of "
              + segments
              + " fails authentication (changed, reordered or swapped ciphertext)");
    } catch (GeneralSecurityException e) {
      throw EncryptedArtifactStore.corrupted(
          digest, opened.data(), "segment " + next + " cannot be decrypted (" + e + ")");
    }
    next++;
    if (last && data.read() >= 0) {
      throw EncryptedArtifactStore.corrupted(
          digest, opened.data(), "its data continues after the last segment");
    }
    return produced;
  }

  @Override
  public void close() throws IOException {
    data.close();
  }
}
