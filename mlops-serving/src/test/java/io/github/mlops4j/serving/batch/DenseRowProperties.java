package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.serving.internal.BatchAccess;
import io.github.mlops4j.serving.internal.DenseRow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * Rows sent to the service as {@link DenseRow}s (plain CSV records whose model inputs are all
 * numeric columns) score exactly as rows sent as maps: the same output bytes (prediction ids aside,
 * which count up), the same rejects and counts, on random chunks of numbers, empty cells, NaN,
 * infinities, -0.0, huge exponents, malformed numbers, quoted fields and wrong column counts.
 */
class DenseRowProperties {
  private static final long SEED = 0xDE45EL;

  /** Cells that are not ordinary numbers. */
  private static final String[] ODD = {
    "",
    "NaN",
    "Infinity",
    "-Infinity",
    "-0.0",
    "0",
    "1e400",
    "-1e400",
    "1e-400",
    "-4.9e-324",
    "1.7976931348623157e308",
    "abc",
    "1.2.3",
    "0x1p3",
    "1e",
    "+5",
    ".5",
    "5.",
    "1_0",
    "\"2.5\"",
    "\"\"",
    "3d",
    "é",
    " 7"
  };

  @TempDir static Path workspace;
  private static BatchFixtures fx;

  @BeforeAll
  static void open() {
    fx = BatchFixtures.open(workspace);
  }

  @AfterAll
  static void close() {
    fx.close();
  }

  private static Gen<String> cells() {
    Gen<String> numbers =
        doubles()
            .between(-50, 150)
            .zip(
                integers().between(0, 2),
                (d, form) ->
                    switch (form) {
                      case 0 -> Double.toString(d);
                      case 1 -> String.format(Locale.ROOT, "%.4f", d);
                      default -> String.format(Locale.ROOT, "%.3e", d);
                    });
    return numbers.mix(integers().between(0, ODD.length - 1).map(k -> ODD[k]), 35);
  }

  @Test
  void denseRows_scoreAsMapRowsDo() {
    JobPlan probe = plan(BatchFormat.CSV);
    assertThat(probe.denseNames).as("the fixture's file takes the dense path").isNotNull();
    Gen<String> records =
        lists()
            .of(cells())
            .ofSizeBetween(1, 3)
            .zip(
                integers().between(0, 9),
                (cs, k) -> {
                  // mostly the header's two inputs; else a record with a column too few or many
                  List<String> fields = new ArrayList<>(cs);
                  while (k < 8 && fields.size() < 2) {
                    fields.add("1.0");
                  }
                  return String.join(",", k < 8 ? fields.subList(0, 2) : fields);
                });
    qt().withFixedSeed(SEED)
        .withExamples(400)
        .forAll(lists().of(records).ofSizeBetween(1, 12), integers().between(0, 3))
        .checkAssert(
            (rows, mode) -> {
              BatchFormat out = mode % 2 == 0 ? BatchFormat.CSV : BatchFormat.JSON_LINES;
              boolean fastCsv = mode < 2;
              String text = csvOf(rows);
              Scored dense = score(text, plan(out), fastCsv, true);
              Scored maps = score(text, plan(out), fastCsv, false);
              assertThat(dense.rejects).as(text).isEqualTo(maps.rejects);
              assertThat(dense.output).as(text).isEqualTo(maps.output);
              assertThat(dense.counts).as(text).containsExactly(maps.counts);
            });
  }

  /**
   * A chunk whose staged rows are all dense is predicted through the service's chunk path ({@code
   * BatchAccess.predictDense}) with the same output bytes, prediction ids included (as offsets from
   * the chunk's first id: the ids of a chunk are one run in row order either way), rejects and
   * counts as row by row through {@code predictEach}; a chunk with any row the short read refuses
   * falls back to the row-by-row path as a whole.
   */
  @Test
  void denseBatches_scoreAsRowByRowDo() {
    qt().withFixedSeed(SEED + 1)
        .withExamples(400)
        .forAll(lists().of(records()).ofSizeBetween(1, 12), integers().between(0, 1))
        .checkAssert(
            (rows, mode) -> {
              BatchFormat out = mode == 0 ? BatchFormat.CSV : BatchFormat.JSON_LINES;
              String text = csvOf(rows);
              Scored batched = scoreWithIds(text, plan(out), true);
              Scored byRow = scoreWithIds(text, plan(out), false);
              assertThat(batched.rejects).as(text).isEqualTo(byRow.rejects);
              assertThat(batched.output).as(text).isEqualTo(byRow.output);
              assertThat(batched.counts).as(text).containsExactly(byRow.counts);
            });
  }

  @Test
  void aChunkOfCleanRowsTakesTheChunkPath() {
    String[] names = {"tenure", "spend"};
    List<DenseRow> rows =
        List.of(
            new DenseRow(names, new double[] {1, 20.5}), new DenseRow(names, new double[] {7, 80}));
    BatchAccess.DenseResult r = BatchAccess.predictDense(fx.service, rows);
    assertThat(r).isNotNull();
    assertThat(r.outputs()).hasSize(2);
    assertThat(r.id(1)).isEqualTo(r.idPrefix() + Long.toHexString(r.firstId() + 1));
    // a row the short read refuses (not finite) leaves the whole chunk to predictEach
    List<DenseRow> odd =
        List.of(
            new DenseRow(names, new double[] {1, 20.5}),
            new DenseRow(names, new double[] {Double.NaN, 80}));
    assertThat(BatchAccess.predictDense(fx.service, odd)).isNull();
  }

