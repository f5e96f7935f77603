package io.github.mlops4j.benchmarks;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import io.github.mlops4j.spark.SparkProfiles;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Profiling rows read from Parquet on Spark {@code local[2]} ({@link SparkProfiles#profile}: one
 * {@link ProfileAccumulator} per partition, merged on the driver) against the single-JVM update
 * rate of a {@link ProfileAccumulator} on one thread, in the same run and the same JVM. A timed
 * main, not JMH: a Spark job is seconds long and JMH's forks would start Spark anew.
 *
 * <p>Setup: {@code rows} rows of {@code columns} numeric columns (standard normal, 1 % NaN, as
 * {@link ProfileUpdateBenchmark}), written once as 8 Parquet files (kept in {@code dir} between
 * runs). The target of the issue is Spark's rows/s per core at least 0.7 x the single-JVM rate.
 *
 * <ul>
 *   <li><b>spark</b>: read the Parquet files, profile every row, merge: rows/s, and per core
 *       (divided by 2).
 *   <li><b>single</b>: {@code ProfileAccumulator.update(double[])} over 65,536 rows held in memory,
 *       repeated up to {@code rows} rows (the values do not change the cost), then a snapshot:
 *       rows/s of one thread, with no reading or decoding (the update rate itself).
 *   <li><b>single, columns</b>: the same rows through {@code ProfileAccumulator.updateColumns},
 *       4,096 rows at a time held column by column (the size of Spark's Parquet column batches), as
 *       {@code SparkProfiles} updates a partition read as column batches: the single-JVM rate with
 *       the same batch update.
 *   <li><b>reading alone</b>: the same Parquet files read by the same vectorized scan and each
 *       column only summed (Spark's generated code): the CPU per row that reading and decoding cost
 *       on Spark, which the single-thread loops do not pay.
 * </ul>
 *
 * <p>One warm-up of each, then {@code rounds} alternating rounds; the median of each is reported.
 * Each round also prints CPU time per row, which compares better than wall time on a shared
 * machine: the Spark job's tasks ({@code executorCpuTime} of Spark's task metrics: the task
 * threads, reading and decoding Parquet included; the number of tasks; the GC pauses they saw), the
 * whole process during the job (the driver, JIT compilers and GC threads too; the compilers' time
 * is printed apart), and the single-thread loops' own thread, with the ratio of the tasks' CPU per
 * row to each loop's. Build and class path as in {@link SparkScoringBench}, then:
 *
 * <pre>
 * java (the --add-opens flags of SparkScoringBench) -Xmx3g \
 *     -cp mlops-benchmarks/target/classes:$(cat /tmp/spark-bench.cp) \
 *     io.github.mlops4j.benchmarks.SparkProfileBench 10000000 50 3 /tmp/spark-bench
 * </pre>
 *
 * <p>Arguments: rows (default 1,000,000), columns (default 50), rounds (default 3), the directory.
 */
public final class SparkProfileBench {
  private static final int BLOCK = 65_536;
  private static final int BATCH = 4_096;

  private SparkProfileBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int columns = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Path.of(args.length > 3 ? args[3] : "/tmp/spark-bench");
    SparkSession spark = SparkBenchSupport.local("spark-profile-bench");
    Path parquet = dir.resolve("profile-" + rows + "x" + columns + ".parquet");
    if (!Files.exists(parquet)) {
      write(spark, rows, columns, parquet);
    }
    ProfileSchema.Builder sb = ProfileSchema.builder();
    for (int j = 0; j < columns; j++) {
      sb.numeric("f" + j);
    }
    ProfileSchema schema = sb.build();
    double[][] block = ProfileUpdateBenchmark.rows(42, BLOCK, columns);
    Dataset<Row> input = spark.read().parquet(parquet.toString());

    List<Double> sparkRates = new ArrayList<>();
    List<Double> single = new ArrayList<>();
    List<Double> singleColumns = new ArrayList<>();
    double[][][] batches = columnBatches(block, columns);
    long[] seen = new long[3];
    Runnable sparkJob = () -> seen[0] = SparkProfiles.profile(input, schema).rows();
    Runnable singleJob = () -> seen[1] = singleJvm(schema, block, rows).rows();
    Runnable columnsJob = () -> seen[2] = singleJvmColumns(schema, batches, rows).rows();
    // The floor of reading: the same columns decoded by the same vectorized Parquet scan and only
    // summed (whole-stage generated code), to set against the profile job's task CPU.
    Column[] sums = new Column[columns];
    for (int j = 0; j < columns; j++) {
      sums[j] = functions.sum(input.col("f" + j));
    }
    Column[] rest = Arrays.copyOfRange(sums, 1, columns);
    Runnable scanJob = () -> input.agg(sums[0], rest).collectAsList();
    List<Double> scanRates = new ArrayList<>();
    TaskCpu tasks = new TaskCpu();
    spark.sparkContext().addSparkListener(tasks);
    for (int i = 0; i <= rounds; i++) { // round 0 is the warm-up
      long[] before = tasks.totals();
      long process = SparkBenchSupport.processCpuNanos();
      long compiling = compilationMillis();
      double sparkSeconds = SparkBenchSupport.seconds(sparkJob);
      process = SparkBenchSupport.processCpuNanos() - process;
      compiling = compilationMillis() - compiling;
      long thread = threadCpuNanos();
      double singleSeconds = SparkBenchSupport.seconds(singleJob);
      long singleCpu = threadCpuNanos() - thread;
      thread = threadCpuNanos();
      double columnsSeconds = SparkBenchSupport.seconds(columnsJob);
      long columnsCpu = threadCpuNanos() - thread;
      long[] job = tasks.since(before);
      long[] scanBefore = tasks.totals();
      double scanSeconds = SparkBenchSupport.seconds(scanJob);
      long[] scan = tasks.since(scanBefore);
      System.out.printf(
          "round %d: reading alone (sum of every column): CPU us per row in executor tasks %.2f,"
              + " %.0f rows/s%n",
          i, perRow(scan[1], rows), rows / scanSeconds);
      System.out.printf(
          "round %d: CPU us per row: spark executor tasks %.2f (%d tasks, GC pauses during them %.2f),"
              + " whole process %.2f (compiling %d ms); single update(double[]) %.2f,"
              + " updateColumns %.2f; executor tasks / single %.2f, / updateColumns %.2f%n",
          i,
          perRow(job[1], rows),
          job[0],
          perRow(job[2] * 1_000_000L, rows),
          perRow(process, rows),
          compiling,
          perRow(singleCpu, rows),
          perRow(columnsCpu, rows),
          (double) job[1] / singleCpu,
          (double) job[1] / columnsCpu);
      if (i > 0) {
        sparkRates.add(rows / sparkSeconds);
        single.add(rows / singleSeconds);
        singleColumns.add(rows / columnsSeconds);
        scanRates.add(rows / scanSeconds);
      }
    }
    if (seen[0] != rows || seen[1] != rows || seen[2] != rows) {
      throw new IllegalStateException(
          "profiled " + seen[0] + ", " + seen[1] + " and " + seen[2] + " rows");
    }
    double s = SparkBenchSupport.median(sparkRates);
    double one = SparkBenchSupport.median(single);
    double oneColumns = SparkBenchSupport.median(singleColumns);
    System.out.printf(
        "rows=%d columns=%d rounds=%d%nspark  rows/s: median %.0f (per core %.0f) %s%n"
            + "single rows/s (one thread, update(double[])): median %.0f %s%n"
            + "single rows/s (one thread, updateColumns): median %.0f %s%n"
            + "ratio spark per core / single: %.3f, / single with updateColumns: %.3f%n"
            + "reading alone rows/s: median %.0f %s%n",
        rows,
        columns,
        rounds,
        s,
        s / 2,
        sparkRates,
        one,
        single,
        oneColumns,
        singleColumns,
        s / 2 / one,
        s / 2 / oneColumns,
        SparkBenchSupport.median(scanRates),
        scanRates);
    spark.stop();
  }

  private static double perRow(long nanos, int rows) {
    return nanos / 1e3 / rows;
  }

  /** CPU time of the calling thread so far, in nanoseconds (-1 where the JVM does not measure). */
  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** Milliseconds the JIT compilers have spent so far (-1 where the JVM does not say). */
  private static long compilationMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /**
   * The tasks that have ended and their CPU time ({@code executorCpuTime}: the task's thread,
   * reading and decoding Parquet included) and GC time, as Spark's task metrics report them.
   */
  private static final class TaskCpu extends SparkListener {
    private long tasks;
    private long cpuNanos;
    private long gcMillis;
    private long jobs;

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
      tasks++;
      if (end.taskMetrics() != null) {
        cpuNanos += end.taskMetrics().executorCpuTime();
        gcMillis += end.taskMetrics().jvmGCTime();
      }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
      jobs++;
      notifyAll();
    }

    /** Tasks, CPU nanoseconds, GC milliseconds and jobs so far. */
    synchronized long[] totals() {
      return new long[] {tasks, cpuNanos, gcMillis, jobs};
    }

    /**
     * Tasks, CPU nanoseconds and GC milliseconds of the job that ended after {@code before}: waits
     * (up to a minute) for the listener bus to deliver its end, which follows its tasks' ends.
     */
    synchronized long[] since(long[] before) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (jobs <= before[3] && System.nanoTime() < deadline) {
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return new long[] {tasks - before[0], cpuNanos - before[1], gcMillis - before[2]};
    }
  }

  private static Profile singleJvm(ProfileSchema schema, double[][] block, int rows) {
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    for (int i = 0; i < rows; i++) {
      acc.update(block[i % BLOCK]);
    }
    return acc.snapshot();
  }

  /** The block's rows as column batches of {@value #BATCH} rows: [batch][column][row]. */
  private static double[][][] columnBatches(double[][] block, int columns) {
    double[][][] out = new double[BLOCK / BATCH][columns][BATCH];
    for (int r = 0; r < BLOCK; r++) {
      for (int j = 0; j < columns; j++) {
        out[r / BATCH][j][r % BATCH] = block[r][j];
      }
    }
    return out;
  }

  private static Profile singleJvmColumns(ProfileSchema schema, double[][][] batches, int rows) {
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    for (int done = 0, b = 0; done < rows; b = (b + 1) % batches.length) {
      int n = Math.min(BATCH, rows - done);
      acc.updateColumns(batches[b], null, n);
      done += n;
    }
    return acc.snapshot();
  }

  private static void write(SparkSession spark, int rows, int columns, Path parquet) {
    StructType schema = new StructType();
    for (int j = 0; j < columns; j++) {
      schema = schema.add("f" + j, DataTypes.DoubleType, true);
    }
    spark
        .range(0, rows, 1, 8)
        .map(
            (MapFunction<Long, Row>)
                id -> {
                  double[] v = ProfileUpdateBenchmark.rows(id, 1, columns)[0];
                  Object[] r = new Object[columns];
                  for (int j = 0; j < columns; j++) {
                    r[j] = v[j];
                  }
                  return RowFactory.create(r);
                },
            Encoders.row(schema))
        .write()
        .parquet(parquet.toString());
  }
}
