package io.github.mlops4j.monitoring.profile;

import io.github.mlops4j.monitoring.internal.DoubleRadixSort;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Profile} one row at a time. Not thread-safe: use one accumulator per thread and
 * {@link Profile#merge merge} their profiles (the {@code Monitor} does this with striped
 * accumulators).
 *
 * <p>Every row counts once in every column. Missing values ({@code null}, {@code NaN}, ±infinity,
 * or a column absent from a map row) are counted per column, never dropped silently. A row that is
 * rejected (wrong array length, unknown column, wrong type) changes nothing.
 *
 * <p>Cost per numeric value: a Welford update plus a KLL update, about 40 ns added row by row and
 * about 26 ns added by {@link #updateColumns} in batches of 1,024 rows, on one core of a 2-core
 * cloud VM ({@code ProfileUpdateBenchmark} in {@code docs/BENCHMARKS.md}); per categorical value
 * one hash-map increment.
 *
 * @since 0.1.0
 */
public final class ProfileAccumulator {
  private static final String[] NO_CATEGORIES = new String[0];
  private static final @Nullable String[][] NO_COLUMNS = new String[0][];

  /** The most rows of one column that {@link #updateColumns} hands to a sketch at once. */
  private static final int CHUNK = 4096;

  private final ProfileSchema schema;
  private NumericSketch[] numeric;
  private CategorySketch[] categorical;
  private long rows;

  /** {@link #updateColumns}'s scratch space for one column's finite values, and their sort. */
  private double[] finite = new double[0];

  private @Nullable DoubleRadixSort sorter;

  private ProfileAccumulator(ProfileSchema schema) {
    this.schema = schema;
    this.numeric = newNumeric(schema);
    this.categorical = newCategorical(schema);
  }

  /** An empty accumulator for the schema. */
  public static ProfileAccumulator create(ProfileSchema schema) {
    return new ProfileAccumulator(Objects.requireNonNull(schema, "schema"));
  }

  static NumericSketch[] newNumeric(ProfileSchema schema) {
    NumericSketch[] out = new NumericSketch[schema.numericColumns().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new NumericSketch(schema.kllK());
    }
    return out;
  }

  static CategorySketch[] newCategorical(ProfileSchema schema) {
    CategorySketch[] out = new CategorySketch[schema.categoricalColumns().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new CategorySketch(schema.exactCategoryLimit(), schema.frequentItemsMapSize());
    }
    return out;
  }

  public ProfileSchema schema() {
    return schema;
  }

  /** Rows added so far (including merged profiles' rows). */
  public long rows() {
    return rows;
  }

  /**
   * Adds a row of a schema that has only numeric columns.
   *
   * @param values one value per numeric column, in schema order; {@code NaN} or ±infinity = missing
   * @throws IllegalArgumentException if the length does not match or the schema has categorical
   *     columns
   */
  public void update(double[] values) {
    update(values, null);
  }

  /**
   * Adds a row given as arrays in schema order.
   *
   * @param values one value per numeric column ({@code NaN} or ±infinity = missing)
   * @param categories one value per categorical or binary column ({@code null} = missing); may be
   *     {@code null} when the schema has none
   * @throws IllegalArgumentException if a length does not match the schema
   */
  public void update(double[] values, @Nullable String @Nullable [] categories) {
    ProfileRow.checkLengths(schema, values, categories);
    add(values, categories == null ? NO_CATEGORIES : categories);
  }

  /** Adds a converted row (lengths already checked). */
  public void update(ProfileRow row) {
    add(row.numeric(), row.categorical());
  }

  /**
   * Adds a row given by column name; see {@link ProfileRow#of(ProfileSchema, Map)} for the accepted
   * value types.
   *
   * @throws IllegalArgumentException naming the column for an unknown column or a value of the
   *     wrong type; the row is then not added
   */
  public void update(Map<String, ?> row) {
    ProfileRow r = ProfileRow.of(schema, row);
    add(r.numeric(), r.categorical());
  }

  /**
   * Adds {@code rows} rows stored back to back: row r's numeric values at {@code values[r *
   * numericColumns .. ]} and its categorical values at {@code categories[r * categoricalColumns ..
   * ]}, each in schema order.
   *
   * @throws IllegalArgumentException if the arrays are shorter than {@code rows} rows
   */
  public void updateRows(double[] values, @Nullable String[] categories, int rows) {
    int nn = numeric.length;
    int nc = categorical.length;
    if (rows < 0 || values.length < (long) rows * nn || categories.length < (long) rows * nc) {
      throw new IllegalArgumentException(
          "The arrays hold fewer than "
              + rows
              + " rows of "
              + nn
              + " numeric and "
              + nc
              + " categorical values");
    }
    for (int r = 0; r < rows; r++) {
      add(values, r * nn, categories, r * nc);
    }
  }

  /**
   * Adds {@code rows} rows given column by column, as columnar sources (Arrow, Parquet, Spark's
   * column batches) hold them: row r's value of the i-th numeric column is {@code numeric[i][r]},
   * of the i-th categorical or binary column {@code categorical[i][r]}, each array in schema order
   * and read from index 0. The profile is the one {@link #update(double[], String[])} gives for the
   * same rows in the same order: counts, missing values, min, max and category counts identical,
   * each KLL sketch given the same values (its compaction coin flips may differ, within the
   * sketch's error bound), and mean and variance equal up to floating-point rounding. A call is
   * taken a column at a time, in chunks of up to 4,096 rows: a chunk's own moments (two passes over
   * its values) are combined with those before by Chan's formula, as merging profiles does, and its
   * finite values go to the sketch at once, sorted first when there are at least 512 (KLL's bound
   * holds for any order of arrival, and its compactions, which sort, cost far less on sorted
   * values). With batches of a thousand rows or more, as columnar readers give them, a numeric
   * value costs about two thirds of what it costs row by row. Beside the sketches, the accumulator
   * keeps about 150 KB of scratch space once this is first called.
   *
   * @param numeric one array per numeric column ({@code NaN} or ±infinity = missing)
   * @param categorical one array per categorical or binary column ({@code null} = missing); may be
   *     {@code null} when the schema has none
   * @param rows how many rows, at most the length of every array
   * @throws IllegalArgumentException if the number of arrays does not match the schema, an array is
   *     {@code null} or shorter than {@code rows}, or {@code rows} is negative; nothing is added
   *     then
   */
  public void updateColumns(
      double[][] numeric, @Nullable String @Nullable [][] categorical, int rows) {
    Objects.requireNonNull(numeric, "numeric");
    @Nullable String[][] cats = categorical == null ? NO_COLUMNS : categorical;
    checkColumns(numeric.length, cats.length, rows);
    for (int i = 0; i < numeric.length; i++) {
      if (numeric[i] == null || numeric[i].length < rows) {
        throw shortColumn(schema.numericColumns().get(i), rows);
      }
    }
    for (int i = 0; i < cats.length; i++) {
      if (cats[i] == null || cats[i].length < rows) {
        throw shortColumn(schema.categoricalColumns().get(i), rows);
      }
    }
    NumericSketch[] num = this.numeric;
    if (num.length > 0 && rows > 0) {
      // a chunk at a time: the scratch space and the sort's stay small and in cache
      if (finite.length < Math.min(rows, CHUNK)) {
        finite = new double[Math.min(rows, CHUNK)];
      }
      DoubleRadixSort sort = sorter;
      if (sort == null) {
        sort = sorter = new DoubleRadixSort();
      }
      for (int i = 0; i < num.length; i++) {
        for (int from = 0, n; from < rows; from += n) { // from + n <= rows: no overflow
          n = Math.min(CHUNK, rows - from);
          num[i].update(numeric[i], from, n, finite, sort);
        }
      }
    }
    CategorySketch[] cat = this.categorical;
    for (int i = 0; i < cat.length; i++) {
      CategorySketch s = cat[i];
      @Nullable String[] column = cats[i];
      for (int r = 0; r < rows; r++) {
        s.update(column[r]);
      }
    }
    this.rows += rows;
  }

  private void checkColumns(int numericArrays, int categoricalArrays, int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative, got " + rows);
    }
    if (numericArrays != numeric.length || categoricalArrays != categorical.length) {
      throw new IllegalArgumentException(
          "Expected "
              + numeric.length
              + " numeric and "
              + categorical.length
              + " categorical columns (the schema's), got "
              + numericArrays
              + " and "
              + categoricalArrays);
    }
  }

  private static IllegalArgumentException shortColumn(String column, int rows) {
    return new IllegalArgumentException(
        "The values of column \"" + column + "\" are missing or fewer than " + rows + " rows");
  }

  private void add(double[] values, @Nullable String[] categories) {
    add(values, 0, categories, 0);
  }

  private void add(double[] values, int vo, @Nullable String[] categories, int co) {
    NumericSketch[] num = numeric;
    for (int i = 0; i < num.length; i++) {
      num[i].update(values[vo + i]);
    }
    CategorySketch[] cat = categorical;
    for (int i = 0; i < cat.length; i++) {
      cat[i].update(categories[co + i]);
    }
    rows++;
  }

  /**
   * Adds the rows summarized by a profile, as if they had been added one by one (exactly for the
   * counters and moments, within the sketch bounds for the sketches).
   *
   * @throws IllegalArgumentException if the profile's schema differs, or if the rows together would
   *     exceed {@code Long.MAX_VALUE} (nothing is merged then)
   */
  public void merge(Profile profile) {
    Objects.requireNonNull(profile, "profile");
    if (!profile.schema().equals(schema)) {
      throw new IllegalArgumentException(
          "Cannot merge a profile with a different schema: " + schema.difference(profile.schema()));
    }
    // every count of a column (values, missing values, a category's count, a sketch's n) is at
    // most its rows: if the rows add up, so does everything else
    if (rows > Long.MAX_VALUE - profile.rows()) {
      throw new IllegalArgumentException(
          "Cannot merge: " + rows + " + " + profile.rows() + " rows exceed Long.MAX_VALUE");
    }
    for (int i = 0; i < numeric.length; i++) {
      numeric[i].merge(profile.numeric(i));
    }
    for (int i = 0; i < categorical.length; i++) {
      categorical[i].merge(profile.categorical(i));
    }
    rows += profile.rows();
  }

  /** The profile of the rows so far; the accumulator goes on accumulating. Copies the sketches. */
  public Profile snapshot() {
    NumericSketch[] n = new NumericSketch[numeric.length];
    for (int i = 0; i < n.length; i++) {
      n[i] = numeric[i].copy();
    }
    CategorySketch[] c = new CategorySketch[categorical.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = categorical[i].copy();
    }
    return new Profile(schema, rows, n, c);
  }

  /**
   * The profile of the rows so far, and the accumulator starts again empty. Cheaper than {@link
   * #snapshot()} followed by {@link #reset()}: the sketches are handed over, not copied.
   */
  public Profile take() {
    Profile p = new Profile(schema, rows, numeric, categorical);
    numeric = newNumeric(schema);
    categorical = newCategorical(schema);
    rows = 0;
    return p;
  }

  /** Forgets every row. */
  public void reset() {
    numeric = newNumeric(schema);
    categorical = newCategorical(schema);
    rows = 0;
  }
}
