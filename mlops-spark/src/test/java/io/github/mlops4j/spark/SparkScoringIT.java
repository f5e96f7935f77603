package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.registry.ModelIntegrityException;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegistryException;
import io.github.mlops4j.serving.ValidationPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.Regressor;

/**
 * Batch scoring on Spark local[2] from Parquet files the tests write, checked against Tribuo's own
 * {@code Model.predict} of the same rows.
 */
class SparkScoringIT {
  @TempDir static Path tmp;

  static SparkSession spark;
  static Model<Label> v1;
  static Model<Label> v2;
  static Model<Regressor> spendModel;
  static RegistryRef ref;
  static Map<Long, double[]> good = new HashMap<>();
  static Dataset<Row> customers;

  /** Customers whose features serving refuses, with the reason's key words. */
  static final Map<Long, String> BAD =
      Map.of(
          1000L, "spend",
          1001L, "tenure",
          1002L, "age");

  @BeforeAll
  static void setUp() {
    spark = SparkSessions.local();
    v1 = ChurnData.classifier(1);
    v2 = ChurnData.classifier(7);
    spendModel = ChurnData.regressor(3);
    try (ModelRegistry r = ModelRegistry.open(tmp.resolve("ws"))) {
      r.register("churn", v1, null);
      r.register("churn", v2, null);
      r.setAlias("churn", "champion", 1);
      r.register("spend", spendModel, null);
    }
    ref = RegistryRef.workspace(tmp.resolve("ws")).build();
    List<Row> rows = new ArrayList<>();
    long id = 0;
    for (double[] x : ChurnData.features(240, 42)) {
      good.put(id, x);
      rows.add(ChurnData.row(id++, x));
    }
    rows.add(org.apache.spark.sql.RowFactory.create(1000L, 3.0, null, 40.0, "north"));
    rows.add(org.apache.spark.sql.RowFactory.create(1001L, Double.NaN, 10.0, 40.0, "north"));
    rows.add(
        org.apache.spark.sql.RowFactory.create(1002L, 3.0, 10.0, Double.POSITIVE_INFINITY, "x"));
    Path dir = ChurnData.parquet(spark, rows, tmp.resolve("customers.parquet"));
    customers = spark.read().parquet(dir.toString());
  }

  @Test
  void closingTheShortcutsResult_releasesItsBroadcast_aSharedScoringIsLeftAlone() {
    ScoredDataset scored = MlopsSpark.score(customers, ref, "churn", "champion");
    assertThat(scored.all().count()).isEqualTo(good.size() + BAD.size());
    scored.close();
    scored.close(); // repeated: nothing
    assertThatThrownBy(() -> scored.all().count()).hasStackTraceContaining("destroyed");

    try (SparkScoring scoring =
        SparkScoring.builder().spark(spark).registry(ref).model("churn").build()) {
      ScoredDataset shared = scoring.score(customers);
      shared.close(); // the scoring owns the broadcast: it stays
      assertThat(shared.all().count()).isEqualTo(good.size() + BAD.size());
      // Every evaluation of one result gives a row the same id (Parquet input, no shuffle).
      assertThat(shared.all().select("prediction_id").collectAsList())
          .isEqualTo(shared.all().select("prediction_id").collectAsList());
    }
  }

  @Test
  void predictionsEqualTribuosOwnAndBadRowsAreRejectedNotFatal() {
    ScoredDataset scored = MlopsSpark.score(customers, ref, "churn", "champion");

    assertThat(scored.version()).isEqualTo(1);
    List<Row> all = scored.all().collectAsList();
    assertThat(all).hasSize(good.size() + BAD.size());
    assertThat(scored.all().columns())
        .containsExactly(
            "customer",
            "tenure",
            "spend",
            "age",
            "region",
            "prediction",
            "scores",
            "model_version",
            "prediction_id",
            "reject_reason");
    Set<String> ids = new HashSet<>();
    for (Row r : all) {
      long customer = r.getLong(0);
      assertThat(r.getInt(r.fieldIndex("model_version"))).isEqualTo(1);
      ids.add(r.getString(r.fieldIndex("prediction_id")));
      String reason = r.getString(r.fieldIndex("reject_reason"));
      if (BAD.containsKey(customer)) {
        assertThat(reason).contains(BAD.get(customer));
        assertThat(r.isNullAt(r.fieldIndex("prediction"))).isTrue();
        continue;
      }
      assertThat(reason).isNull();
      org.tribuo.Prediction<Label> expected =
          ChurnData.predict(v1, LabelFactory.UNKNOWN_LABEL, good.get(customer));
      assertThat(r.getString(r.fieldIndex("prediction")))
          .isEqualTo(expected.getOutput().getLabel());
      Map<String, Double> scores = r.getJavaMap(r.fieldIndex("scores"));
      Map<String, Double> want = new HashMap<>();
      expected.getOutputScores().forEach((k, v) -> want.put(k, v.getScore()));
      assertThat(scores).isEqualTo(want);
    }
    assertThat(ids).hasSize(all.size());
    assertThat(scored.rejects().count()).isEqualTo(BAD.size());
    assertThat(scored.predictions().count()).isEqualTo(good.size());
    assertThat(scored.rejects().columns()).contains("reject_reason").doesNotContain("prediction");
  }

