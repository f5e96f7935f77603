package io.github.mlops4j.monitoring.drift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An immutable table of named, typed columns of equal length: the input of {@link DriftDetector}.
 *
 * <pre>{@code
 * Frame frame = Frame.builder()
 *     .numeric("age", new double[] {34, 51, Double.NaN})      // NaN, ±Infinity: missing
 *     .categorical("city", new String[] {"Oslo", null, "Rome"}) // null: missing
 *     .bool("churned", new Boolean[] {true, false, null})       // null: missing
 *     .build();
 * }</pre>
 *
 * <p>Columns are stored the way drift is computed, one primitive or string array per column: a
 * window of 10,000 rows by 50 numeric features is 50 {@code double[]}, not 500,000 boxed values in
 * row maps. The type of each column is declared, never guessed from its values, so a column of the
 * strings {@code "1"} and {@code "2"} stays categorical.
 *
 * <p>Arrays are copied on the way in; a frame is safe to share between threads.
 *
 * @since 0.1.0
 */
public final class Frame {
  private final int rows;
  private final Map<String, Column> columns;

  private Frame(Builder b) {
    this.rows = b.rows < 0 ? 0 : b.rows;
    this.columns = new LinkedHashMap<>(b.columns); // the builder may go on adding columns
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The number of rows; 0 for a frame without columns. */
  public int rows() {
    return rows;
  }

  /** Column names in the order they were added. */
  public List<String> columnNames() {
    return List.copyOf(columns.keySet());
  }

  /** The declared type of a column, empty when the frame has no such column. */
  public Optional<ColumnType> type(String column) {
    Column c = columns.get(Objects.requireNonNull(column, "column"));
    return c == null ? Optional.empty() : Optional.of(c.type);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Frame{").append(rows).append(" rows");
    columns
        .values()
        .forEach(
            c ->
                sb.append(", ")
                    .append(c.name)
                    .append(':')
                    .append(c.type.name().toLowerCase(java.util.Locale.ROOT)));
    return sb.append('}').toString();
  }

  @Nullable Column column(String name) {
    return columns.get(name);
  }

  /**
   * One column: {@code numbers} for numeric columns, {@code labels} (null = missing) for
   * categorical and binary ones; binary values are the labels {@code "false"} and {@code "true"}.
   */
  static final class Column {
    final String name;
    final ColumnType type;
    final double @Nullable [] numbers;
    final @Nullable String @Nullable [] labels;

    Column(
        String name,
        ColumnType type,
        double @Nullable [] numbers,
        @Nullable String @Nullable [] labels) {
      this.name = name;
      this.type = type;
      this.numbers = numbers;
      this.labels = labels;
    }

    int length() {
      return numbers != null ? numbers.length : Objects.requireNonNull(labels).length;
    }
  }

  /** Adds columns; every column must have the same number of rows and a distinct name. */
  public static final class Builder {
    private int rows = -1;
    private final Map<String, Column> columns = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds a numeric column. {@code NaN}, {@code +Infinity} and {@code -Infinity} count as missing
     * values.
     */
    public Builder numeric(String name, double[] values) {
      Objects.requireNonNull(values, "values");
      return add(new Column(name(name), ColumnType.NUMERIC, values.clone(), null));
    }

    /** Adds a numeric column from boxed values; {@code null}, NaN and ±Infinity are missing. */
    public Builder numeric(String name, @Nullable Double[] values) {
      Objects.requireNonNull(values, "values");
      double[] v = new double[values.length];
      for (int i = 0; i < v.length; i++) {
        Double d = values[i];
        v[i] = d == null ? Double.NaN : d;
      }
      return add(new Column(name(name), ColumnType.NUMERIC, v, null));
    }

    /** Adds a categorical column; {@code null} is a missing value, any other string a category. */
    public Builder categorical(String name, @Nullable String[] values) {
      Objects.requireNonNull(values, "values");
      return add(new Column(name(name), ColumnType.CATEGORICAL, null, values.clone()));
    }

    /** Adds a binary column; {@code null} is a missing value. */
    public Builder bool(String name, @Nullable Boolean[] values) {
      Objects.requireNonNull(values, "values");
      @Nullable String[] labels = new String[values.length];
      for (int i = 0; i < labels.length; i++) {
        Boolean b = values[i];
        labels[i] = b == null ? null : b.toString();
      }
      return add(new Column(name(name), ColumnType.BINARY, null, labels));
    }

    /** Adds a binary column without missing values. */
    public Builder bool(String name, boolean[] values) {
      Objects.requireNonNull(values, "values");
      String[] labels = new String[values.length];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = Boolean.toString(values[i]);
      }
      return add(new Column(name(name), ColumnType.BINARY, null, labels));
    }

    public Frame build() {
      return new Frame(this);
    }

    private static String name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("Column names must not be blank, was '" + name + "'");
      }
      return name;
    }

    private Builder add(Column c) {
      if (columns.containsKey(c.name)) {
        throw new IllegalArgumentException("Column '" + c.name + "' was added twice");
      }
      int n = c.length();
      if (rows >= 0 && n != rows) {
        List<String> names = new ArrayList<>(columns.keySet());
        throw new IllegalArgumentException(
            "Column '"
                + c.name
                + "' has "
                + n
                + " rows but '"
                + names.get(0)
                + "' has "
                + rows
                + ": all columns must have the same length");
      }
      rows = n;
      columns.put(c.name, c);
      return this;
    }
  }
}
