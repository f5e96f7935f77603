package io.github.mlops4j.serving.batch;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelSignature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes what a batch job does with the bytes of an untrusted input file, in memory: the record
 * splitter, the CSV header, the CSV and JSON Lines row parsers, the conversion to requests, the
 * service's validation of them (a real churn model) and the output and reject formatting.
 *
 * <p>The property: the input is read to its end, or the job stops with a {@link BatchJobException}
 * (empty input, a header that does not parse or names a column twice, a record longer than the
 * bound); every record is either scored or rejected, never lost or counted twice; and a healthy
 * model never sees a model error: whatever a row holds is the row's fault. Any other exception, an
 * {@code Error} or a hang fails the test.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the corpus in {@code
 * src/test/resources/.../BatchInputFuzzTestInputs/<method>/}. To fuzz one method (see
 * docs/serving.md): {@code JAZZER_FUZZ=1 mvn -pl mlops-serving -am test
 * -Dtest='BatchInputFuzzTest#csv' -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class BatchInputFuzzTest {
  /** Small, so that the fuzzer reaches the record length bound. */
  private static final int MAX_RECORD_BYTES = 512;

  private static @Nullable Path workspace;
  private static @Nullable BatchFixtures fx;
  private static List<FeatureSpec> features = List.of();

  /**
   * The service, opened on first use rather than in {@code @BeforeAll}: its classes must load after
   * Jazzer's agent is installed (before the first input), or the agent retransforms them already
   * loaded, which breaks record accessors ({@code NoSuchFieldError}).
   */
  private static synchronized BatchFixtures fixtures() throws IOException {
    if (fx == null) {
      workspace = Files.createTempDirectory("batch-fuzz");
      fx = BatchFixtures.open(workspace);
      features = fx.service.signature().map(ModelSignature::inputs).orElseThrow();
    }
    return fx;
  }

  @AfterAll
  static synchronized void close() throws IOException {
    if (fx != null) {
      fx.close();
      fx = null;
    }
    if (workspace != null) {
      try (var files = Files.walk(workspace)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      workspace = null;
    }
  }

  @FuzzTest(maxDuration = "60s")
  void csv(byte[] input) throws IOException {
    BatchFixtures fixtures = fixtures();
    RecordSplitter splitter =
        new RecordSplitter(new ByteArrayInputStream(input), 0, 1, true, MAX_RECORD_BYTES);
    splitter.skipByteOrderMark();
    List<String> header;
    try {
      header = BatchJob.readHeader(splitter);
    } catch (BatchJobException e) {
      return; // documented: empty, unparsable or duplicate header, or a too long record
    }
    List<String> passThrough = header.isEmpty() ? List.of() : List.of(header.get(0));
    JobPlan plan;
    try {
      plan =
          new JobPlan(
              BatchFormat.CSV,
              BatchFormat.CSV,
              BatchFormat.JSON_LINES,
              header,
              features,
              Set.of(),
              passThrough,
              List.of(),
              null);
    } catch (BatchJobException e) {
      // the header lacks the model's columns: read it as a model without signature would
      plan =
          new JobPlan(
              BatchFormat.CSV,
              BatchFormat.JSON_LINES,
              BatchFormat.CSV,
              header,
              null,
              Set.of(),
              passThrough,
              List.of(),
              null);
    }
    scoreAll(fixtures, splitter, plan);
  }

  @FuzzTest(maxDuration = "60s")
  void jsonLines(byte[] input) throws IOException {
    BatchFixtures fixtures = fixtures();
    for (boolean signature : new boolean[] {true, false}) {
      RecordSplitter splitter =
          new RecordSplitter(new ByteArrayInputStream(input), 0, 1, false, MAX_RECORD_BYTES);
      splitter.skipByteOrderMark();
      JobPlan plan =
          new JobPlan(
              BatchFormat.JSON_LINES,
              signature ? BatchFormat.JSON_LINES : BatchFormat.CSV,
              signature ? BatchFormat.CSV : BatchFormat.JSON_LINES,
              null,
              signature ? features : null,
              Set.of(),
              List.of("customer_id"),
              List.of(),
              null);
      scoreAll(fixtures, splitter, plan);
    }
  }

  private static void scoreAll(BatchFixtures fixtures, RecordSplitter splitter, JobPlan plan)
      throws IOException {
    ChunkScorer scorer = new ChunkScorer(plan, fixtures.service, Duration.ZERO);
    long previousLine = 0;
    for (long seq = 0; ; seq++) {
      RecordSplitter.Chunk chunk;
      try {
        chunk = splitter.next(seq, 3);
      } catch (BatchJobException e) {
        return; // documented: a record longer than the bound
      }
      if (chunk == null) {
        return;
      }
      check(chunk.count() > 0 && chunk.count() <= 3, "chunk of " + chunk.count() + " records");
      for (int i = 0; i < chunk.count(); i++) {
        int from = chunk.starts()[i];
        int to = chunk.ends()[i];
        check(
            0 <= from && from <= to && to < chunk.dataLength() && chunk.data()[to] == '\n',
            "record " + i + " at [" + from + ", " + to + ") of " + chunk.dataLength());
        check(to - from <= MAX_RECORD_BYTES, "record longer than the bound");
        check(chunk.lines()[i] > previousLine, "line numbers must grow");
        previousLine = chunk.lines()[i];
      }
      ChunkResult r = scorer.score(chunk);
      check(r.rowsRead() == chunk.count(), "rows read " + r.rowsRead() + " of " + chunk.count());
      check(
          r.rowsScored() + r.rowsRejected() == r.rowsRead(),
          "scored "
              + r.rowsScored()
              + " + rejected "
              + r.rowsRejected()
              + " != read "
              + r.rowsRead());
      if (r.modelErrors() != 0) {
        throw new AssertionError("a row was a model error on a healthy model", r.firstModelError());
      }
    }
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}