  private static Gen<String> records() {
    return lists()
        .of(cells())
        .ofSizeBetween(1, 3)
        .zip(
            integers().between(0, 19),
            (cs, k) -> {
              // mostly clean rows of the header's two inputs (so that whole chunks take the
              // chunk path); else odd cells, or a column too few or many
              List<String> fields = new ArrayList<>(cs);
              while (fields.size() < 2) {
                fields.add("1.0");
              }
              if (k < 12) {
                return (k % 10) + "," + (k * 7.25);
              }
              return String.join(",", k < 18 ? fields.subList(0, 2) : cs);
            });
  }

  private static final Pattern ID =
      Pattern.compile("(?m)(?:^([0-9]+),|\"prediction_id\":\")([0-9a-f]+-)([0-9a-f]+)");

  /** A file of the header and {@code rows}, each with its index as its customer_id. */
  private static String csvOf(List<String> rows) {
    StringBuilder csv = new StringBuilder("tenure,spend,customer_id\n");
    for (int i = 0; i < rows.size(); i++) {
      csv.append(rows.get(i)).append(',').append(i).append('\n');
    }
    return csv.toString();
  }

  /** The records of {@code csv} (a header and at most 100 records) as one chunk. */
  private static RecordSplitter.Chunk chunkOf(String csv) throws IOException {
    RecordSplitter splitter =
        new RecordSplitter(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), 0, 1, true, 4096);
    BatchJob.readHeader(splitter);
    RecordSplitter.Chunk chunk = splitter.next(0, 100);
    assertThat(chunk).isNotNull();
    return Objects.requireNonNull(chunk);
  }

  /** A chunk's outcome, each prediction id written as its offset from the chunk's first one. */
  private static Scored scoreWithIds(String csv, JobPlan plan, boolean denseBatches) {
    try {
      RecordSplitter.Chunk chunk = chunkOf(csv);
      ChunkResult r =
          new ChunkScorer(plan, fx.service, Duration.ZERO, true, true, denseBatches).score(chunk);
      Matcher m = ID.matcher(new String(r.output(), StandardCharsets.UTF_8));
      StringBuilder output = new StringBuilder();
      long first = -1;
      while (m.find()) {
        long id = Long.parseLong(m.group(3), 16);
        if (first < 0) {
          first = id;
        }
        String head = m.group(1) != null ? m.group(1) + "," : "\"prediction_id\":\"";
        m.appendReplacement(output, Matcher.quoteReplacement(head + "ID+" + (id - first)));
      }
      m.appendTail(output);
      return new Scored(
          output.toString(),
          new String(r.rejects(), StandardCharsets.UTF_8),
          new long[] {r.rowsRead(), r.rowsScored(), r.rowsRejected(), r.modelErrors()});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aDenseRowIsTheMapItStandsFor() {
    String[] names = {"tenure", "spend"};
    DenseRow row = new DenseRow(names, new double[] {1.5, -0.0});
    Map<String, Object> map = new HashMap<>();
    map.put("tenure", 1.5);
    map.put("spend", -0.0);
    assertThat(row).isEqualTo(map).hasSameHashCodeAs(map);
    assertThat(row.get("spend")).isEqualTo(-0.0);
    assertThat(row.get("other")).isNull();
    assertThat(row.containsKey("tenure")).isTrue();
    assertThat(row.containsKey(null)).isFalse();
    assertThat(new ArrayList<>(row.keySet())).containsExactly("tenure", "spend");
  }

  private static JobPlan plan(BatchFormat output) {
    List<FeatureSpec> features = fx.service.signature().map(ModelSignature::inputs).orElseThrow();
    return new JobPlan(
        BatchFormat.CSV,
        output,
        BatchFormat.CSV,
        List.of("tenure", "spend", "customer_id"),
        features,
        Set.of(),
        List.of("customer_id"),
        List.of(),
        null);
  }

  /** A chunk's outcome; the prediction ids are blanked (they count up). */
  private record Scored(String output, String rejects, long[] counts) {}

  private static Scored score(String csv, JobPlan plan, boolean fastCsv, boolean denseRows) {
    try {
      RecordSplitter.Chunk chunk = chunkOf(csv);
      ChunkResult r =
          new ChunkScorer(plan, fx.service, Duration.ZERO, fastCsv, denseRows).score(chunk);
      String output =
          new String(r.output(), StandardCharsets.UTF_8)
              .replaceAll("(?m)^([0-9]+),[^,]+,", "$1,ID,")
              .replaceAll("\"prediction_id\":\"[^\"]*\"", "\"prediction_id\":\"ID\"");
      return new Scored(
          output,
          new String(r.rejects(), StandardCharsets.UTF_8),
          new long[] {r.rowsRead(), r.rowsScored(), r.rowsRejected(), r.modelErrors()});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
