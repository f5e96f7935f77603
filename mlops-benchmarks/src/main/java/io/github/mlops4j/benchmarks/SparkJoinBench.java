package io.github.mlops4j.benchmarks;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.spark.SparkFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A point-in-time training set on Spark {@code local[2]} ({@link SparkFeatures#historical}, spine
 * and feature rows from Parquet) against the single-JVM join ({@link FeatureStore#historical} on an
 * embedded SQLite workspace holding the same rows), per spine row, in the same run and the same
 * JVM. A timed main, not JMH: a Spark job is seconds long and JMH's forks would start Spark anew.
 *
 * <p>Data, as {@link PointInTimeJoinBenchmark}: 3 views ({@code orders}, {@code payments}, {@code
 * sessions}; TTL 7 days, 2 days, none) of {@code rows} rows each over {@code entities} STRING keys,
 * random event times within 30 days, 3 features (DOUBLE, LONG, DOUBLE); a spine of {@code spine}
 * rows at random entities and times with a label; 9 features joined. Every row comes from a seeded
 * generator by its index, so the Parquet files and the workspace (written through {@link
 * FeatureStore#write}, not measured; both kept in {@code dir} between runs) hold the same rows.
 *
 * <ul>
 *   <li><b>spark</b>: read the Parquet files, join, write to Spark's {@code noop} sink (the plan
 *       runs in full, without output I/O).
 *   <li><b>single</b>: {@code FeatureStore.historical} of the spine held in memory, as a list of
 *       training rows; one thread per view at a time ({@code threads} = 1).
 * </ul>
 *
 * <p>One warm-up of each, then {@code rounds} alternating rounds; the median of each is reported as
 * ns per spine row, with the ratio spark / single (the target is at most 2). Mode {@code
 * single} runs only the single-JVM join: run it with {@code -Xmx4g} and growing {@code spine} to
 * find the largest spine it handles in 4 GiB (the spine and the training rows are held in memory;
 * Spark's join has no such limit). Mode {@code both} holds the spine and its training rows beside
 * Spark in one JVM: at 10 M spine rows give it 12 GiB. Build and class path as in {@link
 * SparkScoringBench}, then:
 *
 * <pre>
 * java (the --add-opens flags of SparkScoringBench) -Xmx12g \
 *     -cp mlops-benchmarks/target/classes:$(cat /tmp/spark-bench.cp) \
 *     io.github.mlops4j.benchmarks.SparkJoinBench 10000000 10000000 2000000 3 /tmp/spark-bench both
 * </pre>
 *
 * <p>Arguments: spine rows (default 1,000,000), rows per view (default 1,000,000), entities
 * (default 200,000), rounds (default 3), the directory, the mode ({@code both}, {@code single},
 * {@code spark}, or {@code prepare}, which only writes the Parquet files and the workspace; default
 * {@code both}).
 */
public final class SparkJoinBench {
  static final List<String> VIEWS = List.of("orders", "payments", "sessions");
  static final Duration[] TTLS = {Duration.ofDays(7), Duration.ofDays(2), Duration.ZERO};
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final long SPAN_SECONDS = Duration.ofDays(30).toSeconds();

  private SparkJoinBench() {}

  public static void main(String[] args) throws Exception {
    int spineRows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int entities = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path dir = Path.of(args.length > 4 ? args[4] : "/tmp/spark-bench");
    String mode = args.length > 5 ? args[5] : "both";
    boolean prepare = mode.equals("prepare");
    boolean spark = !mode.equals("single");
    boolean single = !mode.equals("spark");
    List<String> refs = new ArrayList<>();
    for (String v : VIEWS) {
      for (String f : List.of("a", "b", "c")) {
        refs.add(v + ":" + f);
      }
    }
    // The workspace is kept beside the Parquet files: writing 3 x 10 M rows through the store takes
    // longer than the join rounds. A marker written after the last row says it is complete.
    Path ws = dir.resolve("join-workspace-" + rows + "-" + entities);
    Path complete = ws.resolve("complete");
    boolean written = Files.exists(complete);
    if (single && !written) {
      BenchmarkSupport.deleteRecursively(ws);
    }
    Files.createDirectories(ws);
    try (FeatureStore features =
        FeatureStore.builder()
            .workspace(ws)
            .clock(Clock.fixed(START.plusSeconds(SPAN_SECONDS), ZoneOffset.UTC))
            .build()) {
      for (int v = 0; v < VIEWS.size(); v++) {
        features.apply(
            FeatureView.builder(VIEWS.get(v))
                .entity("customer_id", ValueType.STRING)
                .feature("a", ValueType.DOUBLE)
                .feature("b", ValueType.LONG)
                .feature("c", ValueType.DOUBLE)
                .ttl(TTLS[v])
                .build());
        if (single && !written) {
          List<FeatureRow> batch = new ArrayList<>();
          for (int i = 0; i < rows; i++) {
            batch.add(featureRow(v, i, entities));
            if (batch.size() == 100_000) {
              features.write(VIEWS.get(v), batch);
              batch.clear();
            }
          }
          features.write(VIEWS.get(v), batch);
        }
      }
      if (single && !written) {
        Files.writeString(complete, "");
      }
      List<Double> sparkNanos = new ArrayList<>();
      List<Double> singleNanos = new ArrayList<>();
      Runnable sparkJob = () -> {};
      if (spark) {
        SparkSession session = SparkBenchSupport.local("spark-join-bench");
        Map<String, Dataset<Row>> byView = new LinkedHashMap<>();
        for (int v = 0; v < VIEWS.size(); v++) {
          Path p = dir.resolve("join-" + VIEWS.get(v) + "-" + rows + "-" + entities + ".parquet");
          if (!Files.exists(p)) {
            writeRows(session, v, rows, entities, p);
          }
          byView.put(VIEWS.get(v), session.read().parquet(p.toString()));
        }
        Path sp = dir.resolve("join-spine-" + spineRows + "-" + entities + ".parquet");
        if (!Files.exists(sp)) {
          writeSpine(session, spineRows, entities, sp);
        }
        Dataset<Row> spine = session.read().parquet(sp.toString());
        SparkFeatures join = SparkFeatures.of(features);
        sparkJob =
            () ->
                join.historical(spine, byView, refs)
                    .write()
                    .format("noop")
                    .mode("overwrite")
                    .save();
      }
      if (prepare) {
        SparkSession.getDefaultSession().foreach(SparkJoinBench::stop);
        System.out.println("prepared " + dir);
        return;
      }
      List<EntityRow> spine = new ArrayList<>();
      if (single) {
        for (int i = 0; i < spineRows; i++) {
          spine.add(spineRow(i, entities));
        }
      }
      int[] joined = new int[1];
      Runnable singleJob = () -> joined[0] = features.historical(spine, refs).size();
      List<Double> sparkCpu = new ArrayList<>();
      List<Double> sparkGc = new ArrayList<>();
      for (int i = 0; i <= rounds; i++) { // round 0 is the warm-up
        long cpu0 = SparkBenchSupport.processCpuNanos();
        long gc0 = SparkBenchSupport.gcMillis();
        double s = spark ? SparkBenchSupport.seconds(sparkJob) * 1e9 / spineRows : 0;
        double cpu = (SparkBenchSupport.processCpuNanos() - cpu0) / (double) spineRows;
        double gc = (SparkBenchSupport.gcMillis() - gc0) / 1e3;
        double one = single ? SparkBenchSupport.seconds(singleJob) * 1e9 / spineRows : 0;
        if (i > 0) {
          sparkNanos.add(s);
          sparkCpu.add(cpu);
          sparkGc.add(gc);
          singleNanos.add(one);
        }
      }
      if (single && joined[0] != spineRows) {
        throw new IllegalStateException("the single-JVM join gave " + joined[0] + " rows");
      }
      double s = SparkBenchSupport.median(sparkNanos);
      double one = SparkBenchSupport.median(singleNanos);
      System.out.printf(
          "spine=%d rows/view=%d entities=%d rounds=%d max heap=%d MiB%n"
              + "spark  ns/spine row: median %.0f %s%nsingle ns/spine row: median %.0f %s%n"
              + "ratio spark/single: %.3f%n"
              + "spark  process CPU ns/spine row: median %.0f %s; GC s per round %s%n",
          spineRows,
          rows,
          entities,
          rounds,
          Runtime.getRuntime().maxMemory() >> 20,
          s,
          sparkNanos,
          one,
          singleNanos,
          single && spark ? s / one : Double.NaN,
          SparkBenchSupport.median(sparkCpu),
          sparkCpu,
          sparkGc);
      SparkSession.getDefaultSession().foreach(SparkJoinBench::stop);
    }
  }

  private static Object stop(SparkSession s) {
    s.stop();
    return s;
  }

  /** Row {@code i} of view {@code v}: the same in the workspace and in the Parquet files. */
  static FeatureRow featureRow(int v, long i, int entities) {
    SplittableRandom r = new SplittableRandom(v * 1_000_003L + i);
    Instant e = START.plusSeconds(r.nextLong(SPAN_SECONDS));
    Map<String, Object> values = new HashMap<>();
    values.put("a", r.nextDouble());
    values.put("b", r.nextLong(1_000));
    values.put("c", r.nextDouble());
    return FeatureRow.of(Map.of("customer_id", key(i % entities)), e, e, values);
  }

  static EntityRow spineRow(long i, int entities) {
    SplittableRandom r = new SplittableRandom(-1 - i);
    return EntityRow.of(
        Map.of("customer_id", key(r.nextInt(entities)), "label", r.nextBoolean()),
        START.plusSeconds(r.nextLong(SPAN_SECONDS)));
  }

  static String key(long e) {
    return "customer-" + e;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static void writeRows(SparkSession spark, int v, int rows, int entities, Path p) {
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType, false)
            .add(SparkFeatures.EVENT_TIME, DataTypes.LongType, false)
            .add(SparkFeatures.CREATED_TIME, DataTypes.LongType, false)
            .add(SparkFeatures.SEQUENCE, DataTypes.LongType, false)
            .add("a", DataTypes.DoubleType, true)
            .add("b", DataTypes.LongType, true)
            .add("c", DataTypes.DoubleType, true);
    spark
        .range(0, rows, 1, 8)
        .map(
            (MapFunction<Long, Row>)
                i -> {
                  FeatureRow f = featureRow(v, i, entities);
                  long e = nanos(f.eventTime());
                  // the sequence is the write order of the workspace's rows: the index + 1
                  return RowFactory.create(
                      f.keys().get("customer_id"),
                      e,
                      e,
                      i + 1,
                      f.values().get("a"),
                      f.values().get("b"),
                      f.values().get("c"));
                },
            Encoders.row(schema))
        .write()
        .parquet(p.toString());
  }

  private static void writeSpine(SparkSession spark, int spineRows, int entities, Path p) {
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType, false)
            .add(SparkFeatures.SPINE_TIME, DataTypes.LongType, false)
            .add("label", DataTypes.BooleanType, false);
    spark
        .range(0, spineRows, 1, 8)
        .map(
            (MapFunction<Long, Row>)
                i -> {
                  EntityRow r = spineRow(i, entities);
                  return RowFactory.create(
                      r.get("customer_id"), nanos(r.timestamp()), r.get("label"));
                },
            Encoders.row(schema))
        .write()
        .parquet(p.toString());
  }
}
