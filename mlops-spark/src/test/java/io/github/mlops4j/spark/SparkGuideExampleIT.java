package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.JoinOptions;
import io.github.mlops4j.features.ValueType;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

/** The code of docs/spark.md (join and profiles), run on Parquet files. */
class SparkGuideExampleIT {
  @TempDir static Path temp;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(temp.resolve("spark"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static long nanos(String iso) {
    Instant t = Instant.parse(iso);
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Test
  void joinAndProfile() {
    String statsPath = temp.resolve("customer_stats.parquet").toString();
    String spinePath = temp.resolve("labels.parquet").toString();
    spark
        .createDataFrame(
            List.of(
                RowFactory.create(
                    "c1", nanos("2026-03-01T00:00:00Z"), nanos("2026-03-01T00:05:00Z"), 1L, 40.0),
                RowFactory.create(
                    "c1", nanos("2026-03-03T00:00:00Z"), nanos("2026-03-03T00:05:00Z"), 2L, 55.0),
                RowFactory.create(
                    "c2", nanos("2026-01-01T00:00:00Z"), nanos("2026-01-01T00:05:00Z"), 3L, 9.0)),
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add(SparkFeatures.EVENT_TIME, DataTypes.LongType)
                .add(SparkFeatures.CREATED_TIME, DataTypes.LongType)
                .add(SparkFeatures.SEQUENCE, DataTypes.LongType)
                .add("avg_spend_30d", DataTypes.DoubleType))
        .write()
        .parquet(statsPath);
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("c1", nanos("2026-03-02T00:00:00Z"), true),
                RowFactory.create("c2", nanos("2026-03-02T00:00:00Z"), false),
                RowFactory.create("c3", nanos("2026-03-02T00:00:00Z"), false)),
            new StructType()
                .add("customer_id", DataTypes.StringType)
                .add(SparkFeatures.SPINE_TIME, DataTypes.LongType)
                .add("churned", DataTypes.BooleanType))
        .coalesce(1)
        .write()
        .parquet(spinePath);
    try (FeatureStore features = FeatureStore.open(temp.resolve("workspace"))) {
      features.apply(
          FeatureView.builder("customer_stats")
              .entity("customer_id", ValueType.STRING)
              .feature("avg_spend_30d", ValueType.DOUBLE)
              .ttl(Duration.ofDays(30))
              .build());
      // tag::spark-join[]
      Dataset<Row> labels = spark.read().parquet(spinePath); // customer_id, timestamp, churned
      Dataset<Row> stats = spark.read().parquet(statsPath); // customer_id, event_time, ...
      Dataset<Row> training =
          SparkFeatures.of(features) // view definitions, read once on the driver
              .historical(
                  labels,
                  Map.of("customer_stats", stats),
                  List.of("customer_stats:avg_spend_30d"),
                  JoinOptions.builder().asOfKnownTime(true).build());
      training.write().parquet(temp.resolve("training.parquet").toString());
      // columns: customer_id, timestamp, churned, customer_stats__event_time,
      //          customer_stats__avg_spend_30d, customer_stats__avg_spend_30d__status
      // end::spark-join[]
      List<Row> rows =
          spark.read().parquet(temp.resolve("training.parquet").toString()).collectAsList();
      assertThat(rows).hasSize(3);
      Map<String, String> status = Map.of("c1", "PRESENT", "c2", "EXPIRED", "c3", "NOT_FOUND");
      for (Row r : rows) {
        assertThat(r.<String>getAs("customer_stats__avg_spend_30d__status"))
            .isEqualTo(status.get(r.<String>getAs("customer_id")));
      }
      assertThat(training.collectAsList().get(0).<Double>getAs("customer_stats__avg_spend_30d"))
          .isEqualTo(40.0);

      // tag::spark-profile[]
      ProfileSchema schema =
          ProfileSchema.builder().numeric("avg_spend_30d").categorical("customer_id").build();
      Profile reference = SparkProfiles.profile(stats, schema); // per partition, then merged
      DriftReport report = SparkProfiles.drift(reference, stats, ProfileDrift.defaults());
      // end::spark-profile[]
      assertThat(reference.rows()).isEqualTo(3);
      assertThat(report.datasetDrift()).isFalse();
    }
  }
}
