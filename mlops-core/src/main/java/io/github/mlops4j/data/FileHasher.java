package io.github.mlops4j.data;

import static java.nio.file.StandardOpenOption.READ;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Streams a file through SHA-256 with one reusable 1 MiB buffer, optionally counting newline bytes
 * in the same pass. Not thread-safe: each hashing thread owns one.
 */
final class FileHasher {
  static final int BUFFER_SIZE = 1 << 20;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A_0A0A_0A0A_0A0AL;
  private static final long LOW_SEVEN = 0x7F7F_7F7F_7F7F_7F7FL;

  private final byte[] buffer;
  private final ByteBuffer view;
  private final MessageDigest md = Sha256.newDigest();

  FileHasher() {
    this(BUFFER_SIZE);
  }

  /** A hasher reading {@code bufferSize} bytes at a time (tests use tiny chunks). */
  FileHasher(int bufferSize) {
    Checks.atLeast(bufferSize, 1, "bufferSize");
    this.buffer = new byte[bufferSize];
    this.view = ByteBuffer.wrap(buffer);
  }

  /** Hashes {@code file}; counts its lines too when {@code countLines}. */
  FileDigest hash(Path file, boolean countLines) throws IOException {
    md.reset();
    long size = 0;
    long newlines = 0;
    byte last = '\n';
    try (FileChannel channel = FileChannel.open(file, READ)) {
      int n;
      while ((n = channel.read(view.clear())) >= 0) {
        if (n == 0) {
          continue;
        }
        md.update(buffer, 0, n);
        if (countLines) {
          newlines += countNewlines(buffer, 0, n);
          last = buffer[n - 1];
        }
        size += n;
      }
    }
    long lines = countLines ? newlines + (last == '\n' ? 0 : 1) : -1;
    return new FileDigest(Sha256.hex(md.digest()), size, lines);
  }

  /**
   * Counts {@code '\n'} bytes in {@code bytes[offset, offset + length)}, eight bytes at a time from
   * {@code offset} (whatever its alignment), then one by one.
   */
  static long countNewlines(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    int end = offset + length;
    long count = 0;
    int i = offset;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      long x = (long) LONGS.get(bytes, i) ^ NEWLINES; // a zero byte where there was a '\n'
      // The high bit of each byte of t is set exactly when that byte of x is zero (no carries
      // cross byte boundaries: (x & 0x7F) + 0x7F <= 0xFE).
      long t = ~(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN);
      count += Long.bitCount(t);
    }
    for (; i < end; i++) {
      if (bytes[i] == '\n') {
        count++;
      }
    }
    return count;
  }
}
