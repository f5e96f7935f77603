package io.github.mlops4j.spark;

import io.github.mlops4j.monitoring.drift.DriftReport;
import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileAccumulator;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;

/**
 * Profiles of a Spark {@code Dataset}: each partition is profiled by its own {@link
 * ProfileAccumulator} on an executor, and the partitions' profiles are merged on the driver ({@link
 * Profile#merge(java.util.Collection)}), so the result is the profile of all the rows: counts,
 * missing counts, min, max and category counts exactly as one JVM would count them, mean and
 * variance up to floating-point rounding, and quantiles within the KLL sketch's documented rank
 * error ({@link io.github.mlops4j.monitoring.profile.ProfileColumn#rankError()}).
 *
 * <p>Values are read as {@link io.github.mlops4j.monitoring.profile.ProfileRow} reads them: a
 * numeric column takes any Spark numeric type ({@code null}, NaN and infinities count as missing);
 * a categorical or binary column takes strings, booleans and integral types ({@code null} counts as
 * missing). Dataset columns the schema does not name are ignored; a schema column the Dataset
 * lacks, or whose Spark type the schema's column cannot take, is an error before any job runs.
 *
 * <p>When the Dataset is a columnar scan (such as Spark's vectorized Parquet reader) of the
 * schema's columns, under at most a selection of columns, the executors read the scan's column
 * batches and update the profile one column at a time ({@link ProfileAccumulator#updateColumns}),
 * for numeric columns of the types {@code DOUBLE}, {@code FLOAT} and the integral ones, and
 * categorical ones of the types {@code STRING}, {@code BOOLEAN} and the integral ones. Any other
 * plan or column type is read as Spark's internal rows (numeric columns cast to {@code DOUBLE},
 * categorical ones to {@code STRING} in the query). Either way there is no {@code Row} object or
 * boxed value per cell, and the exact parts of the profile are the same; this needs a classic (not
 * Spark Connect) session, as scoring does.
 *
 * <p>Each partition sends one serialized profile to the driver (about 5 KB per numeric column at
 * the default k = 200), so the driver holds one profile per partition while merging.
 *
 * @since 0.1.0
 */
public final class SparkProfiles {
  private SparkProfiles() {}

