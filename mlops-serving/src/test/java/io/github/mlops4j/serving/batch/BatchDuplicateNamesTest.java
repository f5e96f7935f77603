package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A name given twice is ambiguous: neither the first nor the last one silently wins. */
class BatchDuplicateNamesTest {
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

  @Test
  void aCsvHeaderNamingAColumnTwiceStopsTheJobNamingItAndTheLine() {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.csv"),
            """

        customer_id,tenure,spend, tenure
        c-0,1.0,20,9.0
        """);
    BatchJob job =
        BatchJob.builder().service(fx.service).input(in).output(temp.resolve("out.csv")).build();

    assertThatThrownBy(job::run)
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("'tenure'")
        .hasMessageContaining("line 2")
        .hasMessageContaining("columns 2 and 4");
    assertThat(temp.resolve("out.csv")).doesNotExist();
  }

  @Test
  void aCsvHeaderWithAnUnusedDuplicateIsRefusedToo() {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.csv"),
            """
        note,tenure,spend,note
        a,1.0,20,b
        """);
    BatchJob job =
        BatchJob.builder().service(fx.service).input(in).output(temp.resolve("out.csv")).build();

    assertThatThrownBy(job::run)
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("'note'")
        .hasMessageContaining("line 1");
  }

  @Test
  void aJsonLineWithADuplicateKeyIsARejectedRowNamingTheKey() throws IOException {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.jsonl"),
            """
        {"customer_id": "a", "tenure": 1.0, "spend": 10}
        {"customer_id": "b", "tenure": 1.0, "spend": 10, "tenure": 9.0}
        {"customer_id": "c", "tenure": 2.0, "spend": 20, "meta": {"k": 1, "k": 2}}
        {"customer_id": "d", "tenure": 3.0, "spend": 30}
        """);
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("out.jsonl"))
            .passThrough("customer_id")
            .build();

    BatchResult r = job.run();

    assertThat(r.rowsScored()).isEqualTo(2);
    assertThat(r.rowsRejected()).isEqualTo(2);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rejects = new ArrayList<>();
    for (String line : BatchFixtures.lines(job.rejects())) {
      rejects.add(json.readTree(line));
    }
    assertThat(rejects).extracting(n -> n.get("line").asLong()).containsExactly(2L, 3L);
    assertThat(rejects.get(0).get("reason").asText()).contains("duplicate key 'tenure'");
    assertThat(rejects.get(1).get("reason").asText()).contains("duplicate key 'k'");
  }
}
