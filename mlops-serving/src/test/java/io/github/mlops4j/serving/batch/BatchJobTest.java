package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.github.mlops4j.serving.ModelUnavailableException;
import io.github.mlops4j.serving.Prediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchJobTest {
  @TempDir Path temp;
  BatchFixtures fx;

  @BeforeEach
  void open() {
    fx = BatchFixtures.open(temp.resolve("ws"));
  }

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void run_parallelTinyChunks_keepsInputOrder_andMatchesPerRowPredict() {
    int rows = 600;
    Path in = BatchFixtures.csv(temp.resolve("customers.csv"), rows);
    Path out = temp.resolve("scores.csv");
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .passThrough("customer_id")
            .parallelism(4)
            .chunkSize(3)
            .build();

    BatchResult r = job.run();

    assertThat(r.rowsRead()).isEqualTo(rows);
    assertThat(r.rowsScored()).isEqualTo(rows);
    assertThat(r.rowsRejected()).isZero();
    assertThat(r.resumedFromRow()).isZero();
    assertThat(r.output()).isEqualTo(out.toAbsolutePath());
    List<Map<String, String>> scored = readCsv(out);
    assertThat(scored).hasSize(rows);
    assertThat(scored.get(0).keySet())
        .containsExactly(
            "customer_id", "prediction_id", "model_version", "output", "score_no", "score_yes");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < rows; i++) {
      Map<String, String> row = scored.get(i);
      assertThat(row.get("customer_id")).isEqualTo("c-" + i);
      Prediction expected = fx.service.predict(BatchFixtures.request(i));
      assertThat(row.get("output")).isEqualTo(expected.output());
      assertThat(row.get("model_version")).isEqualTo("1");
      assertThat(Double.parseDouble(row.get("score_yes"))).isEqualTo(expected.score("yes"));
      assertThat(Double.parseDouble(row.get("score_no"))).isEqualTo(expected.score("no"));
      assertThat(ids.add(row.get("prediction_id"))).isTrue();
    }
    assertThat(scored).extracting(m -> m.get("output")).contains("yes", "no");
    assertThat(BatchFixtures.lines(job.rejects())).containsExactly("line,reason,raw");
    assertThat(job.checkpoint()).doesNotExist();
    assertThat(job.partialOutput()).doesNotExist();
    assertThat(job.partialRejects()).doesNotExist();
  }

  @Test
  void run_boundsTheChunksHeldAtOnce() {
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), 400);
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("out.csv"))
            .parallelism(4)
            .chunkSize(1)
            .build();

    assertThat(job.run().rowsScored()).isEqualTo(400);

    assertThat(job.peakChunksInFlight()).isBetween(1, 5);
    assertThat(job.peakReorderBuffer()).isBetween(1, 5);
  }

  @Test
  void run_badRows_goToTheRejectFile_withLineReasonAndRawRow() {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.csv"),
            """
        customer_id,tenure,spend
        c-0,1.5,20
        c-1,abc,20
        c-2,2.0
        c-3,NaN,10

        c-4,2.5,30,extra
        "c-5
        continued",4.0,50
        c-6,,10
        c-7,3.0,Infinity
        c-8,9.0,90
        """);
    Path out = temp.resolve("scores.csv");
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .passThrough("customer_id")
            .parallelism(2)
            .chunkSize(2)
            .build();

    BatchResult r = job.run();

    assertThat(r.rowsRead()).isEqualTo(9);
    assertThat(r.rowsScored()).isEqualTo(3);
    assertThat(r.rowsRejected()).isEqualTo(6);
    assertThat(readCsv(out))
        .extracting(m -> m.get("customer_id"))
        .containsExactly("c-0", "c-5\ncontinued", "c-8");
    assertThat(job.rejects()).isEqualTo(temp.resolve("scores.rejects.csv"));
    List<Map<String, String>> rejects = readCsv(job.rejects());
    assertThat(rejects)
        .extracting(m -> m.get("line"))
        .containsExactly("3", "4", "5", "7", "10", "11");
    assertThat(rejects.get(0).get("reason")).isEqualTo("'tenure' is not a number: 'abc'");
    assertThat(rejects.get(0).get("raw")).isEqualTo("c-1,abc,20");
    assertThat(rejects.get(1).get("reason")).isEqualTo("expected 3 columns but found 2");
    assertThat(rejects.get(2).get("reason"))
        .startsWith("invalid input: ")
        .containsIgnoringCase("nan");
    assertThat(rejects.get(3).get("reason")).isEqualTo("expected 3 columns but found 4");
    assertThat(rejects.get(3).get("raw")).isEqualTo("c-4,2.5,30,extra");
    assertThat(rejects.get(4).get("reason")).startsWith("invalid input: ").contains("tenure");
    assertThat(rejects.get(5).get("reason")).startsWith("invalid input: ").contains("spend");
  }

  @Test
  void run_jsonLinesInAndOut() throws IOException {
    Path in =
        BatchFixtures.write(
            temp.resolve("in.jsonl"),
            """
        {"customer_id": "a", "tenure": 1.0, "spend": 10, "meta": {"k": [1, 2]}}
        {"customer_id": "b", "tenure": "2.5", "spend": 80}
        {"customer_id": "c", "tenure": true, "spend": 80}
        {not json
        [1, 2]

        {"customer_id": 7, "tenure": 8.0, "spend": 90.5}
        """);
    Path out = temp.resolve("scores.jsonl");
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .passThrough("customer_id", "meta")
            .parallelism(3)
            .chunkSize(1)
            .build();

    BatchResult r = job.run();

    assertThat(r.rowsRead()).isEqualTo(6);
    assertThat(r.rowsScored()).isEqualTo(3);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> scored = new ArrayList<>();
    for (String line : BatchFixtures.lines(out)) {
      scored.add(json.readTree(line));
    }
    assertThat(scored).hasSize(3);
    assertThat(scored.get(0).get("customer_id").asText()).isEqualTo("a");
    assertThat(scored.get(0).get("meta").toString()).isEqualTo("{\"k\":[1,2]}");
    assertThat(scored.get(1).get("meta").isNull()).isTrue();
    assertThat(scored.get(2).get("customer_id").isInt()).isTrue();
    Prediction expected = fx.service.predict(Map.of("tenure", 2.5, "spend", 80.0));
    assertThat(scored.get(1).get("output").asText()).isEqualTo(expected.output());
    assertThat(scored.get(1).get("score_yes").asDouble()).isEqualTo(expected.score("yes"));
    assertThat(scored.get(1).get("model_version").asInt()).isEqualTo(1);
    assertThat(scored.get(1).get("prediction_id").asText()).isNotEmpty();

    assertThat(job.rejects()).isEqualTo(temp.resolve("scores.rejects.jsonl"));
    List<JsonNode> rejects = new ArrayList<>();
    for (String line : BatchFixtures.lines(job.rejects())) {
      rejects.add(json.readTree(line));
    }
    assertThat(rejects).extracting(n -> n.get("line").asLong()).containsExactly(3L, 4L, 5L);
    assertThat(rejects.get(0).get("reason").asText()).isEqualTo("'tenure' is not a number: true");
    assertThat(rejects.get(1).get("reason").asText()).startsWith("malformed JSON");
    assertThat(rejects.get(1).get("raw").asText()).isEqualTo("{not json");
    assertThat(rejects.get(2).get("reason").asText()).isEqualTo("expected a JSON object");
  }

  @Test
  void run_csvInJsonLinesOut_byExplicitFormat() throws IOException {
    Path in = BatchFixtures.csv(temp.resolve("in.data"), 5);
    Path out = temp.resolve("out.txt");
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .inputFormat(BatchFormat.CSV)
            .outputFormat(BatchFormat.JSON_LINES)
            .rejects(temp.resolve("bad.csv"))
            .passThrough("note")
            .build();

    assertThat(job.run().rowsScored()).isEqualTo(5);

    List<String> lines = BatchFixtures.lines(out);
    assertThat(lines).hasSize(5);
    assertThat(new ObjectMapper().readTree(lines.get(2)).get("note").asText())
        .isEqualTo("two\nlines and \"quotes\"");
    assertThat(BatchFixtures.lines(temp.resolve("bad.csv"))).containsExactly("line,reason,raw");
  }

  @Test
  void run_reportsProgress_withRateAndEta() {
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), 100);
    List<BatchProgress> reports = new CopyOnWriteArrayList<>();
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("out.csv"))
            .parallelism(2)
            .chunkSize(10)
            .progressEvery(25, Duration.ofHours(1))
            .clock(new TickingClock(Duration.ofSeconds(1)))
            .listener(reports::add)
            .build();

    BatchResult r = job.run();

    assertThat(reports).extracting(BatchProgress::rowsDone).containsExactly(30L, 60L, 90L, 100L);
    assertThat(reports)
        .allSatisfy(
            p -> {
              assertThat(p.rowsPerSecond()).isPositive();
              assertThat(p.bytesTotal()).isEqualTo(in.toFile().length());
            });
    assertThat(reports.get(0).eta()).isPresent();
    assertThat(reports.get(3).fractionDone()).isEqualTo(1.0);
    assertThat(reports.get(3).eta()).contains(Duration.ZERO);
    assertThat(r.elapsed()).isPositive();
    assertThat(r.rowsPerSecond()).isPositive();
  }

  @Test
  void run_afterAFailure_resumesFromTheCheckpoint_withoutLosingOrRepeatingRows() {
    int rows = 200;
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), rows);
    Path out = temp.resolve("out.csv");
    BatchJob failing =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .passThrough("customer_id")
            .parallelism(3)
            .chunkSize(7)
            .checkpointEvery(20)
            .progressEvery(1, Duration.ofHours(1))
            .listener(
                p -> {
                  if (p.rowsDone() >= 120) {
                    throw new IllegalStateException("stop here");
                  }
                })
            .build();
    assertThatThrownBy(failing::run).hasMessage("stop here");
    assertThat(failing.checkpoint()).exists();
    assertThat(out).doesNotExist();

    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .passThrough("customer_id")
            .parallelism(2)
            .chunkSize(7)
            .checkpointEvery(20)
            .build();
    BatchResult r = job.run();

    assertThat(r.resumedFromRow()).isBetween(21L, 126L); // a checkpoint at a chunk boundary
    assertThat(r.rowsRead()).isEqualTo(rows);
    assertThat(r.rowsScored()).isEqualTo(rows);
    assertThat(readCsv(out))
        .extracting(m -> m.get("customer_id"))
        .containsExactlyElementsOf(ids(rows));
    assertThat(job.checkpoint()).doesNotExist();
  }

  @Test
  void run_checkpointOfAnotherInputOrVersion_isAClearError_unlessRestart() {
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), 60);
    Path out = temp.resolve("out.csv");
    BatchJob failing =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .chunkSize(5)
            .checkpointEvery(10)
            .progressEvery(1, Duration.ofHours(1))
            .listener(
                p -> {
                  if (p.rowsDone() >= 30) {
                    throw new IllegalStateException("stop");
                  }
                })
            .build();
    assertThatThrownBy(failing::run).hasMessage("stop");
    assertThat(failing.checkpoint()).exists();

    try (BatchFixtures v2 = BatchFixtures.open(temp.resolve("ws"), 2)) {
      assertThatThrownBy(
              () -> BatchJob.builder().service(v2.service).input(in).output(out).build().run())
          .isInstanceOf(CheckpointMismatchException.class)
          .hasMessageContaining("model version was 1, is now 2")
          .hasMessageContaining("restart(true)");
    }
    BatchFixtures.csv(in, 61);
    assertThatThrownBy(
            () -> BatchJob.builder().service(fx.service).input(in).output(out).build().run())
        .isInstanceOf(CheckpointMismatchException.class)
        .hasMessageContaining("input size was");

    BatchResult r =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(out)
            .passThrough("customer_id")
            .restart(true)
            .build()
            .run();
    assertThat(r.resumedFromRow()).isZero();
    assertThat(readCsv(out))
        .extracting(m -> m.get("customer_id"))
        .containsExactlyElementsOf(ids(61));
  }

  @Test
  void run_missingInput_isAClearError() {
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(temp.resolve("nope.csv"))
            .output(temp.resolve("out.csv"))
            .build();
    assertThatThrownBy(job::run)
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("nope.csv")
        .hasMessageContaining("does not exist");
  }

  @Test
  void run_outputInMissingDirectory_isAClearError_andWritesNothing() {
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), 3);
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("missing/dir/out.csv"))
            .build();
    assertThatThrownBy(job::run)
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("missing" + java.io.File.separator + "dir")
        .hasMessageContaining("create it first");
    assertThat(temp.resolve("missing")).doesNotExist();
  }

  @Test
  void run_headerWithoutTheModelsColumns_isAClearError() {
    Path in = BatchFixtures.write(temp.resolve("in.csv"), "id,tenure,amount\n1,2,3\n");
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("out.csv"))
            .passThrough("customer_id")
            .build();
    assertThatThrownBy(job::run)
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("[spend]")
        .hasMessageContaining("[customer_id]")
        .hasMessageContaining("[id, tenure, amount]");
  }

  @Test
  void run_modelFailingOnEveryRow_stopsTheJobClearly() {
    Path in = BatchFixtures.csv(temp.resolve("in.csv"), 300);
    BatchJob job =
        BatchJob.builder()
            .service(fx.service)
            .input(in)
            .output(temp.resolve("out.csv"))
            .parallelism(2)
            .chunkSize(10)
            .maxConsecutiveModelErrors(25)
            .progressEvery(1, Duration.ofHours(1))
            .listener(p -> fx.service.close()) // every row after the first chunk fails
            .build();

    assertThatThrownBy(job::run)
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("25 rows in a row failed in the model")
        .hasMessageContaining(ModelUnavailableException.class.getSimpleName())
        .hasCauseInstanceOf(ModelUnavailableException.class);
    assertThat(temp.resolve("out.csv")).doesNotExist();
  }

  @Test
  void build_rejectsBadConfiguration() {
    Path in = temp.resolve("in.csv");
    assertThatThrownBy(
            () ->
                BatchJob.builder()
                    .service(fx.service)
                    .input(in)
                    .output(temp.resolve("out.parquet"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out.parquet")
        .hasMessageContaining("format(BatchFormat)");
    assertThatThrownBy(() -> BatchJob.builder().service(fx.service).input(in).output(in).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is the input");
    assertThatThrownBy(() -> BatchJob.builder().passThrough("score_x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clash");
    assertThatThrownBy(() -> BatchJob.builder().parallelism(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallelism");
    assertThatThrownBy(() -> BatchJob.builder().input(in).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("service")
        .hasMessageContaining("output");
  }

  static List<String> ids(int rows) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      ids.add("c-" + i);
    }
    return ids;
  }

  static List<Map<String, String>> readCsv(Path file) {
    CsvMapper mapper = new CsvMapper();
    try (MappingIterator<Map<String, String>> it =
        mapper
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(file.toFile())) {
      return it.readAll();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clock that moves forward by a fixed step each time it is read. */
  static final class TickingClock extends Clock {
    private final Duration step;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    TickingClock(Duration step) {
      this.step = step;
    }

    @Override
    public synchronized Instant instant() {
      now = now.plus(step);
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
