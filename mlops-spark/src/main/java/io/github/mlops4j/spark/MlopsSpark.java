package io.github.mlops4j.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Shortcuts for the common Spark uses; {@link SparkScoring#builder()} has every setting.
 *
 * @since 0.1.0
 */
public final class MlopsSpark {
  private MlopsSpark() {}

  /**
   * Scores {@code dataset} with the version {@code aliasOrVersion} of {@code model} resolves to
   * now, rejecting invalid rows (see {@link SparkScoring#score}).
   */
  public static ScoredDataset score(
      Dataset<Row> dataset, RegistryRef registry, String model, String aliasOrVersion) {
    return SparkScoring.builder()
        .spark(dataset.sparkSession())
        .registry(registry)
        .model(model)
        .reference(aliasOrVersion)
        .build()
        .score(dataset);
  }

  /**
   * Registers the version {@code aliasOrVersion} of {@code model} resolves to now as the SQL
   * function {@code model} (see {@link SparkScoring#registerFunction}).
   *
   * @return the scoring, to read the pinned {@link SparkScoring#version()}
   */
  public static SparkScoring registerFunction(
      SparkSession spark, RegistryRef registry, String model, String aliasOrVersion) {
    SparkScoring scoring =
        SparkScoring.builder()
            .spark(spark)
            .registry(registry)
            .model(model)
            .reference(aliasOrVersion)
            .build();
    scoring.registerFunction(spark, model);
    return scoring;
  }
}
