package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.github.mlops4j.registry.ModelFormatLoader;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * A {@code BatchJob} over an ONNX model costs one {@code OrtSession.run} per chunk (the model's run
 * counter), and answers what a plain {@code OrtSession.run} of the same rows answers (within 1e-6).
 */
class OnnxBatchRunsTest {
  @TempDir Path dir;

  /** The ONNX loader, keeping each model it loads so that the test can read its run counter. */
  static final class Keeping implements ModelFormatLoader {
    final OnnxLoader delegate = new OnnxLoader();
    final List<OnnxModel<?>> models = new CopyOnWriteArrayList<>();

    @Override
    public String format() {
      return delegate.format();
    }

    @Override
    public <T extends Output<T>> Model<T> load(
        ModelVersion version, byte[] bytes, Class<T> outputType) {
      Model<T> m = delegate.load(version, bytes, outputType);
      models.add((OnnxModel<?>) m);
      return m;
    }
  }

  /** The 20 fixture rows, each repeated with its values scaled slightly: {@code n} rows. */
  private static List<Map<String, Double>> rows(int n) {
    List<Map<String, Double>> base = Fixtures.rows();
    List<Map<String, Double>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double scale = 1 + (i / base.size()) / 1000.0;
      Map<String, Double> row = new LinkedHashMap<>();
      base.get(i % base.size()).forEach((k, v) -> row.put(k, v * scale));
      out.add(row);
    }
    return out;
  }

  @Test
  void aBatchJobRunsTheModelOncePerChunk_andEqualsOrtSessionRun() throws Exception {
    int n = 2_000;
    int chunk = 500;
    List<Map<String, Double>> rows = rows(n);
    StringBuilder csv = new StringBuilder("id,").append(String.join(",", Fixtures.FEATURES));
    for (int i = 0; i < n; i++) {
      csv.append("\nr-").append(i);
      for (String f : Fixtures.FEATURES) {
        csv.append(',').append(rows.get(i).get(f));
      }
    }
    Path in = Files.writeString(dir.resolve("rows.csv"), csv.append('\n'));
    Path out = dir.resolve("scores.csv");
    Map<String, float[][]> raw = RawOnnx.run(Fixtures.file("classifier.onnx"), rows);
    float[][] probabilities = raw.get("probabilities");
    float[][] labels = raw.get("label");
    Keeping loader = new Keeping();
    try (ModelRegistry registry =
        ModelRegistry.builder()
            .workspace(dir.resolve("ws"))
            .pollInterval(Duration.ZERO)
            .modelLoader(loader)
            .build()) {
      register(registry);
      try (InferenceService service =
          InferenceService.builder().registry(registry).model("churn").build()) {
        OnnxModel<?> model = loader.models.get(0);
        long before = model.runs();

        BatchResult r =
            BatchJob.builder()
                .service(service)
                .input(in)
                .output(out)
                .passThrough("id")
                .parallelism(2)
                .chunkSize(chunk)
                .build()
                .run();

        assertThat(r.rowsScored()).isEqualTo(n);
        assertThat(model.runs() - before).isEqualTo(n / chunk);
        List<Map<String, String>> scored = readCsv(out);
        assertThat(scored).hasSize(n);
        for (int i = 0; i < n; i++) {
          Map<String, String> row = scored.get(i);
          assertThat(row.get("id")).isEqualTo("r-" + i);
          assertThat(row.get("output")).isEqualTo(labels[i][0] == 1 ? "yes" : "no");
          assertThat(Double.parseDouble(row.get("score_no")))
              .isCloseTo(probabilities[i][0], within(1e-6));
          assertThat(Double.parseDouble(row.get("score_yes")))
              .isCloseTo(probabilities[i][1], within(1e-6));
        }
      }
    }
  }

  private static void register(ModelRegistry registry) {
    registry.register(
        "churn",
        OnnxArtifact.of(Fixtures.file("classifier.onnx"))
            .columns("tenure", "age", "spend", "visits")
            .classification("no", "yes")
            .toArtifact(),
        null);
  }

  private static List<Map<String, String>> readCsv(Path file) throws Exception {
    try (MappingIterator<Map<String, String>> it =
        new CsvMapper()
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(file.toFile())) {
      return it.readAll();
    }
  }
}
