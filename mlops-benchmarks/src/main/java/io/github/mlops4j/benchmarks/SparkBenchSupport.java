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

  /**
   * CPU time of every thread of this process so far, in nanoseconds (Spark's executor threads, the
   * driver, compilers and GC): on a shared machine the CPU a job uses says more than its wall time.
   */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : -1;
  }

  /** Milliseconds the garbage collectors have spent so far. */
  static long gcMillis() {
    long ms = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  /** Seconds {@code job} takes. */
  static double seconds(Runnable job) {
    long t0 = System.nanoTime();
    job.run();
    return (System.nanoTime() - t0) / 1e9;
  }
}
