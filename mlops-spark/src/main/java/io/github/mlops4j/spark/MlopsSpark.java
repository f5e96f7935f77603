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
   * now, rejecting invalid rows (see {@link SparkScoring#score}). The model's bytes are broadcast
   * for this result alone: {@link ScoredDataset#close() close} it once its Datasets are written to
   * free them on the executors.
   */
  public static ScoredDataset score(
      Dataset<Row> dataset, RegistryRef registry, String model, String aliasOrVersion) {
    SparkScoring scoring =
        SparkScoring.builder()
            .spark(dataset.sparkSession())
            .registry(registry)
            .model(model)
            .reference(aliasOrVersion)
            .build();
    try {
      ScoredDataset scored = scoring.score(dataset);
      return new ScoredDataset(scored.all(), scored.model(), scored.version(), scoring);
    } catch (RuntimeException e) {
      scoring.release();
      throw e;
    }
  }

  /**
   * Registers the version {@code aliasOrVersion} of {@code model} resolves to now as the SQL
   * function {@code model} (see {@link SparkScoring#registerFunction}).
   *
   * @return the scoring, to read the pinned {@link SparkScoring#version()} and to {@link
   *     SparkScoring#release() release} the broadcast once the function is no longer used
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
