package io.github.mlops4j.benchmarks;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** What the timed Spark harnesses share: the session and the median of their rounds. */
final class SparkBenchSupport {
  private SparkBenchSupport() {}

  /** Spark {@code local[2]} in this JVM, no UI, on the loopback interface. */
  static SparkSession local(String name) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName(name)
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** Seconds {@code job} takes. */
  static double seconds(Runnable job) {
    long t0 = System.nanoTime();
    job.run();
    return (System.nanoTime() - t0) / 1e9;
  }
}
