package io.github.mlops4j.monitoring.profile;

import io.github.mlops4j.monitoring.drift.ColumnType;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One row in the column order of a {@link ProfileSchema}: the numeric values in the order of {@link
 * ProfileSchema#numericColumns()} ({@code NaN} = missing) and the categorical and binary values in
 * the order of {@link ProfileSchema#categoricalColumns()} ({@code null} = missing).
 *
 * <p>A transient carrier for the hot path: the arrays are neither copied nor defensively protected;
 * do not change them after passing the row on.
 *
 * @since 0.1.0
 */
public final class ProfileRow {
  private static final String[] NO_CATEGORIES = new String[0];

  private final double[] numeric;
  private final @Nullable String[] categorical;

  private ProfileRow(double[] numeric, @Nullable String[] categorical) {
    this.numeric = numeric;
    this.categorical = categorical;
  }

  /**
   * Converts a row given by column name. Values are checked before anything is profiled, so a
   * rejected row changes nothing.
   *
   * <ul>
   *   <li>Numeric columns take any {@link Number} ({@code NaN} and infinities count as missing) or
   *       {@code null} (missing).
   *   <li>Categorical and binary columns take a {@link CharSequence}, {@link Boolean}, {@link
   *       Character}, {@link Enum} (its name) or an integral number ({@code Integer}, {@code Long},
   *       {@code Short}, {@code Byte}, {@code BigInteger}), or {@code null} (missing).
   *       Floating-point numbers are refused: convert them to strings yourself if they really are
   *       categories.
   *   <li>A schema column absent from the map counts as missing.
   * </ul>
   *
   * @throws IllegalArgumentException naming the column if the map has a column the schema does not
   *     know or a value of the wrong type
   */
  public static ProfileRow of(ProfileSchema schema, Map<String, ?> row) {
    return of(schema, row, Set.of());
  }

  /**
   * Converts a row given by column name, skipping the entries whose key is in {@code
   * ignoredColumns} (columns that are not features, such as entity keys or request ids). A key
   * neither in the schema nor ignored is refused as by {@link #of(ProfileSchema, Map)}.
   *
   * @throws IllegalArgumentException naming the column if the map has a column the schema does not
   *     know and that is not ignored, or a value of the wrong type
   */
  public static ProfileRow of(
      ProfileSchema schema, Map<String, ?> row, Set<String> ignoredColumns) {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(ignoredColumns, "ignoredColumns");
    double[] num = new double[schema.numericColumns().size()];
    Arrays.fill(num, Double.NaN);
    @Nullable String[] cat = new String[schema.categoricalColumns().size()];
    int seen = 0;
    for (Map.Entry<String, ?> e : row.entrySet()) {
      String name = e.getKey();
      if (name == null || !schema.hasColumn(name)) {
        if (name != null && !ignoredColumns.isEmpty() && ignoredColumns.contains(name)) {
          continue;
        }
        IllegalArgumentException unknown = schema.unknownColumn(String.valueOf(name));
        throw new IllegalArgumentException(
            unknown.getMessage()
                + "; a column that is not a feature"
                + " (an entity key, a request id) can be skipped with"
                + " Monitor.builder().ignoreColumns(...)");
      }
      int i = schema.indexOf(name);
      Object v = e.getValue();
      seen++;
      if (schema.typeAt(i) == ColumnType.NUMERIC) {
        num[schema.slot(i)] = numeric(name, v);
      } else {
        cat[schema.slot(i)] = category(name, schema.typeAt(i), v);
      }
    }
    assert seen <= schema.columns().size();
    return new ProfileRow(num, cat);
  }

  /**
   * Wraps arrays already in schema order.
   *
   * @param categorical the categorical values, or {@code null} when the schema has none
   * @throws IllegalArgumentException if an array's length does not match the schema
   */
  public static ProfileRow of(
      ProfileSchema schema, double[] numeric, @Nullable String @Nullable [] categorical) {
    checkLengths(schema, numeric, categorical);
    return new ProfileRow(numeric, categorical == null ? NO_CATEGORIES : categorical);
  }

  /**
   * Checks that arrays fit the schema without wrapping them.
   *
   * @throws IllegalArgumentException if an array's length does not match the schema
   */
  public static void checkLengths(
      ProfileSchema schema, double[] numeric, @Nullable String @Nullable [] categorical) {
    Objects.requireNonNull(numeric, "numeric");
    int nn = schema.numericColumns().size();
    int nc = schema.categoricalColumns().size();
    if (numeric.length != nn) {
      throw new IllegalArgumentException(
          "The numeric array has "
              + numeric.length
              + " values but the schema has "
              + nn
              + " numeric columns "
              + abbreviate(schema.numericColumns()));
    }
    int cl = categorical == null ? 0 : categorical.length;
    if (cl != nc) {
      throw new IllegalArgumentException(
          "The categorical array has "
              + cl
              + " values but the schema has "
              + nc
              + " categorical/binary columns "
              + abbreviate(schema.categoricalColumns()));
    }
  }

  private static String abbreviate(java.util.List<String> names) {
    return names.size() <= 10 ? names.toString() : names.subList(0, 10) + "...";
  }

  private static double numeric(String column, @Nullable Object v) {
    if (v == null) {
      return Double.NaN;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(
        "Column '"
            + column
            + "' is NUMERIC: expected a Number or"
            + " null, got a "
            + v.getClass().getName());
  }

  private static @Nullable String category(String column, ColumnType type, @Nullable Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof CharSequence
        || v instanceof Boolean
        || v instanceof Character
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger) {
      return v.toString();
    }
    if (v instanceof Enum<?> en) {
      return en.name();
    }
    throw new IllegalArgumentException(
        "Column '"
            + column
            + "' is "
            + type
            + ": expected a"
            + " String, Boolean, Character, Enum, integral number or null, got a "
            + v.getClass().getName());
  }

  /** The numeric values (not a copy). */
  public double[] numeric() {
    return numeric;
  }

  /** The categorical and binary values (not a copy). */
  public @Nullable String[] categorical() {
    return categorical;
  }
}
