package io.github.mlops4j.s3;

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

/**
 * The reference for {@link VerifiedFileBody.Stream}: the single-threaded body it replaced, which
 * hashes the file as it is read on the caller's thread and withholds the bytes of the read that
 * reaches the end until size and digest are checked.
 */
final class InlineVerifiedStream extends InputStream {
  private final Path file;
  private final String digest;
  private final long size;
  private final MessageDigest md = Sha256.newDigest();
  private @Nullable FileChannel channel;
  private long position;
  private boolean verified;

  InlineVerifiedStream(Path file, String digest, long size) {
    this.size = size;
    this.digest = digest;
    this.file = file;
  }

  @Override
  public int read() throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    int n = read(one.array(), 0, 1);
    return n == 1 ? Byte.toUnsignedInt(one.get(0)) : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (verified || len == 0) {
      return verified && len > 0 ? -1 : 0;
    }
    FileChannel ch = channel();
    if (position == size) {
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
      throw new VerifiedFileBody.ContentChangedException("ends early");
    }
    md.update(b, off, n);
    position += n;
    if (position == size) {
      verifyEnd(ch);
    }
    return n;
  }

  private void verifyEnd(FileChannel ch) throws IOException {
    if (ch.read(ByteBuffer.allocate(1)) >= 0) {
      throw new VerifiedFileBody.ContentChangedException("longer");
    }
    if (!Sha256.hex(md.digest()).equals(digest)) {
      throw new VerifiedFileBody.ContentChangedException("other digest");
    }
    verified = true;
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
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      ch.close();
    }
  }
}
