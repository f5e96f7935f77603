package io.github.mlops4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.drift.ColumnDrift;
import io.github.mlops4j.monitoring.drift.ColumnType;
import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileColumn;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Profiling a Parquet Dataset per partition on Spark gives the profile one JVM computes from the
 * same rows: exact parts equal, quantiles within the KLL sketch's documented rank error of the true
 * ranks (computed here by sorting the values), and drift against a reference within the reported
 * error bounds of the single-JVM drift.
 */
class SparkProfilesIT {
  private static final int ROWS = 20_000;
  private static final ProfileSchema SCHEMA =
      ProfileSchema.builder()
          .numeric("amount", "items")
          .categorical("country")
          .binary("member")
          .build();
  private static final StructType TYPE =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("amount", DataTypes.DoubleType, true)
          .add("items", DataTypes.IntegerType, true)
          .add("country", DataTypes.StringType, true)
          .add("member", DataTypes.BooleanType, true);

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

  /** Rows with nulls, NaN and infinities; {@code shift} moves the amounts. */
  private static List<Row> rows(long seed, double shift) {
    Random random = new Random(seed);
    String[] countries = {"de", "fr", "it", "es", "pl", "nl"};
    List<Row> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      Double amount =
          switch (random.nextInt(50)) {
            case 0 -> null;
            case 1 -> Double.NaN;
            case 2 -> Double.POSITIVE_INFINITY;
            default -> 100 + shift + 20 * random.nextGaussian();
          };
      Integer items = random.nextInt(20) == 0 ? null : random.nextInt(12);
      String country = random.nextInt(30) == 0 ? null : countries[random.nextInt(countries.length)];
      Boolean member = random.nextInt(25) == 0 ? null : random.nextBoolean();
      rows.add(RowFactory.create((long) i, amount, items, country, member));
    }
    return rows;
  }

  private static Dataset<Row> parquet(String name, List<Row> rows) {
    String path = temp.resolve(name).toString();
    spark.createDataFrame(rows, TYPE).repartition(4).write().parquet(path);
    return spark.read().parquet(path);
  }

  /** One JVM: every row through the accumulator's by-name path. */
  private static Profile oneJvm(List<Row> rows) {
    return oneJvm(rows, TYPE);
  }

  private static Profile oneJvm(List<Row> rows, StructType type) {
    ProfileAccumulator acc = ProfileAccumulator.create(SCHEMA);
    for (Row r : rows) {
      Map<String, Object> m = new HashMap<>();
      for (String c : SCHEMA.columns()) {
        m.put(c, r.get(type.fieldIndex(c)));
      }
      acc.update(m);
    }
    return acc.snapshot();
  }

  @Test
  void partitionProfilesMerged_equalTheSingleJvmProfile_withinTheSketchBounds() {
    Dataset<Row> data = parquet("current.parquet", rows(1, 0));
    assertThat(data.rdd().getNumPartitions()).isGreaterThan(1);
    assertThat(SparkProfiles.columnarScan(data, SCHEMA)).as("read as column batches").isNotNull();
    Profile spark = SparkProfiles.profile(data, SCHEMA);
    List<Row> collected = data.collectAsList();
    Profile single = oneJvm(collected);

    assertThat(spark.rows()).isEqualTo(ROWS).isEqualTo(single.rows());
    for (String c : SCHEMA.columns()) {
      ProfileColumn s = spark.column(c);
      ProfileColumn o = single.column(c);
      assertThat(s.count()).as(c).isEqualTo(o.count());
      assertThat(s.missing()).as(c).isEqualTo(o.missing()).isPositive();
    }
    for (String c : SCHEMA.numericColumns()) {
      ProfileColumn s = spark.column(c);
      ProfileColumn o = single.column(c);
      assertThat(s.min()).as(c).isEqualTo(o.min());
      assertThat(s.max()).as(c).isEqualTo(o.max());
      assertThat(s.mean()).as(c).isCloseTo(o.mean(), within(1e-9 * Math.abs(o.mean())));
      assertThat(s.variance()).as(c).isCloseTo(o.variance(), within(1e-9 * o.variance()));
    }
    for (String c : SCHEMA.categoricalColumns()) {
      assertThat(spark.column(c).categoryCounts())
          .as(c)
          .isEqualTo(single.column(c).categoryCounts());
    }
    // Quantiles: the true rank of each estimate, from the sorted values, within the rank error.
    ProfileColumn amount = spark.column("amount");
    assertThat(amount.isExact()).isFalse();
    double[] values =
        collected.stream()
            .filter(r -> !r.isNullAt(1))
            .mapToDouble(r -> r.getDouble(1))
            .filter(Double::isFinite)
            .sorted()
            .toArray();
    for (double q = 0.05; q < 1; q += 0.05) {
      double estimate = amount.quantile(q);
      int below = Arrays.binarySearch(values, Math.nextUp(estimate));
      double rank = (below >= 0 ? below : -below - 1) / (double) values.length;
      assertThat(rank)
          .as("true rank of the %s quantile", q)
          .isCloseTo(q, within(amount.rankError()));
    }
  }

  @Test
  void driftOnSpark_agreesWithDriftInOneJvm_withinTheReportedErrorBounds() {
    List<Row> referenceRows = rows(2, 0);
    List<Row> currentRows = rows(3, 15);
    Profile reference = oneJvm(referenceRows);
    Dataset<Row> current = parquet("drifted.parquet", currentRows);

    DriftReport onSpark = SparkProfiles.drift(reference, current, ProfileDrift.defaults());
    DriftReport single =
        ProfileDrift.defaults().compare(reference, oneJvm(current.collectAsList()));

    assertThat(onSpark.currentRows()).isEqualTo(ROWS);
    assertThat(onSpark.column("amount").orElseThrow().drifted()).isTrue();
    assertThat(onSpark.column("country").orElseThrow().drifted()).isFalse();
    for (ColumnDrift s : onSpark.columns()) {
      ColumnDrift o = single.column(s.column()).orElseThrow();
      assertThat(s.method()).isEqualTo(o.method());
      double bound =
          (s.errorBound() == null ? 0 : s.errorBound())
              + (o.errorBound() == null ? 0 : o.errorBound());
      assertThat(s.score()).as(s.column()).isCloseTo(o.score(), within(bound + 1e-12));
      // Missing shares, new categories and constancy are exact; the share of current values
      // outside the reference's range is read from the current sketch (rank error on each side).
      assertThat(s.quality().referenceMissingShare())
          .isEqualTo(o.quality().referenceMissingShare());
      assertThat(s.quality().currentMissingShare()).isEqualTo(o.quality().currentMissingShare());
      assertThat(s.quality().newCategories()).isEqualTo(o.quality().newCategories());
      assertThat(s.quality().currentConstant()).isEqualTo(o.quality().currentConstant());
      double rankError =
          SCHEMA.type(s.column()) == ColumnType.NUMERIC
              ? reference.column(s.column()).rankError()
              : 0;
      assertThat(s.quality().outOfRangeShare())
          .as(s.column())
          .isCloseTo(o.quality().outOfRangeShare(), within(2 * rankError + 1e-12));
    }
  }

  @Test
  void aMissingColumn_isRefusedBeforeAnyJob() {
    Dataset<Row> data = spark.createDataFrame(rows(4, 0).subList(0, 10), TYPE).drop("country");
    assertThatThrownBy(() -> SparkProfiles.profile(data, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"country\"");
  }

  @Test
  void columnsOfTypesTheSchemaCannotTake_areRefusedBeforeAnyJob() {
    Dataset<Row> data = spark.createDataFrame(rows(5, 0).subList(0, 10), TYPE);
    Dataset<Row> textAmount = data.withColumn("amount", data.col("amount").cast("string"));
    assertThatThrownBy(() -> SparkProfiles.profile(textAmount, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Column \"amount\" is NUMERIC in the profile schema: expected a Spark numeric type,"
                + " the Dataset's column is string");
    Dataset<Row> doubleCountry = data.withColumn("country", data.col("amount"));
    assertThatThrownBy(() -> SparkProfiles.profile(doubleCountry, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"country\" is CATEGORICAL in the profile schema")
        .hasMessageContaining("the Dataset's column is double");
  }

  @Test
  void everySparkNumericAndIntegralType_isReadAsOneJvmReadsItsValue() {
    List<Row> rows = rows(6, 0).subList(0, 500);
    Dataset<Row> data =
        spark
            .createDataFrame(rows, TYPE)
            .selectExpr(
                "CAST(amount AS DECIMAL(12, 4)) AS amount",
                "CAST(items AS LONG) AS items",
                "CAST(items AS SHORT) AS country",
                "member");
    assertThat(SparkProfiles.columnarScan(data, SCHEMA)).as("read as rows").isNull();
    Profile spark = SparkProfiles.profile(data, SCHEMA);
    Profile single = oneJvm(data.collectAsList(), data.schema());
    for (String c : SCHEMA.columns()) {
      assertThat(spark.column(c).count()).as(c).isEqualTo(single.column(c).count());
      assertThat(spark.column(c).missing()).as(c).isEqualTo(single.column(c).missing());
    }
    for (String c : SCHEMA.numericColumns()) {
      assertThat(spark.column(c).min()).as(c).isEqualTo(single.column(c).min());
      assertThat(spark.column(c).max()).as(c).isEqualTo(single.column(c).max());
    }
    assertThat(spark.column("country").categoryCounts())
        .isEqualTo(single.column("country").categoryCounts())
        .containsKey("11");
    assertThat(spark.column("member").categoryCounts())
        .isEqualTo(single.column("member").categoryCounts());
  }

  @Test
  void columnBatches_giveTheExactPartsOfTheRowPath_forEveryTypeTheyRead() {
    Dataset<Row> typed =
        parquet("typed.parquet", rows(7, 0))
            .selectExpr(
                "id",
                "CAST(amount AS FLOAT) AS amount",
                "CAST(items AS BYTE) AS items",
                "CAST(items AS LONG) AS country",
                "member");
    String path = temp.resolve("typed-copy.parquet").toString();
    typed.write().parquet(path);
    Dataset<Row> data = spark.read().parquet(path);
    Dataset<Row> filtered = data.filter("id >= 0"); // a filter: Spark assembles rows
    assertThat(SparkProfiles.columnarScan(data, SCHEMA)).isNotNull();
    assertThat(SparkProfiles.columnarScan(filtered, SCHEMA)).isNull();

    Profile batches = SparkProfiles.profile(data, SCHEMA);
    Profile rows = SparkProfiles.profile(filtered, SCHEMA);
    assertThat(batches.rows()).isEqualTo(rows.rows()).isEqualTo(ROWS);
    for (String c : SCHEMA.columns()) {
      assertThat(batches.column(c).count()).as(c).isEqualTo(rows.column(c).count());
      assertThat(batches.column(c).missing()).as(c).isEqualTo(rows.column(c).missing());
    }
    for (String c : SCHEMA.numericColumns()) {
      ProfileColumn b = batches.column(c);
      ProfileColumn r = rows.column(c);
      assertThat(b.min()).as(c).isEqualTo(r.min());
      assertThat(b.max()).as(c).isEqualTo(r.max());
      assertThat(b.mean()).as(c).isCloseTo(r.mean(), within(1e-9 * Math.abs(r.mean())));
      assertThat(b.variance()).as(c).isCloseTo(r.variance(), within(1e-9 * r.variance()));
    }
    // amounts have no ties: each path's quantile has about the same rank in the other's sketch
    ProfileColumn b = batches.column("amount");
    ProfileColumn r = rows.column("amount");
    for (double q = 0.1; q < 1; q += 0.1) {
      assertThat(b.rank(r.quantile(q)))
          .as("amount at %s", q)
          .isCloseTo(q, within(b.rankError() + r.rankError() + 1.0 / ROWS));
    }
    for (String c : SCHEMA.categoricalColumns()) {
      assertThat(batches.column(c).categoryCounts())
          .as(c)
          .isEqualTo(rows.column(c).categoryCounts())
          .isNotEmpty();
    }
  }
}
