package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureValue;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.JoinOptions;
import io.github.mlops4j.features.PointInTimeJoinProperties;
import io.github.mlops4j.features.PointInTimeJoinProperties.Case;
import io.github.mlops4j.features.PointInTimeJoinProperties.Probe;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark join runs the cases of the single-JVM join's oracle property test ({@link
 * PointInTimeJoinProperties#cases}: ties, late corrections, nulls, look-alike composite keys,
 * duplicate spine rows, boundary times, random TTLs, as of known time on and off) from Parquet
 * files, and agrees row for row with both {@link FeatureStore#historical} (SQLite) and the oracle:
 * value, status and event time of every feature of every spine row, and the spine's own columns in
 * spine order.
 */
class SparkFeaturesJoinProperties {
  private static final long SEED = 0x5EA2_7C01_0F1EL;
  private static final long T0 = toNanos(PointInTimeJoinProperties.T0);

  @TempDir static Path temp;
  private static SparkSession spark;
  private static FeatureStore features;
  private static final AtomicInteger views = new AtomicInteger();

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(temp.resolve("spark"));
    features =
        FeatureStore.builder()
            .workspace(temp.resolve("ws"))
            .clock(new MutableClock(PointInTimeJoinProperties.T0.plusSeconds(1_000)))
            .build();
  }

  @AfterAll
  static void stop() {
    features.close();
    spark.stop();
  }

  static long toNanos(Instant t) {
    return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
  }

  private static final StructType ROWS =
      new StructType()
          .add("a", DataTypes.StringType, false)
          .add("b", DataTypes.LongType, false)
          .add(SparkFeatures.EVENT_TIME, DataTypes.LongType, false)
          .add(SparkFeatures.CREATED_TIME, DataTypes.LongType, false)
          .add(SparkFeatures.SEQUENCE, DataTypes.LongType, false)
          .add("x", DataTypes.DoubleType, true)
          .add("y", DataTypes.LongType, true);

  private static final StructType SPINE =
      new StructType()
          .add("label", DataTypes.IntegerType, false)
          .add("a", DataTypes.StringType, false)
          .add("b", DataTypes.LongType, false)
          .add(SparkFeatures.SPINE_TIME, DataTypes.LongType, false);

  @Test
  void sparkJoin_agreesWithTheStoreAndTheOracle_rowForRow() {
    qt().withFixedSeed(SEED)
        .withExamples(12)
        .withShrinkCycles(0) // each attempt is a Spark job; the failing case is printed whole
        .forAll(PointInTimeJoinProperties.cases(25, 20))
        .checkAssert(this::check);
  }

  private void check(Case c) {
    String view = "v" + views.incrementAndGet();
    features.apply(
        FeatureView.builder(view)
            .entity("a", ValueType.STRING)
            .entity("b", ValueType.LONG)
            .feature("x", ValueType.DOUBLE)
            .feature("y", ValueType.LONG)
            .build());
    // The single-JVM store: the rows in their batches (write sequences in list order).
    int from = 0;
    for (int end : c.batchEnds()) {
      List<FeatureRow> batch = new ArrayList<>();
      for (PointInTimeJoinProperties.Row r : c.rows().subList(from, end)) {
        Map<String, @Nullable Object> values = new HashMap<>();
        values.put("x", r.x());
        values.put("y", r.y());
        batch.add(
            FeatureRow.of(
                Map.of("a", r.a(), "b", r.b()),
                PointInTimeJoinProperties.T0.plusNanos(r.e()),
                PointInTimeJoinProperties.T0.plusNanos(r.c()),
                values));
      }
      features.write(view, batch);
      from = end;
    }
    List<EntityRow> spine = new ArrayList<>();
    for (int i = 0; i < c.spine().size(); i++) {
      Probe p = c.spine().get(i);
      spine.add(
          EntityRow.of(
              Map.of("label", i, "a", p.a(), "b", p.b()),
              PointInTimeJoinProperties.T0.plusNanos(p.t())));
    }
    JoinOptions options =
        JoinOptions.builder()
            .asOfKnownTime(c.asOfKnownTime())
            .ttl(view, Duration.ofNanos(c.ttlNanos()))
            .build();
    List<String> refs = List.of(view + ":x", view + ":y");
    List<TrainingRow> expected = features.historical(spine, refs, options);

    // The same rows and spine as Parquet files, joined on Spark.
    List<Row> stored = new ArrayList<>();
    for (PointInTimeJoinProperties.Row r : c.rows()) {
      stored.add(RowFactory.create(r.a(), r.b(), T0 + r.e(), T0 + r.c(), r.seq(), r.x(), r.y()));
    }
    List<Row> probes = new ArrayList<>();
    for (int i = 0; i < c.spine().size(); i++) {
      Probe p = c.spine().get(i);
      probes.add(RowFactory.create(i, p.a(), p.b(), T0 + p.t()));
    }
    String rowsPath = temp.resolve(view + "-rows.parquet").toString();
    String spinePath = temp.resolve(view + "-spine.parquet").toString();
    // The rows in two files (two partitions on both sides of the join); the spine in one file,
    // so that the order Spark reads it in is the order it was written in.
    spark.createDataFrame(stored, ROWS).write().parquet(rowsPath);
    spark.createDataFrame(probes, SPINE).coalesce(1).write().parquet(spinePath);
    Dataset<Row> spineDs = spark.read().parquet(spinePath);
    Dataset<Row> result =
        SparkFeatures.of(features)
            .historical(spineDs, Map.of(view, spark.read().parquet(rowsPath)), refs, options);
    List<Row> actual = result.collectAsList();

    assertThat(actual).hasSameSizeAs(probes);
    assertThat(result.columns())
        .containsExactly(
            "label",
            "a",
            "b",
            SparkFeatures.SPINE_TIME,
            SparkFeatures.eventTimeColumn(view),
            SparkFeatures.valueColumn(refs.get(0)),
            SparkFeatures.statusColumn(refs.get(0)),
            SparkFeatures.valueColumn(refs.get(1)),
            SparkFeatures.statusColumn(refs.get(1)));
    for (int i = 0; i < actual.size(); i++) {
      Row row = actual.get(i);
      int label = row.getAs("label");
      assertThat(label).as("spine order of %s", c).isEqualTo(i);
      Probe p = c.spine().get(label);
      FeatureValue[] oracle =
          PointInTimeJoinProperties.oracle(c.rows(), p, c.ttlNanos(), c.asOfKnownTime());
      for (int j = 0; j < refs.size(); j++) {
        FeatureValue single = expected.get(label).value(refs.get(j));
        FeatureValue onSpark = value(row, view, refs.get(j));
        assertThat(onSpark).as("%s of spine row %s of %s", refs.get(j), label, c).isEqualTo(single);
        assertThat(onSpark)
            .as("oracle, %s of spine row %s", refs.get(j), label)
            .isEqualTo(oracle[j]);
      }
    }
  }

  /** A result row's feature as a {@link FeatureValue}, for comparing with the store's. */
  private static FeatureValue value(Row row, String view, String ref) {
    Object v = row.getAs(SparkFeatures.valueColumn(ref));
    Long e = row.getAs(SparkFeatures.eventTimeColumn(view));
    return new FeatureValue(
        v,
        io.github.mlops4j.features.FeatureStatus.valueOf(
            row.getAs(SparkFeatures.statusColumn(ref))),
        e == null ? null : Instant.EPOCH.plusNanos(e));
  }
}
