package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.OnlineFeatures;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature rows written from Spark tasks ({@link SparkFeatures#write}) on {@code local[2,3]}: each
 * task may fail and is retried up to 3 attempts, as on a cluster.
 */
class SparkFeatureWriteIT {
  private static final int CUSTOMERS = 40;
  private static final int ROWS_PER_CUSTOMER = 5;

  /** Partitions whose first attempt failed after its write committed (this JVM runs the tasks). */
  private static final Set<Integer> FAILED = ConcurrentHashMap.newKeySet();

  @TempDir static Path temp;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    // Spark keeps one context per JVM: a session another suite left running is stopped so that
    // this one retries failed tasks (local[threads, maxFailures]).
    SparkSession.getDefaultSession().foreach(s -> stopped(s));
    spark =
        SparkSession.builder()
            .master("local[2,3]")
            .appName("mlops-spark-write-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.local.dir", temp.resolve("spark").toString())
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
  }

  private static Object stopped(SparkSession s) {
    s.stop();
    return s;
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** Customer c's row r: event times one hour apart, value c * 100 + r (the last is the newest). */
  private static String writeParquet(Instant base, String name) {
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS_PER_CUSTOMER; r++) {
      for (int c = 0; c < CUSTOMERS; c++) {
        Instant event = base.plus(Duration.ofHours(r));
        rows.add(
            RowFactory.create(
                "c" + c, nanos(event), nanos(event.plusSeconds(60)), c * 100.0 + r, (long) r));
      }
    }
    String path = temp.resolve(name).toString();
    spark
        .createDataFrame(
            rows,
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add(SparkFeatures.EVENT_TIME, DataTypes.LongType)
                .add(SparkFeatures.CREATED_TIME, DataTypes.LongType)
                .add("avg_spend_30d", DataTypes.DoubleType)
                .add("orders_7d", DataTypes.LongType))
        .repartition(4)
        .write()
        .parquet(path);
    return path;
  }

  private static long count(Path ws, String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + ws.resolve(Store.DATABASE_FILE));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static FeatureView customerStats() {
    return FeatureView.builder("customer_stats")
        .entity("customer_id", ValueType.STRING)
        .feature("avg_spend_30d", ValueType.DOUBLE)
        .feature("orders_7d", ValueType.LONG)
        .ttl(Duration.ofDays(365))
        .build();
  }

  @Test
  void retriedTasks_storeNoDuplicates_andTheOnlineStoreEndsWithTheNewestRows() throws Exception {
    Path workspace = temp.resolve("ws-retry");
    Instant base =
        Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String statsPath = writeParquet(base, "stats-retry.parquet");
    int total = CUSTOMERS * ROWS_PER_CUSTOMER;
    try (FeatureStore features = FeatureStore.open(workspace)) {
      features.apply(customerStats());
      features.materialize(Instant.now()); // every row written below is then sent online too
    }
    FeatureStoreRef store = FeatureStoreRef.workspace(workspace).build();
    Dataset<Row> stats = spark.read().parquet(statsPath);
    int partitions = stats.rdd().getNumPartitions();
    assertThat(partitions).isGreaterThan(1);

    FAILED.clear();
    SparkWriteResult written =
        SparkFeatures.write(
            stats,
            store,
            "customer_stats",
            "backfill-1",
            (partition, result) -> {
              TaskContext task = TaskContext.get();
              if (partition % 2 == 0 && task.attemptNumber() == 0) {
                FAILED.add(partition);
                throw new IllegalStateException("task lost after its commit (test)");
              }
            });
    assertThat(FAILED).isNotEmpty(); // some tasks did fail after writing and were retried
    assertThat(written.rows()).isEqualTo(total);
    assertThat(written.partitions()).hasSize(partitions);
    assertThat(count(workspace, "SELECT COUNT(*) FROM feature_rows")).isEqualTo(total);
    assertThat(count(workspace, "SELECT COUNT(*) FROM feature_writes")).isEqualTo(partitions);
    // Sequences are distinct, so no two partitions overlap either.
    assertThat(count(workspace, "SELECT COUNT(DISTINCT seq) FROM feature_rows")).isEqualTo(total);

    // Running the whole job again under the same id stores nothing and reports the same writes.
    FAILED.clear();
    SparkWriteResult again = SparkFeatures.write(stats, store, "customer_stats", "backfill-1");
    assertThat(again).isEqualTo(written);
    assertThat(count(workspace, "SELECT COUNT(*) FROM feature_rows")).isEqualTo(total);

    try (FeatureStore features = FeatureStore.open(workspace)) {
      List<Map<String, ?>> requests = new ArrayList<>();
      for (int c = 0; c < CUSTOMERS; c++) {
        requests.add(Map.of("customer_id", "c" + c));
      }
      OnlineFeatures online =
          features.online(
              requests, List.of("customer_stats:avg_spend_30d", "customer_stats:orders_7d"));
      Map<Integer, Double> expected = new HashMap<>();
      for (int c = 0; c < CUSTOMERS; c++) {
        expected.put(c, c * 100.0 + (ROWS_PER_CUSTOMER - 1)); // the newest row of each customer
        assertThat(online.get(c, "customer_stats:avg_spend_30d")).isEqualTo(expected.get(c));
        assertThat(online.get(c, "customer_stats:orders_7d"))
            .isEqualTo((long) (ROWS_PER_CUSTOMER - 1));
      }
    }
  }

  @Test
  void guide_writeThenMaterialize() throws Exception {
    Path workspace = temp.resolve("ws-guide");
    Instant base =
        Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String statsPath = writeParquet(base, "stats-guide.parquet");
    try (FeatureStore features = FeatureStore.open(workspace)) {
      features.apply(customerStats());
      // tag::spark-write[]
      FeatureStoreRef store = FeatureStoreRef.workspace(workspace).build();
      Dataset<Row> stats = spark.read().parquet(statsPath); // customer_id, event_time, ...
      SparkWriteResult written =
          SparkFeatures.write(stats, store, "customer_stats", "customer_stats-2026-03-02");
      features.materialize(Instant.now()); // rows after the watermark: online now
      // end::spark-write[]
      assertThat(written.rows()).isEqualTo((long) CUSTOMERS * ROWS_PER_CUSTOMER);
      assertThat(
              features
                  .online(Map.of("customer_id", "c3"), List.of("customer_stats:avg_spend_30d"))
                  .get(0, "customer_stats:avg_spend_30d"))
          .isEqualTo(300.0 + ROWS_PER_CUSTOMER - 1);
    }
  }

  @Test
  void unknownColumnsAndViews_areRefusedBeforeAnyTaskRuns() throws Exception {
    Path workspace = temp.resolve("ws-refused");
    try (FeatureStore features = FeatureStore.open(workspace)) {
      features.apply(customerStats());
    }
    FeatureStoreRef store = FeatureStoreRef.workspace(workspace).build();
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(RowFactory.create("c1", 1L, 2.0)),
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add(SparkFeatures.EVENT_TIME, DataTypes.LongType)
                .add("avg_spend_3od", DataTypes.DoubleType));
    assertThatThrownBy(() -> SparkFeatures.write(rows, store, "customer_stats", "j"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("avg_spend_3od");
    assertThatThrownBy(() -> SparkFeatures.write(rows, store, "nope", "j"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown feature view");
    assertThatThrownBy(
            () ->
                SparkFeatures.write(
                    rows,
                    FeatureStoreRef.workspace(temp.resolve("missing")).build(),
                    "customer_stats",
                    "j"))
        .isInstanceOf(RuntimeException.class);
    assertThat(temp.resolve("missing")).doesNotExist();
    assertThat(count(workspace, "SELECT COUNT(*) FROM feature_rows")).isZero();
  }
}
