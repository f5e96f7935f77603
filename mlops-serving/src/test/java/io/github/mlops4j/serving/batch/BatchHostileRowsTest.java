package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rows whose values the model cannot answer (finite but far outside the training range) are the
 * input's fault: rejected as invalid input, never counted as model errors, so they cannot stop a
 * job through {@code maxConsecutiveModelErrors}, with or without micro-batching.
 */
class BatchHostileRowsTest {
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

  private InferenceService service(boolean microBatched) {
    return microBatched
        ? InferenceService.builder()
            .registry(fx.registry)
            .model("churn")
            .version(1)
            .microBatching(4, Duration.ZERO, 256)
            .build()
        : fx.service;
  }

  /**
   * What the service itself says of a row: null for a prediction, else the reason of its invalid
   * input (any other exception fails the test).
   */
  private static @Nullable String outcome(InferenceService service, double tenure, double spend) {
    try {
      service.predict(Map.of("tenure", tenure, "spend", spend));
      return null;
    } catch (InvalidInputException e) {
      assertThat(e.problems())
          .allSatisfy(
              p -> assertThat(p.reason()).isEqualTo(InvalidInputException.Reason.OUT_OF_RANGE));
      return e.getMessage();
    }
  }

  @ParameterizedTest(name = "micro-batched: {0}")
  @ValueSource(booleans = {false, true})
  void extremeFiniteValuesAreInvalidInputNotModelErrors_csv(boolean microBatched)
      throws IOException {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.csv"),
            """
        customer_id,tenure,spend
        c-0,1e308,20
        c-1,1.7976931348623157E308,1.7976931348623157E308
        c-2,-1.7976931348623157E308,-1e308
        c-3,2.0,30
        c-4,1e400,30
        """);
    InferenceService service = service(microBatched);
    try {
      BatchJob job =
          BatchJob.builder()
              .service(service)
              .input(in)
              .output(temp.resolve("out.csv"))
              .passThrough("customer_id")
              .parallelism(2)
              .chunkSize(2)
              .maxConsecutiveModelErrors(1)
              .build();

      BatchResult r = job.run(); // one model error would stop the job

      List<String> expectedRejects = new ArrayList<>();
      double[][] rows = {
        {1e308, 20}, {Double.MAX_VALUE, Double.MAX_VALUE}, {-Double.MAX_VALUE, -1e308}, {2.0, 30}
      };
      for (int i = 0; i < rows.length; i++) {
        if (outcome(service, rows[i][0], rows[i][1]) != null) {
          expectedRejects.add("" + (i + 2));
        }
      }
      expectedRejects.add("6"); // 1e400 parses to Infinity
      assertThat(expectedRejects).hasSizeGreaterThanOrEqualTo(3).doesNotContain("5");
      assertThat(r.rowsRead()).isEqualTo(5);
      assertThat(r.rowsRejected()).isEqualTo(expectedRejects.size());
      assertThat(r.rowsScored()).isEqualTo(5 - expectedRejects.size());
      List<String> rejects = BatchFixtures.lines(job.rejects());
      assertThat(rejects.subList(1, rejects.size()))
          .extracting(l -> l.substring(0, l.indexOf(',')))
          .containsExactlyElementsOf(expectedRejects);
      assertThat(rejects.subList(1, rejects.size()))
          .allSatisfy(
              line -> assertThat(line).contains("invalid input: ").doesNotContain("model error"));
      assertThat(rejects.get(1)).contains("tenure").contains("outside the range");
      assertThat(rejects.get(rejects.size() - 1)).contains("tenure: is Infinity");
    } finally {
      if (microBatched) {
        service.close();
      }
    }
  }

  @ParameterizedTest(name = "micro-batched: {0}")
  @ValueSource(booleans = {false, true})
  void extremeFiniteValuesAreInvalidInputNotModelErrors_jsonLines(boolean microBatched)
      throws IOException {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.jsonl"),
            """
        {"customer_id": "a", "tenure": 1e308, "spend": 10}
        {"customer_id": "b", "tenure": 2.5, "spend": 1.7976931348623157E308}
        {"customer_id": "c", "tenure": 2.5, "spend": 80}
        {"customer_id": "d", "tenure": -1.7976931348623157E308, "spend": 80}
        """);
    InferenceService service = service(microBatched);
    try {
      BatchJob job =
          BatchJob.builder()
              .service(service)
              .input(in)
              .output(temp.resolve("out.jsonl"))
              .passThrough("customer_id")
              .parallelism(2)
              .chunkSize(1)
              .maxConsecutiveModelErrors(1)
              .build();

      BatchResult r = job.run();

      List<Long> expectedRejects = new ArrayList<>();
      double[][] rows = {{1e308, 10}, {2.5, Double.MAX_VALUE}, {2.5, 80}, {-Double.MAX_VALUE, 80}};
      for (int i = 0; i < rows.length; i++) {
        if (outcome(service, rows[i][0], rows[i][1]) != null) {
          expectedRejects.add(i + 1L);
        }
      }
      assertThat(expectedRejects).contains(4L).doesNotContain(3L);
      assertThat(r.rowsRejected()).isEqualTo(expectedRejects.size());
      assertThat(r.rowsScored()).isEqualTo(4 - expectedRejects.size());
      ObjectMapper json = new ObjectMapper();
      List<JsonNode> rejects = new ArrayList<>();
      for (String line : BatchFixtures.lines(job.rejects())) {
        rejects.add(json.readTree(line));
      }
      assertThat(rejects)
          .extracting(n -> n.get("line").asLong())
          .containsExactlyElementsOf(expectedRejects);
      assertThat(rejects)
          .allSatisfy(
              n ->
                  assertThat(n.get("reason").asText())
                      .startsWith("invalid input: ")
                      .contains("outside the range"));
    } finally {
      if (microBatched) {
        service.close();
      }
    }
  }
}
