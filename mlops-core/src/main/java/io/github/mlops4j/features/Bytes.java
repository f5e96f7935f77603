package io.github.mlops4j.features;

/** Big-endian fixed-width integers and hex, for the persisted formats. */
final class Bytes {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Bytes() {}

  static int putLong(byte[] out, int p, long v) {
    for (int i = 7; i >= 0; i--) {
      out[p + i] = (byte) v;
      v >>>= 8;
    }
    return p + 8;
  }

  static long getLong(byte[] in, int p) {
    if (p + 8 > in.length) {
      throw new IllegalArgumentException("Truncated 64-bit value");
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (in[p + i] & 0xFF);
    }
    return v;
  }

  static int putInt(byte[] out, int p, int v) {
    for (int i = 3; i >= 0; i--) {
      out[p + i] = (byte) v;
      v >>>= 8;
    }
    return p + 4;
  }

  static int getInt(byte[] in, int p) {
    if (p + 4 > in.length) {
      throw new IllegalArgumentException("Truncated 32-bit value");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (in[p + i] & 0xFF);
    }
    return v;
  }

  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }

  static byte[] fromHex(String hex) {
    String s = hex.replaceAll("\\s+", "");
    if (s.length() % 2 != 0) {
      throw new IllegalArgumentException("Odd number of hex digits");
    }
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
