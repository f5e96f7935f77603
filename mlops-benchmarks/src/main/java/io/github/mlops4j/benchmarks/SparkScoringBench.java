package io.github.mlops4j.benchmarks;

import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.spark.RegistryRef;
import io.github.mlops4j.spark.SparkScoring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * Scoring rows read from Parquet on Spark {@code local[2]}: {@link SparkScoring#score} against a
 * hand-written {@code mapPartitions} that calls the raw Tribuo model, in the same run and the same
 * JVM. A timed main, not JMH: a Spark job is seconds long and JMH's forks would start Spark anew.
 *
 * <p>Setup: {@code rows} rows of {@value LogisticFixture#FEATURES} standard-normal features and a
 * row id, written once as 8 Parquet files (kept in {@code dir} between runs); the {@link
 * LogisticFixture} logistic regression registered in a workspace under alias {@code champion}. Each
 * measurement reads the Parquet files, scores every row and writes to Spark's {@code noop} sink (so
 * the plan runs in full, without output I/O).
 *
 * <ul>
 *   <li><b>mlops</b>: {@code SparkScoring} (alias resolved and bytes broadcast once, serving's
 *       REJECT validation per row, output, scores, version, prediction id and reject reason per
 *       row), 1,024 rows per model call.
 *   <li><b>raw</b>: the model object broadcast, {@code mapPartitions} building Tribuo examples from
 *       the 20 columns, {@code Model.predict} per 1,024 rows, the label and the score map per row.
 * </ul>
 *
 * <p>One warm-up of each, then {@code rounds} alternating rounds; the median of each is reported.
 *
 * <pre>
 * mvn -B -o -Pspark -pl mlops-benchmarks -am package -DskipTests -Dspotless.check.skip=true \
 *     dependency:build-classpath -Dmdep.outputFile=/tmp/spark-bench.cp
 * java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
 *     --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
 *     --add-opens=java.base/java.lang.invoke=ALL-UNNAMED -Xmx3g \
 *     -cp mlops-benchmarks/target/classes:$(cat /tmp/spark-bench.cp) \
 *     io.github.mlops4j.benchmarks.SparkScoringBench 10000000 5 /tmp/spark-bench
 * </pre>
 *
 * <p>Arguments: rows (default 2,000,000; the size is 10,000,000: 21 numbers of 8 bytes a
 * row, about 1.7 GB of Parquet in {@code dir} before compression), rounds (default 5), the
 * directory kept between runs.
 */
public final class SparkScoringBench {
  private SparkScoringBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Path.of(args.length > 2 ? args[2] : "/tmp/spark-bench");
    SparkSession spark = SparkBenchSupport.local("spark-scoring-bench");
    Path parquet = dir.resolve("rows-" + rows + ".parquet");
    if (!Files.exists(parquet)) {
      write(spark, rows, parquet);
    }
    Path ws = Files.createTempDirectory(dir, "ws");
    Model<Label> model = LogisticFixture.train(5_000, 7);
    try (ModelRegistry r = ModelRegistry.open(ws)) {
      r.register("churn", model, null);
      r.setAlias("churn", "champion", 1);
    }
    SparkScoring scoring =
        SparkScoring.builder()
            .spark(spark)
            .registry(RegistryRef.workspace(ws).build())
            .model("churn")
            .reference("champion")
            .build();
    Broadcast<Model<Label>> raw =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);

    Dataset<Row> input = spark.read().parquet(parquet.toString());
    List<Double> mlops = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    time(() -> scoring.score(input).all(), rows); // warm-up
    time(() -> rawScore(input, raw), rows);
    for (int i = 0; i < rounds; i++) {
      mlops.add(time(() -> scoring.score(input).all(), rows));
      baseline.add(time(() -> rawScore(input, raw), rows));
    }
    double m = SparkBenchSupport.median(mlops);
    double b = SparkBenchSupport.median(baseline);
    System.out.printf(
        "rows=%d rounds=%d%nmlops rows/s: median %.0f (per core %.0f) %s%n"
            + "raw   rows/s: median %.0f (per core %.0f) %s%nratio mlops/raw: %.3f%n",
        rows, rounds, m, m / 2, mlops, b, b / 2, baseline, m / b);
    spark.stop();
  }

  private static void write(SparkSession spark, int rows, Path parquet) {
    StructType schema = new StructType().add("id", DataTypes.LongType, false);
    for (String f : LogisticFixture.NAMES) {
      schema = schema.add(f, DataTypes.DoubleType, false);
    }
    spark
        .range(0, rows, 1, 8)
        .mapPartitions(
            (MapPartitionsFunction<Long, Row>)
                ids -> {
                  List<Row> out = new ArrayList<>();
                  while (ids.hasNext()) {
                    long id = ids.next();
                    SplittableRandom random = new SplittableRandom(id);
                    double[] x = LogisticFixture.row(random);
                    Object[] v = new Object[x.length + 1];
                    v[0] = id;
                    for (int j = 0; j < x.length; j++) {
                      v[j + 1] = x[j];
                    }
                    out.add(RowFactory.create(v));
                  }
                  return out.iterator();
                },
            Encoders.row(schema))
        .write()
        .parquet(parquet.toString());
  }

  /** The hand-written job: the raw model over each partition, 1,024 rows per call. */
  private static Dataset<Row> rawScore(Dataset<Row> input, Broadcast<Model<Label>> raw) {
    StructType out =
        input
            .schema()
            .add("prediction", DataTypes.StringType)
            .add(
                "scores",
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false));
    int width = input.schema().size();
    return input.mapPartitions(
        (MapPartitionsFunction<Row, Row>) in -> new RawBatches(raw.value(), in, width),
        Encoders.row(out));
  }

  /** Streams a partition through the raw model, 1,024 rows per call, as the library does. */
  private static final class RawBatches implements Iterator<Row> {
    private final Model<Label> model;
    private final Iterator<Row> in;
    private final int width;
    private final List<Row> batch = new ArrayList<>(1024);
    private final List<Example<Label>> examples = new ArrayList<>(1024);
    private final List<Row> out = new ArrayList<>(1024);
    private int next;

    RawBatches(Model<Label> model, Iterator<Row> in, int width) {
      this.model = model;
      this.in = in;
      this.width = width;
    }

    @Override
    public boolean hasNext() {
      if (next < out.size()) {
        return true;
      }
      if (!in.hasNext()) {
        return false;
      }
      batch.clear();
      examples.clear();
      out.clear();
      next = 0;
      while (batch.size() < 1024 && in.hasNext()) {
        Row r = in.next();
        batch.add(r);
        double[] x = new double[LogisticFixture.FEATURES];
        for (int j = 0; j < x.length; j++) {
          x[j] = r.getDouble(j + 1);
        }
        examples.add(LogisticFixture.unlabelled(x));
      }
      List<org.tribuo.Prediction<Label>> ps = model.predict(examples);
      for (int i = 0; i < batch.size(); i++) {
        org.tribuo.Prediction<Label> p = ps.get(i);
        Map<String, Double> scores = new LinkedHashMap<>();
        p.getOutputScores().forEach((k, v) -> scores.put(k, v.getScore()));
        Object[] v = new Object[width + 2];
        for (int j = 0; j < width; j++) {
          v[j] = batch.get(i).get(j);
        }
        v[width] = p.getOutput().getLabel();
        v[width + 1] = scala.jdk.javaapi.CollectionConverters.asScala(scores);
        out.add(RowFactory.create(v));
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return out.get(next++);
    }
  }

  private static double time(java.util.function.Supplier<Dataset<Row>> job, int rows) {
    long t0 = System.nanoTime();
    job.get().write().format("noop").mode("overwrite").save();
    return rows / ((System.nanoTime() - t0) / 1e9);
  }
}
