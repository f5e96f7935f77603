package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.EntityRow;
import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.FeatureStatus;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureValue;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.JoinOptions;
import io.github.mlops4j.features.TrainingRow;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The edges of the Spark join's plan, checked against {@link FeatureStore#historical} on the same
 * rows: views keyed differently in one join (one pass each), several views sharing their keys (one
 * pass), a feature row at exactly the spine row's time, ties on event time decided by created time
 * and then by sequence, winners exactly at and one nanosecond past the TTL bound, rows not yet
 * known as of known time, entities with spine rows and no feature rows (and the reverse), duplicate
 * spine rows, a spine key of a narrower integral type, and null keys and times.
 */
class SparkFeaturesJoinIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir static Path temp;
  private static SparkSession spark;
  private static FeatureStore features;
  private static final Map<String, Dataset<Row>> rows = new LinkedHashMap<>();
  private static final AtomicInteger spines = new AtomicInteger();

  private static final StructType SPINE =
      new StructType()
          .add("customer", DataTypes.StringType, true)
          .add("store", DataTypes.IntegerType, false)
          .add("label", DataTypes.IntegerType, false)
          .add(SparkFeatures.SPINE_TIME, DataTypes.LongType, true);

  private static final List<String> REFS =
      List.of("spend:amount", "spend:visits", "risk:score", "sales:revenue");

  /** A feature row: keys, event and created time in seconds after T0, values. */
  private record Stored(Object key, long e, long c, List<@Nullable Object> values) {
    Stored(Object key, long e, long c, @Nullable Object value) {
      this(key, e, c, Collections.singletonList(value));
    }

    Stored(Object key, long e, long c, @Nullable Object first, @Nullable Object second) {
      this(key, e, c, Arrays.asList(first, second));
    }
  }

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(temp.resolve("spark"));
    features =
        FeatureStore.builder()
            .workspace(temp.resolve("ws"))
            .clock(new MutableClock(T0.plusSeconds(10_000)))
            .build();
    features.apply(
        FeatureView.builder("spend")
            .entity("customer", ValueType.STRING)
            .feature("amount", ValueType.DOUBLE)
            .feature("visits", ValueType.LONG)
            .ttl(Duration.ofSeconds(100))
            .build());
    features.apply(
        FeatureView.builder("risk")
            .entity("customer", ValueType.STRING)
            .feature("score", ValueType.DOUBLE)
            .build());
    features.apply(
        FeatureView.builder("sales")
            .entity("store", ValueType.LONG)
            .feature("revenue", ValueType.DOUBLE)
            .ttl(Duration.ofSeconds(50))
            .build());
    store(
        "spend",
        "customer",
        DataTypes.StringType,
        List.of(
            new Stored("c1", 100, 100, 1.0, 1L),
            new Stored("c1", 200, 250, 2.0, 2L), // known late; wins the tie on event time
            new Stored("c1", 200, 200, 3.0, 3L),
            new Stored("c1", 300, 300, 4.0, 4L),
            new Stored("c1", 300, 300, 5.0, 5L), // ties on both times: the later write wins
            new Stored("c2", 100, 100, null, 7L),
            new Stored("c5", 100, 100, 9.0, 9L)), // no spine row
        List.of("amount", "visits"),
        List.of(DataTypes.DoubleType, DataTypes.LongType));
    store(
        "risk",
        "customer",
        DataTypes.StringType,
        List.of(new Stored("c1", 150, 150, (Object) null), new Stored("c2", 50, 50, 0.5)),
        List.of("score"),
        List.of(DataTypes.DoubleType));
    store(
        "sales",
        "store",
        DataTypes.LongType,
        List.of(new Stored(1L, 100, 100, 10.0), new Stored(2L, 500, 500, 20.0)),
        List.of("revenue"),
        List.of(DataTypes.DoubleType));
  }

  @AfterAll
  static void stop() {
    features.close();
    spark.stop();
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** The rows in the store (write order = sequence) and as a Dataset with the same sequence. */
  private static void store(
      String view,
      String key,
      org.apache.spark.sql.types.DataType keyType,
      List<Stored> stored,
      List<String> names,
      List<org.apache.spark.sql.types.DataType> types) {
    StructType schema =
        new StructType()
            .add(key, keyType, false)
            .add(SparkFeatures.EVENT_TIME, DataTypes.LongType, false)
            .add(SparkFeatures.CREATED_TIME, DataTypes.LongType, false)
            .add(SparkFeatures.SEQUENCE, DataTypes.LongType, false);
    for (int i = 0; i < names.size(); i++) {
      schema = schema.add(names.get(i), types.get(i), true);
    }
    List<Row> sparkRows = new ArrayList<>();
    long seq = 0;
    for (Stored s : stored) {
      Map<String, @Nullable Object> values = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        values.put(names.get(i), s.values().get(i));
      }
      features.write(
          view,
          List.of(
              FeatureRow.of(
                  Map.of(key, s.key()), T0.plusSeconds(s.e()), T0.plusSeconds(s.c()), values)));
      List<@Nullable Object> cells = new ArrayList<>();
      cells.add(s.key());
      cells.add(nanos(T0.plusSeconds(s.e())));
      cells.add(nanos(T0.plusSeconds(s.c())));
      cells.add(++seq);
      cells.addAll(s.values());
      sparkRows.add(RowFactory.create(cells.toArray()));
    }
    // two partitions, so that rows of one entity arrive from both
    rows.put(view, spark.createDataFrame(sparkRows, schema).repartition(2));
  }

  /** A spine row: customer, store, label, seconds after T0 plus nanoseconds. */
  private static Row probe(@Nullable String customer, int store, int label, long s, long ns) {
    return RowFactory.create(customer, store, label, nanos(T0.plusSeconds(s).plusNanos(ns)));
  }

  private static final List<Row> PROBES =
      List.of(
          probe("c1", 1, 0, 99, 0), // nothing yet
          probe("c1", 1, 1, 100, 0), // feature rows at exactly the spine time count
          probe("c1", 1, 2, 150, 0), // sales at exactly T - ttl: present
          probe("c1", 1, 3, 150, 1), // one nanosecond past it: expired
          probe("c1", 2, 4, 220, 0), // as of known time, the row created at 250 is not known yet
          probe("c1", 2, 5, 250, 0), // known at exactly its created time
          probe("c1", 2, 6, 300, 0), // ties on both times
          probe("c1", 2, 7, 401, 0), // spend expired
          probe("c2", 3, 8, 150, 0), // a null value; no sales rows for store 3
          probe("c4", 2, 9, 540, 0), // no spend or risk rows for c4; sales within its TTL
          probe("c1", 1, 10, 220, 0), // out of time order, kept in spine order
          probe("c1", 1, 11, 100, 0)); // a duplicate of label 1

  private static Dataset<Row> spine(List<Row> probes) {
    String path = temp.resolve("spine-" + spines.incrementAndGet() + ".parquet").toString();
    spark.createDataFrame(probes, SPINE).coalesce(1).write().parquet(path);
    return spark.read().parquet(path);
  }

  private static List<Row> join(boolean asOfKnownTime) {
    return SparkFeatures.of(features)
        .historical(
            spine(PROBES), rows, REFS, JoinOptions.builder().asOfKnownTime(asOfKnownTime).build())
        .collectAsList();
  }

  private static List<TrainingRow> singleJvm(boolean asOfKnownTime) {
    return singleJvm(PROBES, asOfKnownTime);
  }

  private static List<TrainingRow> singleJvm(List<Row> probes, boolean asOfKnownTime) {
    List<EntityRow> spine = new ArrayList<>();
    for (Row p : probes) {
      long t = p.getLong(3);
      spine.add(
          EntityRow.of(
              Map.of("customer", p.getString(0), "store", (long) p.getInt(1)),
              Instant.EPOCH.plusNanos(t)));
    }
    return features.historical(
        spine, REFS, JoinOptions.builder().asOfKnownTime(asOfKnownTime).build());
  }

  private static FeatureValue value(Row row, String ref) {
    String view = ref.substring(0, ref.indexOf(':'));
    Object v = row.getAs(SparkFeatures.valueColumn(ref));
    Long e = row.getAs(SparkFeatures.eventTimeColumn(view));
    return new FeatureValue(
        v,
        FeatureStatus.valueOf(row.getAs(SparkFeatures.statusColumn(ref))),
        e == null ? null : Instant.EPOCH.plusNanos(e));
  }

  @Test
  void viewsKeyedDifferently_agreeWithTheStore_rowForRow() {
    for (boolean asOfKnownTime : new boolean[] {false, true}) {
      List<Row> actual = join(asOfKnownTime);
      List<TrainingRow> expected = singleJvm(asOfKnownTime);
      assertThat(actual).hasSize(PROBES.size());
      for (int i = 0; i < PROBES.size(); i++) {
        Row row = actual.get(i);
        Row p = PROBES.get(i);
        assertThat(List.of(row.get(0), row.get(1), row.get(2), row.get(3)))
            .as("spine columns of row %s, unchanged and in spine order", i)
            .containsExactly(p.get(0), p.get(1), p.get(2), p.get(3));
        for (String ref : REFS) {
          assertThat(value(row, ref))
              .as("%s of spine row %s, as of known time %s", ref, i, asOfKnownTime)
              .isEqualTo(expected.get(i).value(ref));
        }
      }
      assertThat(actual.get(0).schema().fieldNames())
          .containsExactly(
              "customer",
              "store",
              "label",
              "timestamp",
              "spend__event_time",
              "spend__amount",
              "spend__amount__status",
              "spend__visits",
              "spend__visits__status",
              "risk__event_time",
              "risk__score",
              "risk__score__status",
              "sales__event_time",
              "sales__revenue",
              "sales__revenue__status");
      // the edges themselves, so that a store and a Spark join wrong in the same way fail too
      assertThat(value(actual.get(0), "spend:amount").status()).isEqualTo(FeatureStatus.NOT_FOUND);
      assertThat(value(actual.get(1), "spend:amount").value()).isEqualTo(1.0);
      assertThat(value(actual.get(1), "sales:revenue").value()).isEqualTo(10.0);
      assertThat(value(actual.get(2), "sales:revenue").status()).isEqualTo(FeatureStatus.PRESENT);
      assertThat(value(actual.get(3), "sales:revenue").status()).isEqualTo(FeatureStatus.EXPIRED);
      assertThat(value(actual.get(4), "spend:amount").value()).isEqualTo(asOfKnownTime ? 3.0 : 2.0);
      assertThat(value(actual.get(5), "spend:amount").value()).isEqualTo(2.0);
      assertThat(value(actual.get(6), "spend:amount").value()).isEqualTo(5.0);
      assertThat(value(actual.get(7), "spend:amount").status()).isEqualTo(FeatureStatus.EXPIRED);
      assertThat(value(actual.get(8), "spend:amount").status()).isEqualTo(FeatureStatus.NULL_VALUE);
      assertThat(value(actual.get(8), "spend:visits").value()).isEqualTo(7L);
      assertThat(value(actual.get(8), "risk:score").value()).isEqualTo(0.5);
      assertThat(value(actual.get(8), "sales:revenue").status()).isEqualTo(FeatureStatus.NOT_FOUND);
      assertThat(value(actual.get(9), "spend:amount").status()).isEqualTo(FeatureStatus.NOT_FOUND);
      assertThat(value(actual.get(9), "sales:revenue").value()).isEqualTo(20.0);
      assertThat(value(actual.get(2), "risk:score").status()).isEqualTo(FeatureStatus.NULL_VALUE);
    }
  }

  /**
   * A spine read straight from several partitions (an RDD of five slices, no exchange in its plan)
   * takes the path that sends each spine partition's rows to the result partition of the same
   * number: the rows still come back in spine order, with the store's answers.
   */
  @Test
  void aSpineOfSeveralPartitions_comesBackInSpineOrder() {
    java.util.Random random = new java.util.Random(42);
    String[] customers = {"c1", "c2", "c4", "c5"};
    List<Row> probes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      probes.add(
          probe(
              customers[random.nextInt(customers.length)],
              1 + random.nextInt(3),
              i,
              50 + random.nextInt(500),
              0));
    }
    Dataset<Row> spine =
        spark.createDataFrame(
            org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(probes, 5),
            SPINE);
    assertThat(spine.javaRDD().getNumPartitions()).isEqualTo(5);
    List<Row> actual =
        SparkFeatures.of(features)
            .historical(spine, rows, REFS, JoinOptions.builder().build())
            .collectAsList();
    List<TrainingRow> expected = singleJvm(probes, false);
    assertThat(actual).hasSize(probes.size());
    for (int i = 0; i < probes.size(); i++) {
      assertThat(actual.get(i).getInt(2)).as("label of result row %s", i).isEqualTo(i);
      for (String ref : REFS) {
        assertThat(value(actual.get(i), ref))
            .as("%s of spine row %s", ref, i)
            .isEqualTo(expected.get(i).value(ref));
      }
    }
  }

  @Test
  void aNullSpineKey_failsTheJob_namingTheColumn() {
    Dataset<Row> spine = spine(List.of(probe("c1", 1, 0, 100, 0), probe(null, 1, 1, 100, 0)));
    assertThatThrownBy(
            () ->
                SparkFeatures.of(features)
                    .historical(spine, rows, List.of("spend:amount"))
                    .collectAsList())
        .hasMessageContaining("A row of the spine has a null entity key customer");
  }

  @Test
  void aNullSpineTime_failsTheJob() {
    Dataset<Row> spine = spark.createDataFrame(List.of(RowFactory.create("c1", 1, 0, null)), SPINE);
    assertThatThrownBy(
            () ->
                SparkFeatures.of(features)
                    .historical(spine, rows, List.of("sales:revenue"))
                    .collectAsList())
        .hasMessageContaining("A spine row has a null timestamp");
  }

  @Test
  void aNullEventTime_failsTheJob_namingTheView() {
    StructType schema =
        new StructType()
            .add("store", DataTypes.LongType, false)
            .add(SparkFeatures.EVENT_TIME, DataTypes.LongType, true)
            .add(SparkFeatures.CREATED_TIME, DataTypes.LongType, false)
            .add("revenue", DataTypes.DoubleType, true);
    Dataset<Row> bad =
        spark.createDataFrame(List.of(RowFactory.create(7L, null, nanos(T0), 1.0)), schema);
    assertThatThrownBy(
            () ->
                SparkFeatures.of(features)
                    .historical(spine(PROBES), Map.of("sales", bad), List.of("sales:revenue"))
                    .collectAsList())
        .hasMessageContaining("A feature row of sales has a null event_time");
  }
}
