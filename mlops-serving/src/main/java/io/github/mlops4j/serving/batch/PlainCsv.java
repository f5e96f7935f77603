package io.github.mlops4j.serving.batch;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.nio.charset.StandardCharsets;

/**
 * The fast path of CSV input for chunks whose records hold no quote and no carriage return ("plain"
 * records, the common case for numeric data). Such a record parses into its fields by splitting at
 * every comma, exactly as the CSV parser ({@link ChunkScorer#parseCsvStrict}) reads it, so the
 * fields are found without the parser and without a {@code String} per numeric cell: numbers are
 * parsed from the UTF-8 bytes. A chunk that is not plain takes the CSV parser's path; the results
 * are the same either way ({@code PlainCsvProperties} checks it).
 */
final class PlainCsv {
  private PlainCsv() {}

  /**
   * True if every record of the chunk is plain: no {@code '"'}, no {@code '\r'}, and no field that
   * starts with a space, a tab or another control character (the CSV parser drops such leading
   * bytes while it looks for an opening quote; a record that holds one takes its path, which also
   * covers blank and empty records).
   */
  static boolean isPlain(RecordSplitter.Chunk chunk) {
    byte[] data = chunk.data();
    int[] starts = chunk.starts();
    int[] ends = chunk.ends();
    for (int i = 0; i < chunk.count(); i++) {
      if (!isPlain(data, starts[i], ends[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * True if the record {@code data[from, to)} is plain (see {@link
   * #isPlain(RecordSplitter.Chunk)}).
   */
  static boolean isPlain(byte[] data, int from, int to) {
    if (from == to) {
      return false; // an empty line, which the parser skips
    }
    boolean fieldStart = true;
    for (int p = from; p < to; p++) {
      byte b = data[p];
      if (b == '"' || b == '\r' || (fieldStart && b >= 0 && b <= ' ')) {
        return false;
      }
      fieldStart = b == ',';
    }
    return true;
  }

  /**
   * Splits the plain record {@code data[from, to)} at its commas into fields: field {@code k} is
   * {@code data[fieldFrom[k], fieldTo[k])}. Returns the number of fields, which may exceed the
   * arrays' length (then only the first {@code fieldFrom.length} are stored).
   */
  static int split(byte[] data, int from, int to, int[] fieldFrom, int[] fieldTo) {
    int n = 0;
    int start = from;
    for (int p = from; p < to; p++) {
      if (data[p] == ',') {
        if (n < fieldFrom.length) {
          fieldFrom[n] = start;
          fieldTo[n] = p;
        }
        n++;
        start = p + 1;
      }
    }
    if (n < fieldFrom.length) {
      fieldFrom[n] = start;
      fieldTo[n] = to;
    }
    return n + 1;
  }

  /** The field's text (valid UTF-8: the chunk was checked). */
  static String text(byte[] data, int from, int to) {
    return new String(data, from, to - from, StandardCharsets.UTF_8);
  }

  /**
   * Parses a field as {@link ChunkScorer#parseDouble} parses its text ({@link Double#parseDouble}'s
   * syntax and result): straight from the bytes when they are all ASCII, else through the text.
   *
   * @throws NumberFormatException if the field is not a number
   */
  static double parseReal(byte[] data, int from, int to) {
    double shortDecimal = shortDecimal(data, from, to);
    if (!Double.isNaN(shortDecimal)) {
      return shortDecimal;
    }
    for (int p = from; p < to; p++) {
      if (data[p] < 0) {
        return ChunkScorer.parseDouble(text(data, from, to));
      }
    }
    return JavaDoubleParser.parseDouble(data, from, to - from);
  }

  /** The most digits {@link #shortDecimal} takes: every such integer is exact as a double. */
  static final int SHORT_DIGITS = 15;

  /** {@code 10^k} for {@code k <= SHORT_DIGITS}, each exact as a double. */
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
  };

  /**
   * The value of a field of the form {@code [+-]? digits? ('.' digits?)?} with 1 to {@value
   * #SHORT_DIGITS} digits in all (the common form of numeric data, such as {@code -0.5123}), or NaN
   * for any other field (which {@link #parseReal} then parses in full). Such a field is {@code m /
   * 10^k} with {@code m < 2^53} and {@code k <= 15}: both are exact doubles, so one division rounds
   * it correctly (Clinger's fast path), which is what {@link Double#parseDouble} gives.
   */
  static double shortDecimal(byte[] data, int from, int to) {
    int p = from;
    boolean negative = false;
    if (p < to && (data[p] == '-' || data[p] == '+')) {
      negative = data[p] == '-';
      p++;
    }
    long m = 0;
    int digits = 0;
    int fractionDigits = 0;
    boolean dot = false;
    for (; p < to; p++) {
      int b = data[p];
      if (b >= '0' && b <= '9') {
        if (++digits > SHORT_DIGITS) {
          return Double.NaN;
        }
        m = m * 10 + (b - '0');
        if (dot) {
          fractionDigits++;
        }
      } else if (b == '.' && !dot) {
        dot = true;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    double v = (double) m / POWERS_OF_TEN[fractionDigits];
    return negative ? -v : v;
  }
}
