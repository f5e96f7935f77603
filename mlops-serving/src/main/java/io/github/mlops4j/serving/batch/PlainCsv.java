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
    for (int p = from; p < to; p++) {
      if (data[p] < 0) {
        return ChunkScorer.parseDouble(text(data, from, to));
      }
    }
    return JavaDoubleParser.parseDouble(data, from, to - from);
  }
}
