package io.github.mlops4j.serving.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.serving.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A model trained on one-hot features ({@code region@east}, ...) scores the same in a batch file
 * with a raw {@code region} column, in a file with the one-hot columns (0 cold, 1 hot), and online
 * through {@code predict(Map)} with {@code "region": "south"}.
 */
class RawCategoricalBatchTest {
  private static final String[] REGIONS = {"east", "north", "south", "west"};

  @TempDir Path dir;
  private ModelRegistry registry;
  private InferenceService service;

  /** Defaults depend on debt_ratio and on the region, as a one-hot encoder would give it. */
  static Model<Label> loanModel() {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("loans", factory), factory);
    Random random = new Random(22);
    for (int i = 0; i < 600; i++) {
      double debt = random.nextDouble();
      int r = random.nextInt(REGIONS.length);
      double risk = debt + (r == 2 ? 0.4 : r == 0 ? -0.3 : 0.0);
      data.add(
          new ArrayExample<>(
              new Label(risk > 0.6 ? "default" : "repaid"),
              new String[] {"debt_ratio", "region@" + REGIONS[r]},
              new double[] {debt, 1.0}));
    }
    return new LogisticRegressionTrainer().train(data);
  }

  @BeforeEach
  void open() {
    registry =
        ModelRegistry.builder().workspace(dir.resolve("ws")).pollInterval(Duration.ZERO).build();
    ModelVersion v = registry.register("loans", loanModel(), null);
    service =
        InferenceService.builder().registry(registry).model("loans").version(v.version()).build();
  }

  @AfterEach
  void close() {
    service.close();
    registry.close();
  }

  private static double debt(int i) {
    return (i * 37 % 100) / 100.0;
  }

  private static String region(int i) {
    return REGIONS[i % REGIONS.length];
  }

  private List<Prediction> online(int rows) {
    List<Prediction> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      out.add(service.predict(Map.of("debt_ratio", debt(i), "region", region(i))));
    }
    return out;
  }

  /**
   * Output and scores of each row of a CSV output (columns id, prediction_id, version, output,
   * scores).
   */
  private static void assertSameAsOnline(Path out, List<Prediction> expected) {
    List<String> lines = BatchFixtures.lines(out);
    assertThat(lines.get(0))
        .isEqualTo("id,prediction_id,model_version,output,score_default,score_repaid");
    assertThat(lines).hasSize(expected.size() + 1);
    for (int i = 0; i < expected.size(); i++) {
      String[] cells = lines.get(i + 1).split(",");
      Prediction p = expected.get(i);
      assertThat(cells[0]).isEqualTo("r" + i);
      assertThat(cells[3]).as("row %d", i).isEqualTo(p.output());
      assertThat(
              Map.of(
                  "default", Double.parseDouble(cells[4]), "repaid", Double.parseDouble(cells[5])))
          .as("row %d", i)
          .isEqualTo(p.scores());
    }
  }

  private BatchResult run(Path in, Path out) {
    return BatchJob.builder()
        .service(service)
        .input(in)
        .output(out)
        .passThrough("id")
        .parallelism(2)
        .chunkSize(7)
        .build()
        .run();
  }

  @Test
  void rawCategoricalColumnScoresLikeOnlinePredict() {
    int rows = 40;
    StringBuilder csv = new StringBuilder("id,debt_ratio,region\n");
    for (int i = 0; i < rows; i++) {
      csv.append('r')
          .append(i)
          .append(',')
          .append(debt(i))
          .append(',')
          .append(region(i))
          .append('\n');
    }
    Path out = dir.resolve("raw-scores.csv");
    BatchResult r = run(BatchFixtures.write(dir.resolve("raw.csv"), csv.toString()), out);
    assertThat(r.rowsRejected()).isZero();
    assertThat(r.rowsScored()).isEqualTo(rows);
    assertSameAsOnline(out, online(rows));
  }

  @Test
  void rawCategoricalJsonFieldScoresLikeOnlinePredict() {
    int rows = 20;
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      json.append("{\"id\":\"r")
          .append(i)
          .append("\",\"debt_ratio\":")
          .append(debt(i))
          .append(",\"region\":\"")
          .append(region(i))
          .append("\"}\n");
    }
    Path out = dir.resolve("json-scores.csv");
    BatchResult r =
        BatchJob.builder()
            .service(service)
            .input(BatchFixtures.write(dir.resolve("raw.jsonl"), json.toString()))
            .output(out)
            .passThrough("id")
            .parallelism(1)
            .build()
            .run();
    assertThat(r.rowsRejected()).isZero();
    assertSameAsOnline(out, online(rows));
  }

  @Test
  void oneHotColumnsWithZeroForColdScoreLikeOnlinePredict() {
    int rows = 40;
    StringBuilder csv = new StringBuilder("id,debt_ratio");
    for (String region : REGIONS) {
      csv.append(",region@").append(region);
    }
    csv.append('\n');
    for (int i = 0; i < rows; i++) {
      csv.append('r').append(i).append(',').append(debt(i));
      for (String region : REGIONS) {
        csv.append(',').append(region.equals(region(i)) ? (i % 2 == 0 ? "1" : "1.0") : "0");
      }
      csv.append('\n');
    }
    Path out = dir.resolve("onehot-scores.csv");
    BatchResult r = run(BatchFixtures.write(dir.resolve("onehot.csv"), csv.toString()), out);
    assertThat(BatchFixtures.lines(r.rejects())).hasSize(1); // the header only
    assertThat(r.rowsScored()).isEqualTo(rows);
    assertSameAsOnline(out, online(rows));
  }

  @Test
  void oneHotColumnsWithTrueAndFalseScoreLikeOnlinePredict() {
    int rows = 20;
    StringBuilder csv = new StringBuilder("id,debt_ratio");
    StringBuilder json = new StringBuilder();
    for (String region : REGIONS) {
      csv.append(",region@").append(region);
    }
    csv.append('\n');
    for (int i = 0; i < rows; i++) {
      csv.append('r').append(i).append(',').append(debt(i));
      json.append("{\"id\":\"r").append(i).append("\",\"debt_ratio\":").append(debt(i));
      for (String region : REGIONS) {
        boolean hot = region.equals(region(i));
        csv.append(',').append(hot ? (i % 2 == 0 ? "true" : "TRUE") : "false");
        json.append(",\"region@").append(region).append("\":").append(hot);
      }
      csv.append('\n');
      json.append("}\n");
    }
    Path csvOut = dir.resolve("bool-scores.csv");
    BatchResult r = run(BatchFixtures.write(dir.resolve("bool.csv"), csv.toString()), csvOut);
    assertThat(r.rowsRejected()).isZero();
    assertSameAsOnline(csvOut, online(rows));
    Path jsonOut = dir.resolve("bool-json-scores.csv");
    BatchResult j = run(BatchFixtures.write(dir.resolve("bool.jsonl"), json.toString()), jsonOut);
    assertThat(j.rowsRejected()).isZero();
    assertSameAsOnline(jsonOut, online(rows));
  }

  @Test
  void onlineOneHotRequestWithColdZerosEqualsTheRawRequest() {
    Map<String, Object> oneHot = new HashMap<>(Map.of("debt_ratio", 0.5));
    for (String region : REGIONS) {
      oneHot.put("region@" + region, region.equals("south") ? 1.0 : 0.0);
    }
    assertThat(service.predict(oneHot).scores())
        .isEqualTo(service.predict(Map.of("debt_ratio", 0.5, "region", "south")).scores());
  }

  @Test
  void headerWithBothFormsOfOneFeatureIsRefusedNamingIt() {
    Path in =
        BatchFixtures.write(
            dir.resolve("both.csv"), "id,debt_ratio,region,region@south\nr0,0.5,south,1\n");
    assertThatThrownBy(() -> run(in, dir.resolve("both-scores.csv")))
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining("'region'")
        .hasMessageContaining("region@south")
        .hasMessageContaining("one form");
  }

  @Test
  void headerLackingAFeatureNamesTheRawColumnAndNoIrrelevantBuilderMethod() {
    Path in = BatchFixtures.write(dir.resolve("lacking.csv"), "id,debt_ratio\nr0,0.5\n");
    assertThatThrownBy(() -> run(in, dir.resolve("lacking-scores.csv")))
        .isInstanceOf(BatchJobException.class)
        .hasMessageContaining(
            "[region (a category, e.g. east; or its one-hot columns"
                + " [region@east, region@north, region@south, region@west])]")
        .hasMessageNotContaining("passThrough(")
        .hasMessageNotContaining("requestColumns(");
  }

  @Test
  void oneHotValuesOtherThanZeroAndOneAndAllColdRowsAreRejectedAsOnline() {
    Path in =
        BatchFixtures.write(
            dir.resolve("odd.csv"),
            "id,debt_ratio,region@east,region@north,region@south,region@west\n"
                + "r0,0.5,0,0,0.5,0\n"
                + "r1,0.5,0,0,0,0\n"
                + "r2,0.5,1,0,1,0\n"
                + "r3,0.5,0,0,1,0\n");
    Path out = dir.resolve("odd-scores.csv");
    BatchResult r = run(in, out);
    assertThat(r.rowsScored()).isEqualTo(1);
    List<String> rejects = BatchFixtures.lines(r.rejects());
    assertThat(rejects).hasSize(4);
    assertThat(rejects.get(1)).contains("region@south").contains("0 (cold) or 1 (hot)");
    assertThat(rejects.get(2)).contains("region").contains("no category is hot");
    assertThat(rejects.get(3)).contains("region").contains("two categories");
  }

  /** The worked example of docs/serving.md, "Categorical columns". */
  @Test
  void docExample() {
    Path applicants =
        BatchFixtures.write(
            dir.resolve("applicants.csv"),
            "id,debt_ratio,region\nr0,0.0,east\nr1,0.37,north\nr2,0.74,south\n");
    Path scores = dir.resolve("scores.csv");
    List<String> rows;
    Prediction p;
    // --- as in the docs
    try (InferenceService loans =
        InferenceService.builder().registry(registry).model("loans").version(1).build()) {
      BatchResult r =
          BatchJob.builder()
              .service(loans)
              .input(applicants) // id,debt_ratio,region
              .output(scores)
              .passThrough("id")
              .build()
              .run();
      // row r2 of scores.csv holds what this online call returns:
      p = loans.predict(Map.of("debt_ratio", 0.74, "region", "south"));
      // ---
      assertThat(r.rowsScored()).isEqualTo(3);
    }
    rows = BatchFixtures.lines(scores);
    String[] r2 = rows.get(3).split(",");
    assertThat(r2[0]).isEqualTo("r2");
    assertThat(r2[3]).isEqualTo(p.output());
    assertThat(Double.parseDouble(r2[4])).isEqualTo(p.scores().get("default"));
  }
}
