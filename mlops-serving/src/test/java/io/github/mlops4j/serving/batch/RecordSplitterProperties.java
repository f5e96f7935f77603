package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The reader's fast scan over unquoted bytes gives the records of the byte-by-byte scan: the same
 * records, line numbers, chunk ends and errors, for quoted fields with line breaks and escaped
 * quotes, stray quotes, blank lines, {@code "\r\n"} endings and reads cut at any byte.
 */
class RecordSplitterProperties {
  private static final long SEED = 0x5B1173L;

  private static final String[] PIECES = {
    "a",
    "1.5",
    "-0",
    "NaN",
    ",",
    ",",
    "\"",
    "\"\"",
    "\n",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "é",
    "x\"y",
    "\"q,\nr\"",
    ",,",
    "  \n"
  };

  /** An input stream that returns at most {@code step} bytes per read. */
  private static InputStream trickle(byte[] bytes, int step) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, step));
      }
    };
  }

  /** Everything the reader gives for the input, or the error it stops with. */
  private static List<String> split(
      byte[] input, boolean csv, int step, int chunk, int maxRecordBytes, boolean fastScan) {
    List<String> out = new ArrayList<>();
    RecordSplitter s =
        new RecordSplitter(trickle(input, step), 0, 1, csv, maxRecordBytes, fastScan);
    try {
      RecordSplitter.Chunk c;
      long seq = 0;
      while ((c = s.next(seq++, chunk)) != null) {
        for (int i = 0; i < c.count(); i++) {
          out.add(
              c.lines()[i]
                  + ":"
                  + new String(
                      c.data(),
                      c.starts()[i],
                      c.ends()[i] - c.starts()[i],
                      StandardCharsets.UTF_8));
        }
        out.add("end " + c.endOffset() + " " + c.endLine() + " " + c.dataLength());
      }
      out.add("done " + s.offset() + " " + s.line());
    } catch (IOException | RuntimeException e) {
      out.add("error " + e.getMessage());
    }
    return out;
  }

  @Test
  void fastScanGivesTheRecordsOfTheByteByByteScan() {
    Gen<String> texts =
        lists()
            .of(integers().between(0, PIECES.length - 1).map(i -> PIECES[i]))
            .ofSizeBetween(0, 60)
            .map(parts -> String.join("", parts));
    qt().withFixedSeed(SEED)
        .withExamples(5000)
        .forAll(
            texts, integers().between(1, 9), integers().between(1, 4), integers().between(4, 200))
        .check(
            (text, step, chunk, max) -> {
              byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
              for (boolean csv : new boolean[] {true, false}) {
                List<String> fast = split(bytes, csv, step, chunk, max, true);
                List<String> simple = split(bytes, csv, step, chunk, max, false);
                assertThat(fast).isEqualTo(simple);
              }
              return true;
            });
  }
}
