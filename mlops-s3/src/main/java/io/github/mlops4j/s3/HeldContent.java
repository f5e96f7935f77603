package io.github.mlops4j.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Content held in memory as a list of chunks, read with large reads and never copied again: what
 * {@code InputStream.readNBytes(int)} would do with 8 KiB reads, a growing list of buffers and a
 * final copy into one array.
 */
final class HeldContent {
  static final int CHUNK = 1 << 20;

  private final List<byte[]> chunks;
  private final long size;

  private HeldContent(List<byte[]> chunks, long size) {
    this.chunks = chunks;
    this.size = size;
  }

  /**
   * Reads {@code in} until it ends or {@code max} bytes are held. Memory grows with the content
   * (one chunk at a time), not with {@code max}.
   */
  static HeldContent read(InputStream in, long max) throws IOException {
    List<byte[]> chunks = new ArrayList<>();
    long size = 0;
    boolean ended = false;
    while (!ended && size < max) {
      byte[] chunk = new byte[(int) Math.min(CHUNK, max - size)];
      int n = 0;
      while (n < chunk.length) {
        int r = in.read(chunk, n, chunk.length - n);
        if (r < 0) {
          ended = true;
          break;
        }
        n += r;
      }
      if (n > 0) {
        chunks.add(n == chunk.length ? chunk : Arrays.copyOf(chunk, n));
        size += n;
      }
    }
    return new HeldContent(chunks, size);
  }

  long size() {
    return size;
  }

  void update(MessageDigest md) {
    for (byte[] chunk : chunks) {
      md.update(chunk);
    }
  }

  /** A fresh stream over the content; each call starts at the first byte (for retries). */
  InputStream stream() {
    List<InputStream> parts = new ArrayList<>(chunks.size());
    for (byte[] chunk : chunks) {
      parts.add(new ByteArrayInputStream(chunk));
    }
    return new SequenceInputStream(Collections.enumeration(parts));
  }
}
