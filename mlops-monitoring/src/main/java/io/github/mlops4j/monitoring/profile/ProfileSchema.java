package io.github.mlops4j.monitoring.profile;

import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.monitoring.drift.ColumnType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The columns of a {@link Profile} and the sketch parameters, fixed for the profile's life: two
 * profiles merge or compare only when their schemas are equal.
 *
 * <p>Columns keep the order in which they were declared. Numeric columns are profiled with a KLL
 * quantile sketch; categorical and binary columns with exact category counts that switch to a
 * frequent-items sketch past {@link #exactCategoryLimit()} distinct values.
 *
 * <h2>Sketch parameters and their cost</h2>
 *
 * <table>
 *   <caption>Sketch parameters</caption>
 *   <tr><th>parameter</th><th>default</th><th>effect</th></tr>
 *   <tr><td>{@link #kllK()}</td><td>{@value #DEFAULT_KLL_K}</td><td>KLL accuracy: normalized
 *       rank error 1.33 % (k = 200) or 0.27 % (k = 1024) with 99 % confidence, see
 *       {@link ProfileColumn#rankError()}; about 5 KB serialized per numeric column at k = 200
 *       and 10<sup>6</sup> values (24 KB at k = 1024)</td></tr>
 *   <tr><td>{@link #exactCategoryLimit()}</td><td>{@value #DEFAULT_EXACT_CATEGORY_LIMIT}</td>
 *       <td>distinct values counted exactly; one more switches the column to the frequent-items
 *       sketch for the rest of its life (merges included)</td></tr>
 *   <tr><td>{@link #frequentItemsMapSize()}</td><td>{@value #DEFAULT_FREQUENT_ITEMS_MAP_SIZE}</td>
 *       <td>maximum map size of the DataSketches {@code ItemsSketch}; count error at most
 *       3.5 / mapSize of the column's rows (0.34 % at 1024)</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class ProfileSchema {
  /** Default KLL k: DataSketches' default, normalized rank error 1.33 % (99 % confidence). */
  public static final int DEFAULT_KLL_K = 200;

  /** Default number of distinct categories counted exactly per column. */
  public static final int DEFAULT_EXACT_CATEGORY_LIMIT = 1024;

  /** Default maximum map size of the frequent-items sketch (a power of two). */
  public static final int DEFAULT_FREQUENT_ITEMS_MAP_SIZE = 1024;

  /** Longest accepted column name, in characters. */
  public static final int MAX_COLUMN_NAME_LENGTH = 200;

  private final List<String> columns;
  private final List<ColumnType> types;
  private final Map<String, Integer> index;
  private final List<String> numericColumns;
  private final List<String> categoricalColumns;
  private final int[] slot; // position of column i inside numericColumns or categoricalColumns
  private final int kllK;
  private final int exactCategoryLimit;
  private final int frequentItemsMapSize;

  private ProfileSchema(Builder b) {
    this.columns = List.copyOf(b.columns.keySet());
    this.types = List.copyOf(b.columns.values());
    Map<String, Integer> idx = new HashMap<>();
    List<String> num = new ArrayList<>();
    List<String> cat = new ArrayList<>();
    this.slot = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      idx.put(c, i);
      if (types.get(i) == ColumnType.NUMERIC) {
        slot[i] = num.size();
        num.add(c);
      } else {
        slot[i] = cat.size();
        cat.add(c);
      }
    }
    this.index = Collections.unmodifiableMap(idx);
    this.numericColumns = List.copyOf(num);
    this.categoricalColumns = List.copyOf(cat);
    this.kllK = b.kllK;
    this.exactCategoryLimit = b.exactCategoryLimit;
    this.frequentItemsMapSize = b.frequentItemsMapSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All column names, in declaration order. */
  public List<String> columns() {
    return columns;
  }

  /** Numeric column names, in declaration order: the order of the {@code double[]} row arrays. */
  public List<String> numericColumns() {
    return numericColumns;
  }

  /**
   * Categorical and binary column names, in declaration order: the order of the {@code String[]}
   * row arrays.
   */
  public List<String> categoricalColumns() {
    return categoricalColumns;
  }

  /** Whether the schema has a column of this name. */
  public boolean hasColumn(String name) {
    return index.containsKey(name);
  }

  /**
   * The type of a column.
   *
   * @throws IllegalArgumentException if the schema has no such column
   */
  public ColumnType type(String column) {
    return types.get(indexOf(column));
  }

  /**
   * The position of a column in {@link #columns()}.
   *
   * @throws IllegalArgumentException naming the column if the schema has no such column
   */
  public int indexOf(String column) {
    Integer i = index.get(column);
    if (i == null) {
      throw unknownColumn(column);
    }
    return i;
  }

  /** Position of column {@code i} in {@link #numericColumns()} or {@link #categoricalColumns()}. */
  int slot(int i) {
    return slot[i];
  }

  ColumnType typeAt(int i) {
    return types.get(i);
  }

  IllegalArgumentException unknownColumn(String column) {
    return new IllegalArgumentException(
        "Unknown column '"
            + column
            + "': the profile schema has "
            + (columns.size() <= 20
                ? "columns " + columns
                : columns.size() + " columns, starting " + columns.subList(0, 20)));
  }

  /** KLL sketch parameter k for numeric columns. */
  public int kllK() {
    return kllK;
  }

  /** Distinct categories counted exactly per column before the frequent-items sketch takes over. */
  public int exactCategoryLimit() {
    return exactCategoryLimit;
  }

  /** Maximum map size of the frequent-items sketch. */
  public int frequentItemsMapSize() {
    return frequentItemsMapSize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProfileSchema s
        && columns.equals(s.columns)
        && types.equals(s.types)
        && kllK == s.kllK
        && exactCategoryLimit == s.exactCategoryLimit
        && frequentItemsMapSize == s.frequentItemsMapSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(columns, types, kllK, exactCategoryLimit, frequentItemsMapSize);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ProfileSchema{");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(columns.get(i)).append(':').append(types.get(i));
    }
    return sb.append("; kllK=")
        .append(kllK)
        .append(", exactCategoryLimit=")
        .append(exactCategoryLimit)
        .append(", frequentItemsMapSize=")
        .append(frequentItemsMapSize)
        .append('}')
        .toString();
  }

  /** Explains how this schema differs from another, for error messages. */
  String difference(ProfileSchema other) {
    if (!columns.equals(other.columns)) {
      return "columns differ: " + columns + " vs " + other.columns;
    }
    if (!types.equals(other.types)) {
      return "column types differ: " + types + " vs " + other.types;
    }
    return "sketch parameters differ: kllK "
        + kllK
        + " vs "
        + other.kllK
        + ", exactCategoryLimit "
        + exactCategoryLimit
        + " vs "
        + other.exactCategoryLimit
        + ", frequentItemsMapSize "
        + frequentItemsMapSize
        + " vs "
        + other.frequentItemsMapSize;
  }

  /** Declares columns and sketch parameters; validates each value as it is set. */
  public static final class Builder {
    private final LinkedHashMap<String, ColumnType> columns = new LinkedHashMap<>();
    private int kllK = DEFAULT_KLL_K;
    private int exactCategoryLimit = DEFAULT_EXACT_CATEGORY_LIMIT;
    private int frequentItemsMapSize = DEFAULT_FREQUENT_ITEMS_MAP_SIZE;

    private Builder() {}

    /** Adds numeric columns. */
    public Builder numeric(String... names) {
      for (String n : names) {
        column(n, ColumnType.NUMERIC);
      }
      return this;
    }

    /** Adds categorical columns. */
    public Builder categorical(String... names) {
      for (String n : names) {
        column(n, ColumnType.CATEGORICAL);
      }
      return this;
    }

    /** Adds binary columns (profiled like categorical columns). */
    public Builder binary(String... names) {
      for (String n : names) {
        column(n, ColumnType.BINARY);
      }
      return this;
    }

    /**
     * Adds one column.
     *
     * @throws IllegalArgumentException if the name is blank, longer than {@value
     *     #MAX_COLUMN_NAME_LENGTH} characters or already declared
     */
    public Builder column(String name, ColumnType type) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      if (name.isBlank()) {
        throw new IllegalArgumentException("Column name must not be blank");
      }
      if (name.length() > MAX_COLUMN_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "Column name longer than "
                + MAX_COLUMN_NAME_LENGTH
                + " characters: '"
                + name.substring(0, 40)
                + "...'");
      }
      if (columns.putIfAbsent(name, type) != null) {
        throw new IllegalArgumentException("Column '" + name + "' is declared twice");
      }
      return this;
    }

    /**
     * KLL parameter k, in [8, 65535]. Larger k means smaller rank error and larger sketches: error
     * ≈ 2.296 / k<sup>0.9723</sup>.
     */
    public Builder kllK(int k) {
      Checks.inRange(k, 8, 65_535, "kllK");
      this.kllK = k;
      return this;
    }

    /** Distinct categories counted exactly per column, at least 1. */
    public Builder exactCategoryLimit(int limit) {
      Checks.atLeast(limit, 1, "exactCategoryLimit");
      this.exactCategoryLimit = limit;
      return this;
    }

    /** Maximum map size of the frequent-items sketch: a power of two in [16, 2^26]. */
    public Builder frequentItemsMapSize(int size) {
      Checks.powerOfTwoInRange(size, 16, (1 << 26), "frequentItemsMapSize");
      this.frequentItemsMapSize = size;
      return this;
    }

    /**
     * Builds the schema.
     *
     * @throws IllegalArgumentException if no column was declared
     */
    public ProfileSchema build() {
      if (columns.isEmpty()) {
        throw Checks.missing(
            "ProfileSchema.Builder",
            "at least one column",
            "numeric(names), categorical(names), binary(names) or column(name, type)");
      }
      return new ProfileSchema(this);
    }
  }
}