  @Test
  void theJobIsPinnedToTheVersionTheAliasNamedAtTheStart() {
    SparkScoring scoring =
        SparkScoring.builder()
            .spark(spark)
            .registry(ref)
            .model("churn")
            .reference("champion")
            .build();
    try (ModelRegistry r = ModelRegistry.open(tmp.resolve("ws"))) {
      r.setAlias("churn", "champion", 2);
      List<Row> rows = scoring.score(customers).predictions().collectAsList();
      assertThat(rows)
          .allSatisfy(row -> assertThat(row.getInt(row.fieldIndex("model_version"))).isEqualTo(1));
      for (Row row : rows) {
        double[] x = good.get(row.getLong(0));
        assertThat(row.getString(row.fieldIndex("prediction")))
            .isEqualTo(ChurnData.predict(v1, LabelFactory.UNKNOWN_LABEL, x).getOutput().getLabel());
      }
      assertThat(scoring.version().version()).isEqualTo(1);
    } finally {
      try (ModelRegistry r = ModelRegistry.open(tmp.resolve("ws"))) {
        r.setAlias("churn", "champion", 1);
      }
    }
  }

  @Test
  void eachJvmLoadsAModelOnceForAllTasksAndJobs() {
    SparkScoring scoring =
        SparkScoring.builder().spark(spark).registry(ref).model("churn").reference("2").build();
    long before = ExecutorModels.loads();
    assertThat(customers.javaRDD().getNumPartitions()).isGreaterThan(1);
    assertThat(scoring.score(customers).all().count()).isEqualTo(good.size() + BAD.size());
    assertThat(scoring.score(customers.repartition(5)).predictions().count())
        .isEqualTo(good.size());
    assertThat(ExecutorModels.loads() - before).isEqualTo(1); // local[2]: one executor JVM
  }

  @Test
  void aRegressionModelGivesTribuosValues() {
    List<Row> rows =
        MlopsSpark.score(customers, ref, "spend", "latest").predictions().collectAsList();
    assertThat(rows).hasSize(good.size());
    for (Row row : rows) {
      double[] x = good.get(row.getLong(0));
      double want =
          ChurnData.predict(spendModel, RegressionFactoryHolder.UNKNOWN, x)
              .getOutput()
              .getValues()[0];
      assertThat(Double.parseDouble(row.getString(row.fieldIndex("prediction")))).isEqualTo(want);
    }
  }

  @Test
  void aFillingPolicyScoresTheRowsRejectWouldRefuse() {
    ScoredDataset scored =
        SparkScoring.builder()
            .spark(spark)
            .registry(ref)
            .model("churn")
            .reference("1")
            .validation(ValidationPolicy.fill(Map.of("spend", 10.0), 0.0))
            .build()
            .score(customers.filter("customer = 1000"));
    Row row = scored.all().collectAsList().get(0);
    assertThat(row.isNullAt(row.fieldIndex("reject_reason"))).isTrue();
    assertThat(row.getString(row.fieldIndex("prediction")))
        .isEqualTo(
            ChurnData.predict(v1, LabelFactory.UNKNOWN_LABEL, new double[] {3.0, 10.0, 40.0})
                .getOutput()
                .getLabel());
  }

  @Test
  void theSqlFunctionScoresLikeTheModel() {
    SparkScoring scoring = MlopsSpark.registerFunction(spark, ref, "churn", "champion");
    customers.createOrReplaceTempView("customers");
    String args = String.join(", ", scoring.inputs());
    List<Row> rows =
        spark
            .sql("SELECT customer, churn(" + args + ") AS s FROM customers ORDER BY customer")
            .collectAsList();
    assertThat(rows).hasSize(good.size() + BAD.size());
    for (Row row : rows) {
      Row s = row.getStruct(1);
      long customer = row.getLong(0);
      if (BAD.containsKey(customer)) {
        assertThat(s.getString(s.fieldIndex("reject_reason"))).contains(BAD.get(customer));
        continue;
      }
      assertThat(s.getInt(s.fieldIndex("model_version"))).isEqualTo(1);
      assertThat(s.getString(s.fieldIndex("prediction")))
          .isEqualTo(
              ChurnData.predict(v1, LabelFactory.UNKNOWN_LABEL, good.get(customer))
                  .getOutput()
                  .getLabel());
    }
  }

  @Test
  void aChangedArtifactIsRefusedOnTheDriverBeforeAnyTaskRuns() throws IOException {
    Path ws = tmp.resolve("tampered");
    ModelVersion v;
    try (ModelRegistry r = ModelRegistry.open(ws)) {
      v = r.register("churn", v1, null);
    }
    try (Stream<Path> files = Files.walk(ws.resolve("artifacts"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 1;
        Files.write(f, b);
      }
    }
    RegistryRef tampered = RegistryRef.workspace(ws).build();
    assertThatThrownBy(() -> MlopsSpark.score(customers, tampered, "churn", "1"))
        .isInstanceOf(RegistryException.class)
        .satisfies(
            e ->
                assertThat(e)
                    .isInstanceOfAny(ModelIntegrityException.class, RegistryException.class));
    assertThat(v.version()).isEqualTo(1);
  }

  @Test
  void anUnknownAliasOrMissingColumnFailsOnTheDriverWithTheReason() {
    assertThatThrownBy(() -> MlopsSpark.score(customers, ref, "churn", "staging"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("staging");
    assertThatThrownBy(() -> MlopsSpark.score(customers.drop("age"), ref, "churn", "champion"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("age");
  }

  /** Tribuo's unknown regressor, for building examples to predict. */
  static final class RegressionFactoryHolder {
    static final Regressor UNKNOWN = org.tribuo.regression.RegressionFactory.UNKNOWN_REGRESSOR;
  }
}
