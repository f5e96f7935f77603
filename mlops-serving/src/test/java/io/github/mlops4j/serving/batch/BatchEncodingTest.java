package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes that are not UTF-8 are a bad row, never a failed job: Jackson's parsers decode some invalid
 * sequences into unpaired surrogates, which the CSV writer then refused, stopping the whole job
 * (found by BatchInputFuzzTest).
 */
class BatchEncodingTest {
  @TempDir Path temp;
  BatchFixtures fx;

  @BeforeEach
  void open() {
    fx = BatchFixtures.open(temp.resolve("ws"));
  }

  @AfterEach
  void close() {
    fx.close();
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        for (int b : (int[]) p) {
          out.write(b);
        }
      }
    }
    return out.toByteArray();
  }

  @Test
  void aCsvRowThatIsNotUtf8IsRejectedAndTheJobGoesOn() throws IOException {
    Path in =
        Files.write(
            temp.resolve("in.csv"),
            bytes(
                "customer_id,tenure,spend\n",
                "c-0,1.0,20\n",
                "c-",
                new int[] {0xF6, 0x91, 0x9A, 0x87},
                ",2.0,30\n",
                "c-",
                new int[] {0xED, 0xA0, 0x80},
                ",2.0,30\n",
                "c-\u00e9\u65e5\ud83d\ude00,3.0,40\n"));
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("out.csv"))
            .passThrough("customer_id")
            .chunkSize(10)
            .build();

    BatchResult r = job.run();

    assertThat(r.rowsScored()).isEqualTo(2);
    assertThat(r.rowsRejected()).isEqualTo(2);
    List<String> rejects = BatchFixtures.lines(job.rejects());
    assertThat(rejects).hasSize(3);
    assertThat(rejects.get(1)).startsWith("3,\"not valid UTF-8 (byte 3 of the record)");
    assertThat(rejects.get(2)).startsWith("4,\"not valid UTF-8 (byte 3 of the record)");
    assertThat(BatchFixtures.lines(temp.resolve("out.csv")).get(2))
        .startsWith("c-\u00e9\u65e5\ud83d\ude00,");
  }

  @Test
  void aJsonRowThatIsNotUtf8IsRejected_andAnEscapedLoneSurrogateIsWrittenAsAReplacement()
      throws IOException {
    Path in =
        Files.write(
            temp.resolve("in.jsonl"),
            bytes(
                "{\"customer_id\": \"a",
                new int[] {0xF6, 0x91, 0x9A, 0x87},
                "\", \"tenure\": 1, \"spend\": 2}\n",
                "{\"customer_id\": \"b\\udc00\", \"tenure\": 1, \"spend\": 2}\n"));
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("out.csv"))
            .passThrough("customer_id")
            .build();

    BatchResult r = job.run();

    assertThat(r.rowsScored()).isEqualTo(1);
    assertThat(r.rowsRejected()).isEqualTo(1);
    assertThat(BatchFixtures.lines(job.rejects()).get(1))
        .startsWith("1,")
        .contains("not valid UTF-8");
    assertThat(BatchFixtures.lines(temp.resolve("out.csv")).get(1)).startsWith("b\ufffd,");
  }

  @Test
  void aCsvHeaderThatIsNotUtf8StopsTheJob() throws IOException {
    Path in =
        Files.write(
            temp.resolve("in.csv"),
            bytes("customer_id,tenure,spend,", new int[] {0xC0, 0xAF}, "\nc-0,1,2,3\n"));
    BatchJob job =
        BatchJob.builder().service(fx.service).input(in).output(temp.resolve("out.csv")).build();

    assertThatThrownBy(job::run)
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("header on line 1 is not valid UTF-8");
  }
}
