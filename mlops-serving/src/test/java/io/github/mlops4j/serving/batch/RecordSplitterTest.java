package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordSplitterTest {

  @Test
  void csv_splitsOnLineBreaksOutsideQuotes_andKeepsLineNumbers() throws IOException {
    String text =
        "h1,h2\r\n"
            + "a,\"x\ny\"\n"
            + "\n"
            + "  \r\n"
            + "b,\"q\"\"\n\"\"r\"\n"
            + "c,ab\"c\n"
            + "d,\"\"\n"
            + "e,last";
    List<String> records = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    RecordSplitter s = splitter(text, true);
    RecordSplitter.Chunk c;
    long seq = 0;
    while ((c = s.next(seq++, 2)) != null) {
      for (int i = 0; i < c.count(); i++) {
        records.add(
            new String(
                c.data(), c.starts()[i], c.ends()[i] - c.starts()[i], StandardCharsets.UTF_8));
        lines.add(c.lines()[i]);
        assertThat(c.data()[c.ends()[i]]).isEqualTo((byte) '\n');
      }
    }
    assertThat(records)
        .containsExactly(
            "h1,h2", "a,\"x\ny\"", "b,\"q\"\"\n\"\"r\"", "c,ab\"c", "d,\"\"", "e,last");
    assertThat(lines).containsExactly(1L, 2L, 6L, 8L, 9L, 10L);
    assertThat(s.offset()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    assertThat(s.line()).isEqualTo(10L);
  }

  @Test
  void chunkBytes_parseIntoExactlyItsRecords() throws IOException {
    String text = "a,\"x\ny\"\r\nb,\"q\"\"r\"\n\nc,3\n";
    RecordSplitter.Chunk c = splitter(text, true).next(0, 10);
    List<String[]> rows = ChunkScorer.parseCsvStrict(c.data(), 0, c.dataLength());
    assertThat(rows).hasSize(c.count());
    assertThat(rows.get(0)).containsExactly("a", "x\ny");
    assertThat(rows.get(1)).containsExactly("b", "q\"r");
    assertThat(rows.get(2)).containsExactly("c", "3");
  }

  @Test
  void jsonLines_splitOnEveryLineBreak_quotesIgnored() throws IOException {
    RecordSplitter.Chunk c = splitter("{\"a\":\"x\"}\n\n{\"b\":\"\\\"\"}\r\n", false).next(0, 10);
    assertThat(c.count()).isEqualTo(2);
    assertThat(c.lines()).startsWith(1L, 3L);
  }

  @Test
  void recordsLongerThanTheReadBuffer_areKeptWhole() throws IOException {
    String big = "x".repeat(200_000);
    String text = "a," + big + "\n\"" + big + "\n" + big + "\",b\n";
    RecordSplitter s = splitter(text, true);
    RecordSplitter.Chunk c = s.next(0, 10);
    assertThat(c.count()).isEqualTo(2);
    assertThat(c.ends()[0] - c.starts()[0]).isEqualTo(200_002);
    assertThat(c.ends()[1] - c.starts()[1]).isEqualTo(400_005);
    assertThat(c.lines()).startsWith(1L, 2L);
    assertThat(s.next(1, 10)).isNull();
  }

  @Test
  void byteOrderMark_isSkipped() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', ',', 'b', '\n'};
    RecordSplitter s = new RecordSplitter(new ByteArrayInputStream(bom), 0, 1, true, 1000);
    s.skipByteOrderMark();
    RecordSplitter.Chunk c = s.next(0, 10);
    assertThat(new String(c.data(), 0, c.ends()[0], StandardCharsets.UTF_8)).isEqualTo("a,b");
  }

  @Test
  void unbalancedQuote_failsClearlyOnceTheRecordIsTooLong() {
    RecordSplitter s =
        new RecordSplitter(
            new ByteArrayInputStream(
                ("a,\"open\n" + "b,c\n".repeat(100)).getBytes(StandardCharsets.UTF_8)),
            0,
            1,
            true,
            64);
    assertThatThrownBy(() -> s.next(0, 10))
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("unbalanced quote");
  }

  private static RecordSplitter splitter(String text, boolean csv) {
    return new RecordSplitter(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        0,
        1,
        csv,
        BatchJob.MAX_RECORD_BYTES);
  }
}
