package io.github.mlops4j.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** A small Spark in this JVM: {@code local[2]}, no UI, few shuffle partitions. */
final class LocalSpark {
  private LocalSpark() {}

  static SparkSession start(Path scratch) {
    return SparkSession.builder()
        .master("local[2]")
        .appName("mlops-spark-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.local.dir", scratch.toString())
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }
}
