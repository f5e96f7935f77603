package io.github.mlops4j.serving.batch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Cuts the input into raw records without parsing their fields, so that parsing can happen on the
 * worker threads. For CSV a record ends at a line break outside a quoted field (RFC 4180 quoting,
 * as the CSV parser reads it: a quote opens a quoted field only at the start of a field, and {@code
 * ""} inside it is an escaped quote); for JSON Lines at every line break. Blank lines are skipped.
 * Each record is copied into the chunk followed by one {@code '\n'} (a {@code "\r\n"} ending
 * becomes {@code '\n'}), so a chunk's bytes are themselves a valid CSV / JSON Lines text.
 */
final class RecordSplitter {
  private static final int BUFFER = 1 << 16;

  private final InputStream in;
  private final boolean csv;
  private final int maxRecordBytes;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private int limit;

  /** File offset of {@code buf[0]}. */
  private long bufOffset;

  /** Physical line number (1-based) of the byte at {@code pos}. */
  private long line;

  private boolean eof;

  /**
   * @param in the input, positioned at {@code offset}
   * @param offset the file offset {@code in} starts at
   * @param line the 1-based line number at {@code offset}
   */
  RecordSplitter(InputStream in, long offset, long line, boolean csv, int maxRecordBytes) {
    this(in, offset, line, csv, maxRecordBytes, true);
  }

  /** Whether CSV records skip over runs of unquoted bytes in one tight loop (off only in tests). */
  private final boolean fastScan;

  RecordSplitter(
      InputStream in, long offset, long line, boolean csv, int maxRecordBytes, boolean fastScan) {
    this.fastScan = fastScan;
    this.in = in;
    this.bufOffset = offset;
    this.line = line;
    this.csv = csv;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Skips a UTF-8 byte order mark at the current position (call at offset 0 only). */
  void skipByteOrderMark() throws IOException {
    if (!fill()) {
      return;
    }
    while (limit - pos < 3 && !eof) {
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
      }
    }
    if (limit - pos >= 3
        && (buf[pos] & 0xFF) == 0xEF
        && (buf[pos + 1] & 0xFF) == 0xBB
        && (buf[pos + 2] & 0xFF) == 0xBF) {
      pos += 3;
    }
  }

  /** The file offset of the next unread byte. */
  long offset() {
    return bufOffset + pos;
  }

  /** The line number of the next unread byte. */
  long line() {
    return line;
  }

  /**
   * Reads up to {@code maxRecords} records.
   *
   * @return the chunk, or null at the end of the input
   */
  @Nullable Chunk next(long seq, int maxRecords) throws IOException {
    Builder chunk = new Builder(Math.min(maxRecords, 4096));
    while (chunk.count < maxRecords && readRecord(chunk)) {
      // one record appended
    }
    if (chunk.count == 0) {
      return null;
    }
    return chunk.build(seq, offset(), line);
  }

