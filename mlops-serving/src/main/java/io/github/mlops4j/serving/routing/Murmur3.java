package io.github.mlops4j.serving.routing;

/**
 * MurmurHash3 x86 32-bit (Austin Appleby, public domain) over a string's UTF-16 code units taken as
 * little-endian bytes, without allocating.
 */
final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  static int hashChars(CharSequence s) {
    int h = 0;
    int n = s.length();
    int i = 1;
    for (; i < n; i += 2) {
      int k = s.charAt(i - 1) | (s.charAt(i) << 16);
      h = mixH(h, mixK(k));
    }
    if ((n & 1) == 1) {
      h ^= mixK(s.charAt(n - 1));
    }
    return fmix(h, 2 * n);
  }

  private static int mixK(int k) {
    k *= C1;
    k = Integer.rotateLeft(k, 15);
    return k * C2;
  }

  private static int mixH(int h, int k) {
    h ^= k;
    h = Integer.rotateLeft(h, 13);
    return h * 5 + 0xe6546b64;
  }

  private static int fmix(int h, int length) {
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
