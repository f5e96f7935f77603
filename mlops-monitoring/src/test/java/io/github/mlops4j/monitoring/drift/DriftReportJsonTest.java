package io.github.mlops4j.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON format: a golden file pins every field name, order and number format. */
class DriftReportJsonTest {
  static final String GOLDEN = "drift-report-v1.json";

  /** A report with every kind of value: a test, a distance, an infinite statistic, nulls. */
  static DriftReport sample() {
    return DriftReport.builder()
        .preset("evidently")
        .createdTime(Instant.parse("2024-06-01T12:00:00Z"))
        .rows(1200, 800)
        .datasetThreshold(0.5)
        .column(
            new ColumnDrift(
                "age",
                ColumnType.NUMERIC,
                "ks",
                0.00125,
                0.05,
                true,
                0.25,
                0.00125,
                null,
                new DataQuality(0.0, 0.05, List.of(), 0.125, false, false),
                null),
            new ColumnHistogram(
                List.of("[0, 50)", "[50, 100]", "(missing)"),
                new double[] {0.5, 0.5, 0},
                new double[] {0.25, 0.7, 0.05}),
            "ks(p <= 0.05): D = 0.25, exact p-value; n = 1200, m = 760")
        .column(
            new ColumnDrift(
                "city",
                ColumnType.CATEGORICAL,
                "chisquare",
                0.0,
                0.05,
                true,
                Double.POSITIVE_INFINITY,
                0.0,
                null,
                new DataQuality(0.1, 0.1, List.of("Lima"), 0, false, false),
                null),
            new ColumnHistogram(
                List.of("Oslo", "Rome", "Lima"),
                new double[] {0.6, 0.3, 0},
                new double[] {0.5, 0.3, 0.1}),
            "chisquare(p < 0.05): goodness of fit against the reference")
        .column(
            new ColumnDrift(
                "score",
                ColumnType.NUMERIC,
                "psi_sketch",
                0.03,
                0.2,
                false,
                0.03,
                null,
                0.005,
                new DataQuality(0.0, 0.0, List.of(), 0.0, true, true),
                "computed from sketches"),
            null)
        .build();
  }

  @Test
  void matchesGoldenFile() throws IOException {
    String expected;
    try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(GOLDEN), GOLDEN)) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(sample().toJson()).isEqualTo(expected);
  }

  @Test
  void detectorReport_isValidJsonWithSchemaVersion(@TempDir Path dir) throws IOException {
    Frame ref =
        Frame.builder()
            .numeric("x", DriftTestData.range(1, 50))
            .categorical("k", DriftTestData.labels(new String[] {"a", "b", "c"}, 20, 20, 10))
            .build();
    Frame cur =
        Frame.builder()
            .numeric("x", DriftTestData.range(30, 79))
            .categorical("k", DriftTestData.labels(new String[] {"a", "b", "d"}, 10, 20, 20))
            .build();
    DriftReport report = DriftDetector.builder(ref).clock(DriftTestData.CLOCK).build().compare(cur);
    Path file = dir.resolve("report.json");
    report.writeJson(file);
    JsonNode root = new ObjectMapper().readTree(Files.readString(file));
    assertThat(root.get("schemaVersion").asInt())
        .isEqualTo(DriftReport.SCHEMA_VERSION)
        .isEqualTo(1);
    assertThat(root.get("createdTime").asText()).isEqualTo("2024-06-01T12:00:00Z");
    assertThat(root.get("columns")).hasSize(2);
    JsonNode k = root.get("columns").get(1);
    assertThat(k.get("column").asText()).isEqualTo("k");
    assertThat(k.get("method").asText()).isEqualTo("chisquare");
    assertThat(k.get("rule").asText()).isEqualTo("p < threshold");
    assertThat(k.get("statistic").asText()).isEqualTo("Infinity");
    assertThat(k.get("quality").get("newCategories").get(0).asText()).isEqualTo("d");
    assertThat(k.get("histogram").get("bins")).hasSize(4);
    assertThat(root.get("driftedColumns").asInt()).isEqualTo(report.driftedColumns());
    assertThat(root.get("datasetDrift").asBoolean()).isEqualTo(report.datasetDrift());
  }

  /**
   * Regenerates the golden file; run by hand after an intended format change (and bump the
   * version).
   */
  public static void main(String[] args) throws IOException {
    Path out = Path.of("src/test/resources/io/github/mlops4j/monitoring/drift", GOLDEN);
    Files.writeString(out, sample().toJson(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath());
  }
}
