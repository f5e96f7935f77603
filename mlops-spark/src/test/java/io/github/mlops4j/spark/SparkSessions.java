package io.github.mlops4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local[2] session for the tests of this module (Spark allows one context per JVM), started
 * again if a suite that needs its own settings stopped it.
 */
final class SparkSessions {
  private static SparkSession session;

  private SparkSessions() {}

  static synchronized SparkSession local() {
    if (session == null || session.sparkContext().isStopped()) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("mlops-spark-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }
}
