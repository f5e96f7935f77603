package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStatus;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * The Spark join runs the cases of the single-JVM join's oracle property test ({@link
 * PointInTimeJoinProperties#cases}: ties, late corrections, nulls, look-alike composite keys,
 * duplicate spine rows, boundary times, random TTLs, as of known time on and off) from Parquet
 * files, and agrees row for row with both {@link FeatureStore#historical} (SQLite) and the oracle:
 * value, status and event time of every feature of every spine row, and the spine's own columns in
 * spine order.
 *
 * <p>Each example is a batch of cases, one feature view per case, so that a few Spark jobs check
 * many cases: the rows of all cases are one Parquet file set and the spines another; one join per
 * as-of-known-time setting takes every view of the batch, each with its case's TTL, and each spine
 * row is checked on its own case's view.
 */
class SparkFeaturesJoinProperties {
  private static final long SEED = 0x5EA2_7C01_0F1EL;
  private static final int CASES_PER_EXAMPLE = 8;
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
          .add("view", DataTypes.StringType, false)
          .add("a", DataTypes.StringType, false)
          .add("b", DataTypes.LongType, false)
          .add(SparkFeatures.EVENT_TIME, DataTypes.LongType, false)
          .add(SparkFeatures.CREATED_TIME, DataTypes.LongType, false)
          .add(SparkFeatures.SEQUENCE, DataTypes.LongType, false)
          .add("x", DataTypes.DoubleType, true)
          .add("y", DataTypes.LongType, true);

  private static final StructType SPINE =
      new StructType()
          .add("view", DataTypes.StringType, false)
          .add("label", DataTypes.IntegerType, false)
          .add("a", DataTypes.StringType, false)
          .add("b", DataTypes.LongType, false)
          .add(SparkFeatures.SPINE_TIME, DataTypes.LongType, false);

  private static Gen<List<Case>> batches() {
    Gen<Case> cases = PointInTimeJoinProperties.cases(25, 20);
    return in -> {
      List<Case> batch = new ArrayList<>();
      for (int i = 0; i < CASES_PER_EXAMPLE; i++) {
        batch.add(cases.generate(in));
      }
      return batch;
    };
  }

  @Test
  void sparkJoin_agreesWithTheStoreAndTheOracle_rowForRow() {
    qt().withFixedSeed(SEED)
        .withExamples(4)
        .withShrinkCycles(0) // each attempt is a Spark job; the failing batch is printed whole
        .forAll(batches())
        .checkAssert(this::check);
  }

  /** A case with its view and the single-JVM store's answer. */
  private record Checked(String view, Case c, List<String> refs, List<TrainingRow> expected) {}

  private void check(List<Case> batch) {
    Map<String, Checked> byView = new LinkedHashMap<>();
    List<Row> stored = new ArrayList<>();
    List<Row> probes = new ArrayList<>();
    for (Case c : batch) {
      String view = "v" + views.incrementAndGet();
      byView.put(view, new Checked(view, c, List.of(view + ":x", view + ":y"), singleJvm(view, c)));
      for (PointInTimeJoinProperties.Row r : c.rows()) {
        stored.add(
            RowFactory.create(view, r.a(), r.b(), T0 + r.e(), T0 + r.c(), r.seq(), r.x(), r.y()));
      }
      for (int i = 0; i < c.spine().size(); i++) {
        Probe p = c.spine().get(i);
        probes.add(RowFactory.create(view, i, p.a(), p.b(), T0 + p.t()));
      }
    }
    // The rows in two files (two partitions on the rows' side of every join); the spine in one
    // file, so that the order Spark reads it in is the order it was written in.
    String batchName = "b" + views.get();
    String rowsPath = temp.resolve(batchName + "-rows.parquet").toString();
    String spinePath = temp.resolve(batchName + "-spine.parquet").toString();
    spark.createDataFrame(stored, ROWS).write().parquet(rowsPath);
    spark.createDataFrame(probes, SPINE).coalesce(1).write().parquet(spinePath);
    Dataset<Row> allRows = spark.read().parquet(rowsPath);
    Dataset<Row> allSpines = spark.read().parquet(spinePath);
    SparkFeatures join = SparkFeatures.of(features);

    for (boolean asOfKnownTime : new boolean[] {false, true}) {
      List<Checked> group =
          byView.values().stream().filter(k -> k.c().asOfKnownTime() == asOfKnownTime).toList();
      if (group.isEmpty()) {
        continue;
      }
      JoinOptions.Builder options = JoinOptions.builder().asOfKnownTime(asOfKnownTime);
      Map<String, Dataset<Row>> rows = new HashMap<>();
      List<String> refs = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Checked k : group) {
        options.ttl(k.view(), Duration.ofNanos(k.c().ttlNanos()));
        rows.put(k.view(), allRows.where(functions.col("view").equalTo(k.view())));
        refs.addAll(k.refs());
        names.add(k.view());
      }
      Dataset<Row> spine = allSpines.where(functions.col("view").isin(names.toArray()));
      List<Row> actual = join.historical(spine, rows, refs, options.build()).collectAsList();

      int expectedRows = group.stream().mapToInt(k -> k.c().spine().size()).sum();
      assertThat(actual).hasSize(expectedRows);
      int at = 0;
      for (Checked k : group) {
        Case c = k.c();
        for (int i = 0; i < c.spine().size(); i++, at++) {
          Row row = actual.get(at);
          assertThat(row.<String>getAs("view")).as("spine order").isEqualTo(k.view());
          assertThat(row.<Integer>getAs("label")).as("spine order of %s", c).isEqualTo(i);
          Probe p = c.spine().get(i);
          assertThat(row.<String>getAs("a")).isEqualTo(p.a());
          assertThat(row.<Long>getAs("b")).isEqualTo(p.b());
          FeatureValue[] oracle =
              PointInTimeJoinProperties.oracle(c.rows(), p, c.ttlNanos(), c.asOfKnownTime());
          for (int j = 0; j < k.refs().size(); j++) {
            String ref = k.refs().get(j);
            FeatureValue onSpark = value(row, k.view(), ref);
            assertThat(onSpark)
                .as("%s of spine row %s of %s", ref, i, c)
                .isEqualTo(k.expected().get(i).value(ref));
            assertThat(onSpark).as("oracle, %s of spine row %s", ref, i).isEqualTo(oracle[j]);
          }
        }
      }
    }
  }

  /** The single-JVM store: the rows in their batches (write sequences in list order), joined. */
  private static List<TrainingRow> singleJvm(String view, Case c) {
    features.apply(
        FeatureView.builder(view)
            .entity("a", ValueType.STRING)
            .entity("b", ValueType.LONG)
            .feature("x", ValueType.DOUBLE)
            .feature("y", ValueType.LONG)
            .build());
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
    for (Probe p : c.spine()) {
      spine.add(
          EntityRow.of(
              Map.of("a", p.a(), "b", p.b()), PointInTimeJoinProperties.T0.plusNanos(p.t())));
    }
    JoinOptions options =
        JoinOptions.builder()
            .asOfKnownTime(c.asOfKnownTime())
            .ttl(view, Duration.ofNanos(c.ttlNanos()))
            .build();
    return features.historical(spine, List.of(view + ":x", view + ":y"), options);
  }

  /** A result row's feature as a {@link FeatureValue}, for comparing with the store's. */
  private static FeatureValue value(Row row, String view, String ref) {
    Object v = row.getAs(SparkFeatures.valueColumn(ref));
    Long e = row.getAs(SparkFeatures.eventTimeColumn(view));
    return new FeatureValue(
        v,
        FeatureStatus.valueOf(row.getAs(SparkFeatures.statusColumn(ref))),
        e == null ? null : Instant.EPOCH.plusNanos(e));
  }
}
