package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.batch.BatchJob;
import io.github.mlops4j.serving.batch.BatchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BatchJob} over CSV and JSON Lines files with ONNX versions: every scored row equals a
 * plain {@code OrtSession.run} of the same rows (within 1e-6), in input order.
 */
class OnnxBatchJobTest {
  @TempDir Path dir;

  private ModelRegistry registry() {
    ModelRegistry registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
    registry.register(
        "churn",
        OnnxArtifact.of(Fixtures.file("classifier.onnx"))
            .columns(Fixtures.FEATURES.toArray(String[]::new))
            .classification("no", "yes")
            .toArtifact(),
        null);
    registry.register(
        "spend",
        OnnxArtifact.of(Fixtures.file("regressor.onnx"))
            .columns(Fixtures.FEATURES.toArray(String[]::new))
            .regression()
            .toArtifact(),
        null);
    return registry;
  }

  /** The holdout rows (100), feature name to value. */
  private static List<Map<String, Double>> rows() throws Exception {
    List<String> lines = Files.readAllLines(Fixtures.file("holdout_classifier.csv"));
    List<Map<String, Double>> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      Map<String, Double> row = new LinkedHashMap<>();
      for (int j = 0; j < Fixtures.FEATURES.size(); j++) {
        row.put(Fixtures.FEATURES.get(j), Double.parseDouble(c[j]));
      }
      out.add(row);
    }
    return out;
  }

  @Test
  void csvScoresEqualOrtSession() throws Exception {
    List<Map<String, Double>> rows = rows();
    float[][] raw = RawOnnx.run(Fixtures.file("classifier.onnx"), rows).get("probabilities");
    float[][] labels = RawOnnx.run(Fixtures.file("classifier.onnx"), rows).get("label");
    StringBuilder csv = new StringBuilder("customer_id," + String.join(",", Fixtures.FEATURES));
    for (int i = 0; i < rows.size(); i++) {
      csv.append("\nc-").append(i);
      for (String f : Fixtures.FEATURES) {
        csv.append(',').append(rows.get(i).get(f));
      }
    }
    Path in = Files.writeString(dir.resolve("customers.csv"), csv.append('\n'));
    Path out = dir.resolve("scores.csv");
    try (ModelRegistry registry = registry();
        InferenceService service =
            InferenceService.builder().registry(registry).model("churn").build()) {
      BatchResult r =
          BatchJob.builder()
              .service(service)
              .input(in)
              .output(out)
              .passThrough("customer_id")
              .parallelism(2)
              .chunkSize(16)
              .build()
              .run();
      assertThat(r.rowsScored()).isEqualTo(rows.size());
      assertThat(r.rowsRejected()).isZero();
    }
    List<String> lines = Files.readAllLines(out);
    List<String> header = List.of(lines.get(0).split(","));
    assertThat(lines).hasSize(rows.size() + 1);
    for (int i = 0; i < rows.size(); i++) {
      String[] cells = lines.get(i + 1).split(",");
      assertThat(cells[header.indexOf("customer_id")]).isEqualTo("c-" + i);
      assertThat(cells[header.indexOf("output")]).isEqualTo(labels[i][0] == 1 ? "yes" : "no");
      assertThat(Double.parseDouble(cells[header.indexOf("score_no")]))
          .isCloseTo(raw[i][0], within(1e-6));
      assertThat(Double.parseDouble(cells[header.indexOf("score_yes")]))
          .isCloseTo(raw[i][1], within(1e-6));
    }
  }

  @Test
  void jsonLinesScoresEqualOrtSession() throws Exception {
    List<Map<String, Double>> rows = rows();
    float[][] raw = RawOnnx.run(Fixtures.file("regressor.onnx"), rows).get("variable");
    ObjectMapper json = new ObjectMapper();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> line = new LinkedHashMap<>(rows.get(i));
      line.put("id", i);
      lines.append(json.writeValueAsString(line)).append('\n');
    }
    Path in = Files.writeString(dir.resolve("customers.jsonl"), lines);
    Path out = dir.resolve("scores.jsonl");
    try (ModelRegistry registry = registry();
        InferenceService service =
            InferenceService.builder().registry(registry).model("spend").build()) {
      BatchResult r =
          BatchJob.builder()
              .service(service)
              .input(in)
              .output(out)
              .passThrough("id")
              .parallelism(3)
              .chunkSize(7)
              .build()
              .run();
      assertThat(r.rowsScored()).isEqualTo(rows.size());
    }
    List<String> scored = Files.readAllLines(out);
    assertThat(scored).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode n = json.readTree(scored.get(i));
      assertThat(n.get("id").asInt()).isEqualTo(i);
      assertThat(n.get("model_version").asInt()).isEqualTo(1);
      assertThat(n.get("score_variable").asDouble()).isCloseTo(raw[i][0], within(1e-6));
    }
  }
}