  /** Appends the next non-blank record to the chunk; false at the end of the input. */
  private boolean readRecord(Builder chunk) throws IOException {
    while (true) {
      int recordStart = chunk.size;
      long recordLine = line;
      boolean blank = true;
      boolean inQuotes = false;
      boolean quotePending = false;
      boolean fieldStart = true;
      boolean ended = false;
      if (!fill()) {
        return false;
      }
      int segment = pos;
      scan:
      while (true) {
        if (pos == limit) {
          chunk.append(buf, segment, pos - segment, recordStart, maxRecordBytes, recordLine);
          if (!fill()) {
            break; // end of input ends the record
          }
          segment = pos;
        }
        if (fastScan && csv && !inQuotes && !quotePending) {
          // Outside quotes only a line break or a quote changes the state: skip the bytes before
          // the next one, keeping what the byte-by-byte loop below would have noted of them.
          int p = pos;
          boolean nonBlank = false;
          while (p < limit) {
            byte c = buf[p];
            if (c == '\n' || c == '"') {
              break;
            }
            if (c != ' ' && c != '\t' && c != '\r') {
              nonBlank = true;
            }
            p++;
          }
          if (p > pos) {
            blank &= !nonBlank;
            fieldStart = buf[p - 1] == ',';
            pos = p;
            continue;
          }
        }
        byte b = buf[pos++];
        if (csv) {
          if (quotePending) {
            quotePending = false;
            if (b == '"') {
              continue; // escaped quote inside the quoted field
            }
            inQuotes = false;
          }
          if (inQuotes) {
            if (b == '"') {
              quotePending = true;
            } else if (b == '\n') {
              line++;
            }
            continue;
          }
          if (b == '"' && fieldStart) {
            inQuotes = true;
            fieldStart = false;
            blank = false;
            continue;
          }
          if (b == ',') {
            fieldStart = true;
            blank = false;
            continue;
          }
        }
        if (b == '\n') {
          chunk.append(buf, segment, pos - 1 - segment, recordStart, maxRecordBytes, recordLine);
          line++;
          ended = true;
          break scan;
        }
        fieldStart = false;
        if (b != ' ' && b != '\t' && b != '\r') {
          blank = false;
        }
      }
      if (!ended && chunk.size == recordStart) {
        return false;
      }
      if (chunk.size > recordStart && chunk.data[chunk.size - 1] == '\r') {
        chunk.size--;
      }
      if (blank) {
        chunk.size = recordStart; // skip blank lines
        if (!ended) {
          return false;
        }
        continue;
      }
      chunk.endRecord(recordStart, recordLine);
      return true;
    }
  }

  /** Makes sure a byte is buffered; false at the end of the input. */
  private boolean fill() throws IOException {
    if (pos < limit) {
      return true;
    }
    if (eof) {
      return false;
    }
    bufOffset += limit;
    pos = 0;
    limit = 0;
    while (limit == 0) {
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        eof = true;
        return false;
      }
      limit = n;
    }
    return true;
  }

  /**
   * Raw records: {@code data[starts[i], ends[i])} is record {@code i} (without its line break),
   * which starts on input line {@code lines[i]}.
   */
  @SuppressWarnings("ArrayRecordComponent") // a carrier of raw records, never compared
  record Chunk(
      long seq,
      byte[] data,
      int dataLength,
      int[] starts,
      int[] ends,
      long[] lines,
      int count,
      long endOffset,
      long endLine) {}

  private static final class Builder {
    byte[] data = new byte[1 << 14];
    int size;
    int[] starts;
    int[] ends;
    long[] lines;
    int count;

    Builder(int capacity) {
      starts = new int[capacity];
      ends = new int[capacity];
      lines = new long[capacity];
    }

    void append(
        byte[] src, int from, int length, int recordStart, int maxRecordBytes, long recordLine) {
      if (length <= 0) {
        return;
      }
      if (size - recordStart + length > maxRecordBytes) {
        throw new BatchJobException(
            "The record starting at line "
                + recordLine
                + " is longer than "
                + maxRecordBytes
                + " bytes; check the file for an unbalanced"
                + " quote");
      }
      ensure(size + length + 1);
      System.arraycopy(src, from, data, size, length);
      size += length;
    }

    void endRecord(int recordStart, long recordLine) {
      ensure(size + 1);
      if (count == starts.length) {
        int n = count * 2;
        starts = Arrays.copyOf(starts, n);
        ends = Arrays.copyOf(ends, n);
        lines = Arrays.copyOf(lines, n);
      }
      starts[count] = recordStart;
      ends[count] = size;
      lines[count] = recordLine;
      count++;
      data[size++] = '\n';
    }

    private void ensure(int capacity) {
      if (capacity > data.length) {
        data = Arrays.copyOf(data, Math.max(capacity, data.length * 2));
      }
    }

    Chunk build(long seq, long endOffset, long endLine) {
      return new Chunk(seq, data, size, starts, ends, lines, count, endOffset, endLine);
    }
  }
}
