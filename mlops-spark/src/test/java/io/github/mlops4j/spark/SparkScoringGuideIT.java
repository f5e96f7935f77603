package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring example of docs/spark.md, run as written. */
class SparkScoringGuideIT {
  @TempDir Path tmp;

  @Test
  void theGuideRunsAsWritten() {
    SparkSession spark = SparkSessions.local();
    Path workspace = tmp.resolve("mlops");
    try (ModelRegistry registry = ModelRegistry.open(workspace)) {
      registry.register("churn", ChurnData.classifier(1), null);
      registry.setAlias("churn", "champion", 1);
    }
    List<Row> rows = new ArrayList<>();
    long id = 0;
    for (double[] x : ChurnData.features(20, 5)) {
      rows.add(ChurnData.row(id++, x));
    }
    rows.add(RowFactory.create(99L, 3.0, null, 40.0, "north"));
    String customersPath = ChurnData.parquet(spark, rows, tmp.resolve("in.parquet")).toString();
    String out = tmp.resolve("out").toString();

    // tag::score[]
    RegistryRef registry = RegistryRef.workspace(workspace).build();
    Dataset<Row> customers = spark.read().parquet(customersPath);

    ScoredDataset scored = MlopsSpark.score(customers, registry, "churn", "champion");
    scored.all().cache(); // predictions() and rejects() below read it twice
    scored.predictions().write().parquet(out + "/predictions");
    scored.rejects().write().parquet(out + "/rejects");
    System.out.println("scored with churn v" + scored.version());
    // end::score[]

    // tag::sql[]
    SparkScoring churn = MlopsSpark.registerFunction(spark, registry, "churn", "champion");
    customers.createOrReplaceTempView("customers");
    // the function takes the model's inputs in signature order: churn.inputs()
    Dataset<Row> answers =
        spark.sql(
            "SELECT customer, s.prediction AS churns, s.reject_reason AS why"
                + " FROM (SELECT customer, churn(age, spend, tenure) AS s FROM customers)");
    // end::sql[]

    assertThat(churn.inputs()).containsExactly("age", "spend", "tenure");
    assertThat(spark.read().parquet(out + "/predictions").count()).isEqualTo(20);
    List<Row> rejects = spark.read().parquet(out + "/rejects").collectAsList();
    assertThat(rejects).hasSize(1);
    assertThat(rejects.get(0).getString(rejects.get(0).fieldIndex("reject_reason")))
        .contains("spend");
    assertThat(answers.filter("why IS NULL").count()).isEqualTo(20);
  }
}
