package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.onnx.OnnxArtifact;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version of another format scores through the registry's ModelFormatLoader SPI: mlops-onnx's
 * scikit-learn logistic regression fixture, checked against scikit-learn's own predict_proba
 * (sklearn_predictions.csv, written by mlops-onnx's make_fixtures.py).
 */
class SparkOnnxScoringIT {
  static final Path FIXTURES =
      Path.of("../mlops-onnx/src/test/resources/io/github/mlops4j/onnx/fixtures");

  @TempDir Path tmp;

  @Test
  void anOnnxVersionScoresAsScikitLearnPredicts() throws IOException {
    SparkSession spark = SparkSessions.local();
    ModelVersion v;
    try (ModelRegistry r = ModelRegistry.open(tmp.resolve("ws"))) {
      v =
          r.register(
              "churn",
              OnnxArtifact.of(FIXTURES.resolve("classifier.onnx"))
                  .columns("tenure", "age", "spend", "visits")
                  .classification("no", "yes")
                  .toArtifact(),
              null);
    }
    assertThat(v.format()).isEqualTo("onnx");
    Path parquet = tmp.resolve("rows.parquet");
    spark
        .read()
        .option("header", "true")
        .option("inferSchema", "true")
        .csv(FIXTURES.resolve("rows.csv").toString())
        .withColumn("row", org.apache.spark.sql.functions.monotonically_increasing_id())
        .coalesce(1)
        .write()
        .parquet(parquet.toString());
    Dataset<Row> rows = spark.read().parquet(parquet.toString()).repartition(3);

    List<Row> scored =
        MlopsSpark.score(rows, RegistryRef.workspace(tmp.resolve("ws")).build(), "churn", "1")
            .all()
            .orderBy("row")
            .collectAsList();

    List<String> expected = Files.readAllLines(FIXTURES.resolve("sklearn_predictions.csv"));
    assertThat(scored).hasSize(expected.size() - 1);
    for (int i = 0; i < scored.size(); i++) {
      String[] sk = expected.get(i + 1).split(",");
      Row row = scored.get(i);
      assertThat(row.isNullAt(row.fieldIndex("reject_reason"))).isTrue();
      assertThat(row.getString(row.fieldIndex("prediction")))
          .isEqualTo(sk[0].equals("1") ? "yes" : "no");
      Map<String, Double> scores = row.getJavaMap(row.fieldIndex("scores"));
      // onnxruntime computes in float: within float precision of scikit-learn's doubles
      assertThat(scores.get("no")).isCloseTo(Double.parseDouble(sk[1]), within(1e-6));
      assertThat(scores.get("yes")).isCloseTo(Double.parseDouble(sk[2]), within(1e-6));
    }
  }
}
