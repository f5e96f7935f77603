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
   * The fields of every record of a chunk, found in one pass over its bytes that also finds whether
   * every record is plain (no {@code '"'}, no {@code '\r'}, and no field that starts with a space,
   * a tab or another control character: the CSV parser drops such leading bytes while it looks for
   * an opening quote, so a record that holds one takes its path, which also covers blank and empty
   * records) and whether every byte is ASCII (then every record is valid UTF-8). A plain record's
   * fields are its bytes split at every comma. One instance per worker, reused chunk after chunk
   * (not thread-safe). {@code PlainCsvProperties} checks it against a plain check, a split per
   * record and a UTF-8 check done one after the other.
   */
  static final class Fields {
    /** The end (exclusive) of each field, record after record. */
    private int[] fieldEnds = new int[0];

    /** The index in {@link #fieldEnds} of each record's first field, and the total after them. */
    private int[] firstField = new int[1];

    private boolean ascii;

    /**
     * Finds the fields of every record of {@code chunk}; returns whether every record is plain.
     * Only after it returned true may {@link #fields} and {@link #ascii} be asked.
     */
    boolean scan(RecordSplitter.Chunk chunk) {
      byte[] data = chunk.data();
      int[] starts = chunk.starts();
      int[] ends = chunk.ends();
      int count = chunk.count();
      if (firstField.length < count + 1) {
        firstField = new int[count + 1];
      }
      // a record of L bytes has at most L + 1 fields
      int most = chunk.dataLength() + count;
      if (fieldEnds.length < most) {
        fieldEnds = new int[most];
      }
      int[] out = fieldEnds;
      int k = 0;
      boolean nonAscii = false;
      for (int i = 0; i < count; i++) {
        int from = starts[i];
        int to = ends[i];
        if (from == to) {
          return false; // an empty line, which the parser skips
        }
        firstField[i] = k;
        boolean fieldStart = true;
        for (int p = from; p < to; p++) {
          byte b = data[p];
          if (b > '"') { // digits, letters, '.', '-', '+' and the comma: the common bytes
            if (b == ',') {
              out[k++] = p;
              fieldStart = true;
            } else {
              fieldStart = false;
            }
          } else if (b < 0) {
            nonAscii = true;
            fieldStart = false;
          } else if (b == '"' || b == '\r' || (fieldStart && b <= ' ')) {
            return false;
          } else {
            fieldStart = false;
          }
        }
        out[k++] = to;
      }
      firstField[count] = k;
      ascii = !nonAscii;
      return true;
    }

    /** Whether every byte of the chunk last {@linkplain #scan scanned} is ASCII. */
    boolean ascii() {
      return ascii;
    }

    /**
     * The fields of record {@code record} (which starts at {@code recordStart}) of the chunk last
     * {@linkplain #scan scanned}, without reading its bytes again: field {@code k} is {@code
     * data[fieldFrom[k], fieldTo[k])}. Returns the number of fields, which may exceed the arrays'
     * length (then only the first {@code fieldFrom.length} are stored).
     */
    int fields(int record, int recordStart, int[] fieldFrom, int[] fieldTo) {
      int first = firstField[record];
      int n = firstField[record + 1] - first;
      int stored = Math.min(n, fieldFrom.length);
      int start = recordStart;
      for (int f = 0; f < stored; f++) {
        int end = fieldEnds[first + f];
        fieldFrom[f] = start;
        fieldTo[f] = end;
        start = end + 1;
      }
      return n;
    }
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
    // the integer digits, then the fraction digits, each run in a loop of its own (more than
    // SHORT_DIGITS digits may overflow m: such a field is refused below, whatever m holds)
    long m = 0;
    int intStart = p;
    int d;
    while (p < to && (d = data[p] - '0') >= 0 && d <= 9) {
      m = m * 10 + d;
      p++;
    }
    int digits = p - intStart;
    int fractionDigits = 0;
    if (p < to && data[p] == '.') {
      int fractionStart = ++p;
      while (p < to && (d = data[p] - '0') >= 0 && d <= 9) {
        m = m * 10 + d;
        p++;
      }
      fractionDigits = p - fractionStart;
      digits += fractionDigits;
    }
    if (p != to || digits == 0 || digits > SHORT_DIGITS) {
      return Double.NaN;
    }
    double v = (double) m / POWERS_OF_TEN[fractionDigits];
    return negative ? -v : v;
  }
}