  /**
   * The profile of every row of {@code data} for the columns of {@code schema}.
   *
   * @throws IllegalArgumentException if {@code data} lacks a column of the schema
   */
  public static Profile profile(Dataset<Row> data, ProfileSchema schema) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(schema, "schema");
    StructType types = data.schema();
    List<String> available = Arrays.asList(types.fieldNames());
    for (String c : schema.columns()) {
      if (!available.contains(c)) {
        throw new IllegalArgumentException(
            "The Dataset has no column "
                + SparkFeatures.quote(c)
                + " of the profile schema; its columns: "
                + SparkFeatures.quote(String.join(", ", available)));
      }
    }
    List<String> numeric = schema.numericColumns();
    List<String> categorical = schema.categoricalColumns();
    List<String> selected = new ArrayList<>(numeric.size() + categorical.size());
    for (String c : numeric) {
      DataType type = types.apply(c).dataType();
      if (!(type instanceof NumericType)) {
        throw wrongType(c, schema, type, "a Spark numeric type");
      }
      selected.add("CAST(" + quoted(c) + " AS DOUBLE)");
    }
    for (String c : categorical) {
      DataType type = types.apply(c).dataType();
      if (!CATEGORY_TYPES.contains(type)) {
        throw wrongType(c, schema, type, "strings, booleans or integral numbers");
      }
      selected.add("CAST(" + quoted(c) + " AS STRING)");
    }
    byte[] empty = Profile.empty(schema).toBytes();
    ColumnarScan scan = columnarScan(data, schema);
    List<byte[]> parts;
    if (scan != null) {
      // Column batches as the scan decodes them: no rows are assembled.
      parts =
          scan.plan()
              .executeColumnar()
              .toJavaRDD()
              .mapPartitions(new BatchProfile(empty, scan.ordinals(), scan.types(), numeric.size()))
              .collect();
    } else {
      // The rows as Spark holds them: no Row objects, no boxed values.
      parts =
          classic(data.selectExpr(selected.toArray(String[]::new)))
              .queryExecution()
              .toRdd()
              .toJavaRDD()
              .mapPartitions(new PartitionProfile(empty, numeric.size(), categorical.size()))
              .collect();
    }
    List<Profile> profiles = new ArrayList<>(parts.size() + 1);
    profiles.add(Profile.empty(schema));
    for (byte[] p : parts) {
      profiles.add(Profile.fromBytes(p));
    }
    return Profile.merge(profiles);
  }

  private static final Set<DataType> CATEGORY_TYPES =
      Set.of(
          DataTypes.StringType,
          DataTypes.BooleanType,
          DataTypes.ByteType,
          DataTypes.ShortType,
          DataTypes.IntegerType,
          DataTypes.LongType);

  private static org.apache.spark.sql.classic.Dataset<Row> classic(Dataset<Row> columns) {
    if (!(columns instanceof org.apache.spark.sql.classic.Dataset<Row> classic)) {
      throw new IllegalArgumentException(
          "SparkProfiles needs a Dataset of a classic SparkSession (not Spark Connect), got a "
              + columns.getClass().getName());
    }
    return classic;
  }

  /**
   * The column-batch scan that yields the schema's columns of {@code data} (numeric ones first, in
   * schema order), or {@code null} when the plan is not a columnar scan under at most a projection
   * or a column type needs Spark's own cast: the rows are read then.
   */
  static @Nullable ColumnarScan columnarScan(Dataset<Row> data, ProfileSchema schema) {
    List<String> names = new ArrayList<>(schema.numericColumns());
    names.addAll(schema.categoricalColumns());
    Dataset<Row> columns =
        data.selectExpr(names.stream().map(SparkProfiles::quoted).toArray(String[]::new));
    ColumnarScan scan = ColumnarScan.of(classic(columns).queryExecution().executedPlan());
    return scan != null && BatchProfile.reads(scan.types(), schema.numericColumns().size())
        ? scan
        : null;
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static IllegalArgumentException wrongType(
      String column, ProfileSchema schema, DataType type, String expected) {
    return new IllegalArgumentException(
        "Column "
            + SparkFeatures.quote(column)
            + " is "
            + schema.type(column)
            + " in the profile schema: expected "
            + expected
            + ", the Dataset's column is "
            + type.simpleString());
  }

  /**
   * Drift of {@code current} against {@code reference}: {@code current} is profiled with the
   * reference's schema ({@link #profile}) and compared by {@code drift} ({@link
   * ProfileDrift#compare}).
   */
  public static DriftReport drift(Profile reference, Dataset<Row> current, ProfileDrift drift) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(drift, "drift");
    return drift.compare(reference, profile(current, reference.schema()));
  }

  /**
   * Profiles one partition of rows whose numeric columns (first, as doubles) and categorical ones
   * (then, as strings) are in schema order.
   */
  private static final class PartitionProfile
      implements FlatMapFunction<Iterator<InternalRow>, byte[]> {
    private static final long serialVersionUID = 1L;
    private final byte[] empty;
    private final int numeric;
    private final int categorical;

    PartitionProfile(byte[] empty, int numeric, int categorical) {
      this.empty = empty.clone();
      this.numeric = numeric;
      this.categorical = categorical;
    }

    @Override
    public Iterator<byte[]> call(Iterator<InternalRow> rows) {
      ProfileAccumulator acc = ProfileAccumulator.create(Profile.fromBytes(empty).schema());
      int n = numeric;
      double[] values = new double[n];
      @Nullable String[] categories = new String[categorical];
      while (rows.hasNext()) {
        InternalRow r = rows.next();
        for (int i = 0; i < n; i++) {
          values[i] = r.isNullAt(i) ? Double.NaN : r.getDouble(i);
        }
        for (int i = 0; i < categories.length; i++) {
          categories[i] = r.isNullAt(n + i) ? null : r.getUTF8String(n + i).toString();
        }
        acc.update(values, categories);
      }
      return List.of(acc.snapshot().toBytes()).iterator();
    }
  }
}
