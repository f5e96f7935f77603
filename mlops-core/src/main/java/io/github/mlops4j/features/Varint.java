package io.github.mlops4j.features;

/** Unsigned LEB128 for non-negative ints. */
final class Varint {
  private Varint() {}

  static int size(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  static int write(byte[] out, int p, int v) {
    while ((v & ~0x7F) != 0) {
      out[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }

  /** Reads at {@code pos[0]} and advances it. */
  static int read(byte[] in, int[] pos) {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos[0] >= in.length) {
        throw new IllegalArgumentException("Truncated varint");
      }
      byte b = in[pos[0]++];
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (result < 0) {
          throw new IllegalArgumentException("Varint out of range");
        }
        return result;
      }
    }
    throw new IllegalArgumentException("Varint too long");
  }
}
