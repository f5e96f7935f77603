package io.github.mlops4j.serving.batch;

/**
 * Strict UTF-8 validation of raw records, so that a record that is not text is rejected instead of
 * being decoded into broken characters (Jackson's CSV and JSON parsers decode some invalid
 * sequences, such as a lead byte above {@code F4}, into unpaired surrogates, which no UTF-8 writer
 * can write back). Accepts exactly the well-formed byte sequences of the Unicode standard (table
 * 3-7): no overlong forms, no encoded surrogates, nothing above U+10FFFF.
 */
final class Utf8 {
  private Utf8() {}

  /** The offset of the first byte of {@code data[from, to)} that is not valid UTF-8, or -1. */
  static int firstInvalid(byte[] data, int from, int to) {
    int i = from;
    while (i < to) {
      int b = data[i];
      if (b >= 0) { // ASCII: the common case
        i++;
        continue;
      }
      b &= 0xFF;
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) {
          lo = 0xA0; // no overlong 3-byte forms
        } else if (b == 0xED) {
          hi = 0x9F; // no surrogates
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) {
          lo = 0x90; // no overlong 4-byte forms
        } else if (b == 0xF4) {
          hi = 0x8F; // nothing above U+10FFFF
        }
      } else {
        return i; // a continuation byte, C0, C1 or F5..FF
      }
      if (to - i <= need) {
        return i; // truncated sequence
      }
      int second = data[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int c = data[i + k] & 0xFF;
        if (c < 0x80 || c > 0xBF) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }
}
