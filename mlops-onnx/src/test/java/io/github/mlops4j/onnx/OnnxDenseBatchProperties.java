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
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
