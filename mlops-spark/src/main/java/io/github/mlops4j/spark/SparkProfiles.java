package io.github.mlops4j.spark;

import io.github.mlops4j.monitoring.drift.ColumnType;
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
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
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
 * missing). Dataset columns the schema does not name are ignored; a schema column the Dataset lacks
 * is an error before any job runs.
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
    List<String> available = Arrays.asList(data.columns());
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
    List<String> selected = new ArrayList<>(numeric);
    selected.addAll(categorical);
    Dataset<Row> columns =
        data.selectExpr(
            selected.stream().map(c -> "`" + c.replace("`", "``") + "`").toArray(String[]::new));
    byte[] empty = Profile.empty(schema).toBytes();
    List<byte[]> parts =
        columns
            .mapPartitions(
                new PartitionProfile(empty, numeric.toArray(String[]::new), categorical.size()),
                Encoders.BINARY())
            .collectAsList();
    List<Profile> profiles = new ArrayList<>(parts.size() + 1);
    profiles.add(Profile.empty(schema));
    for (byte[] p : parts) {
      profiles.add(Profile.fromBytes(p));
    }
    return Profile.merge(profiles);
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

  /** Profiles one partition: numeric columns first, then categorical ones, in schema order. */
  private static final class PartitionProfile implements MapPartitionsFunction<Row, byte[]> {
    private static final long serialVersionUID = 1L;
    private final byte[] empty;
    private final String[] numericNames;
    private final int categorical;

    PartitionProfile(byte[] empty, String[] numericNames, int categorical) {
      this.empty = empty.clone();
      this.numericNames = numericNames;
      this.categorical = categorical;
    }

    @Override
    public Iterator<byte[]> call(Iterator<Row> rows) {
      ProfileSchema schema = Profile.fromBytes(empty).schema();
      ProfileAccumulator acc = ProfileAccumulator.create(schema);
      int n = numericNames.length;
      double[] values = new double[n];
      @Nullable String[] categories = new String[categorical];
      List<String> catNames = schema.categoricalColumns();
      while (rows.hasNext()) {
        Row r = rows.next();
        for (int i = 0; i < n; i++) {
          values[i] = r.isNullAt(i) ? Double.NaN : number(numericNames[i], r.get(i));
        }
        for (int i = 0; i < categorical; i++) {
          categories[i] =
              r.isNullAt(n + i) ? null : category(catNames.get(i), schema, r.get(n + i));
        }
        acc.update(values, categories);
      }
      return List.of(acc.snapshot().toBytes()).iterator();
    }

    private static double number(String column, Object v) {
      if (v instanceof Number x) {
        return x.doubleValue();
      }
      throw new IllegalArgumentException(
          "Column "
              + SparkFeatures.quote(column)
              + " is NUMERIC in the profile schema but holds a "
              + v.getClass().getName());
    }

    private static String category(String column, ProfileSchema schema, Object v) {
      if (v instanceof String
          || v instanceof Boolean
          || v instanceof Integer
          || v instanceof Long
          || v instanceof Short
          || v instanceof Byte) {
        return v.toString();
      }
      ColumnType type = schema.type(column);
      throw new IllegalArgumentException(
          "Column "
              + SparkFeatures.quote(column)
              + " is "
              + type
              + " in the profile schema: expected strings, booleans or integral numbers, got a "
              + v.getClass().getName());
    }
  }
}
