package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import io.github.mlops4j.serving.internal.BatchAccess;
import io.github.mlops4j.serving.internal.DenseRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * A CSV file of plain records (its numeric inputs sent to the service without a map per row) scores
 * over an ONNX version exactly as the same file with its pass-through column quoted, which takes
 * the CSV parser's path and a request map per row: the same output bytes (prediction ids aside),
 * the same rejects (line and reason) and counts, on random numbers, empty cells, NaN, infinities,
 * -0.0, huge exponents, malformed numbers and wrong column counts.
 */
class OnnxDenseBatchProperties {
  private static final String[] ODD = {
    "", "NaN", "Infinity", "-Infinity", "-0.0", "1e400", "-1e-400", "abc", "1.2.3", "1e", "+5", ".5"
  };

  @TempDir static Path dir;
  private static ModelRegistry registry;
  private static InferenceService service;
  private static int files;

  @BeforeAll
  static void open() {
    registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
    registry.register(
        "churn",
        OnnxArtifact.of(Fixtures.file("classifier.onnx"))
            .columns(Fixtures.FEATURES.toArray(String[]::new))
            .classification("no", "yes")
            .toArtifact(),
        null);
    service = InferenceService.builder().registry(registry).model("churn").build();
  }

  @AfterAll
  static void close() {
    service.close();
    registry.close();
  }

  private static Gen<String> cells() {
    Gen<String> numbers =
        doubles()
            .between(-3, 3)
            .zip(
                integers().between(0, 1),
                (d, form) ->
                    form == 0 ? Double.toString(d) : String.format(Locale.ROOT, "%.4f", d));
    return numbers.mix(integers().between(0, ODD.length - 1).map(k -> ODD[k]), 25);
  }

  @Test
  void plainRecordsScoreAsParsedRecordsDo() {
    int width = Fixtures.FEATURES.size();
    Gen<String> records =
        lists()
            .of(cells())
            .ofSizeBetween(width - 1, width + 1)
            .zip(
                integers().between(0, 9),
                (cs, k) -> String.join(",", k < 8 ? padded(cs, width) : cs));
    qt().withFixedSeed(0x0E1DL)
        .withExamples(60)
        .forAll(lists().of(records).ofSizeBetween(1, 40))
        .checkAssert(
            rows -> {
              String header = String.join(",", Fixtures.FEATURES) + ",id\n";
              StringBuilder plain = new StringBuilder(header);
              StringBuilder quoted = new StringBuilder(header);
              for (int i = 0; i < rows.size(); i++) {
                plain.append(rows.get(i)).append(",r").append(i).append('\n');
                quoted.append(rows.get(i)).append(",\"r").append(i).append("\"\n");
              }
              Scored dense = score(plain.toString());
              Scored maps = score(quoted.toString());
              assertThat(dense.output).as("%s", plain).isEqualTo(maps.output);
              assertThat(dense.rejects).as("%s", plain).isEqualTo(maps.rejects);
              assertThat(dense.counts).as("%s", plain).containsExactly(maps.counts);
            });
  }

  /**
   * Rows of numbers predicted through the service's chunk path (one matrix, one run, labels and
   * scores as arrays) get exactly the outputs and scores {@code predictAll} gives the same rows as
   * maps, and ids that count up in row order; a row the short read refuses (not finite) leaves the
   * chunk to the row-by-row path.
   */
  @Test
  void theChunkPathAnswersAsPredictAllDoes() {
    String[] names = Fixtures.FEATURES.toArray(String[]::new);
    Gen<Double> values =
        doubles()
            .between(-3, 3)
            .mix(
                integers()
                    .between(0, 6)
                    .map(k -> new double[] {-0.0, 0.0, 1e30, -1e30, 1e-30, 4.9e-324, 7}[k]),
                20);
    qt().withFixedSeed(0x0E1EL)
        .withExamples(80)
        .forAll(lists().of(lists().of(values).ofSize(names.length)).ofSizeBetween(1, 50))
        .checkAssert(
            rows -> {
              List<DenseRow> dense = new ArrayList<>();
              List<Map<String, Object>> maps = new ArrayList<>();
              for (List<Double> row : rows) {
                double[] v = row.stream().mapToDouble(Double::doubleValue).toArray();
                dense.add(new DenseRow(names, v));
                Map<String, Object> m = new LinkedHashMap<>();
                for (int j = 0; j < names.length; j++) {
                  m.put(names[j], v[j]);
                }
                maps.add(m);
              }
              BatchAccess.DenseResult r = BatchAccess.predictDense(service, dense);
              assertThat(r).isNotNull();
              List<Prediction> expected = service.predictAll(maps);
              for (int i = 0; i < rows.size(); i++) {
                Prediction p = expected.get(i);
                assertThat(r.outputs().get(i)).isEqualTo(p.output());
                assertThat(r.scores().get(i)).isEqualTo(p.scores());
                assertThat(r.version()).isEqualTo(p.version());
              }
              assertThat(r.id(rows.size() - 1))
                  .isEqualTo(r.idPrefix() + Long.toHexString(r.firstId() + rows.size() - 1));
              assertThat(expected.get(0).id()).startsWith(r.idPrefix());
            });
    double[] odd = new double[names.length];
    odd[0] = Double.NaN;
    assertThat(BatchAccess.predictDense(service, List.of(new DenseRow(names, odd)))).isNull();
  }

  private static List<String> padded(List<String> cells, int width) {
    List<String> out = new ArrayList<>(cells);
    while (out.size() < width) {
      out.add("0.5");
    }
    return out.subList(0, width);
  }

  /** A job's output with prediction ids blanked, its rejects without the raw record, counts. */
  private record Scored(String output, List<String> rejects, long[] counts) {}

  private static Scored score(String csv) {
    try {
      int n = files++;
      Path in = Files.writeString(dir.resolve("in-" + n + ".csv"), csv);
      Path out = dir.resolve("out-" + n + ".csv");
      Path rejects = dir.resolve("out-" + n + ".rejects.jsonl");
      BatchResult r =
          BatchJob.builder()
              .service(service)
              .input(in)
              .output(out)
              .rejects(rejects)
              .passThrough("id")
              .parallelism(2)
              .chunkSize(8)
              .build()
              .run();
      String output = Files.readString(out).replaceAll("(?m)^(r[0-9]+),[^,]+,", "$1,ID,");
      ObjectMapper json = new ObjectMapper();
      List<String> rejected = new ArrayList<>();
      for (String line : Files.readAllLines(rejects)) {
        ObjectNode node = (ObjectNode) json.readTree(line);
        node.remove("raw");
        rejected.add(node.toString());
      }
      return new Scored(
          output, rejected, new long[] {r.rowsRead(), r.rowsScored(), r.rowsRejected()});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
