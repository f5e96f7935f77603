package io.github.mlops4j.registry.validation;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.internal.Sha256;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.VariableInfo;
import org.tribuo.data.columnar.ColumnarIterator;
import org.tribuo.data.csv.CSVIterator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The labelled rows a model is evaluated on, with the slices (segments) whose metrics are reported
 * and gated separately.
 *
 * <pre>{@code
 * Holdout<Label> fromMemory = Holdout.builder(dataset).sliceBy("region").build();
 * Holdout<Label> fromCsv = Holdout.csvBuilder(Path.of("holdout.csv"), "churn", new LabelFactory())
 *     .sliceBy("region").slice("new-customers", ex -> tenure(ex) < 1).build();
 * }</pre>
 *
 * <p>A column slice ({@link Builder#sliceBy}) makes one slice per distinct value, named {@code
 * column=value}. Slicing groups rows; it never adds or removes features, for a CSV file and for an
 * in-memory data set alike: slicing by a model feature such as {@code region} keeps it a feature.
 * Columns that are not features (ids, timestamps) are left out with {@link Builder#ignoreColumns}.
 * A predicate slice ({@link Builder#slice}) is named by the caller.
 *
 * <p>The data set's identity is a {@link DatasetVersion}: for a CSV file the SHA-256 of the file
 * ({@link DatasetVersion#of(Path)}); for an in-memory data set the SHA-256 of a canonical encoding
 * of its examples, in order: for each example its output's serializable form, its weight, its
 * features (name and value) in the example's order and its metadata sorted by key, each string as a
 * 4-byte big-endian length and its UTF-8 bytes, each number as its 8-byte big-endian IEEE 754
 * double bits. The digest is computed when first asked for, not during evaluation.
 *
 * @param <T> the output type ({@code Label} or {@code Regressor})
 * @since 0.1.0
 */
public final class Holdout<T extends Output<T>> {
  private final Dataset<T> dataset;
  private final String name;
  private final @Nullable Path file;
  private final List<String> featureColumns;
  private final List<SliceSpec<T>> slices;
  private final Map<String, String[]> sliceValues;
  private volatile @Nullable DatasetVersion version;

  private Holdout(
      Builder<T> b,
      Dataset<T> dataset,
      List<String> featureColumns,
      Map<String, String[]> sliceValues) {
    this.dataset = dataset;
    this.name = b.name;
    this.file = b.file;
    this.featureColumns = List.copyOf(featureColumns);
    this.slices = List.copyOf(b.slices);
    this.sliceValues = Map.copyOf(sliceValues);
  }

  /**
   * Starts a holdout over an in-memory Tribuo data set, named {@code holdout} by default. Its
   * feature columns are the data set's feature names with one-hot names {@code column@value} folded
   * to {@code column}; {@link Builder#sliceBy} groups rows by a metadata key or a feature and
   * leaves the features as they are, exactly as for {@link #csvBuilder}.
   */
  public static <T extends Output<T>> Builder<T> builder(Dataset<T> dataset) {
    Objects.requireNonNull(dataset, "dataset");
    return new Builder<>(dataset, null, null, null);
  }

  /**
   * Starts a holdout read from a CSV file with a header row (comma separated, {@code "} quoted)
   * whose column names are unique (a name used twice is an error, not a silent choice of one of the
   * columns). The label column is parsed by {@code factory}; every other column that is not ignored
   * ({@link Builder#ignoreColumns}) is a feature, slice columns included: a number becomes a real
   * feature named after the column, any other text {@code v} becomes the one-hot feature {@code
   * column@v} with value 1, and an empty cell is a missing (zero) feature. The cells of slice
   * columns are also kept, as text, in each example's metadata. Named after the file.
   */
  public static <T extends Output<T>> Builder<T> csvBuilder(
      Path file, String labelColumn, OutputFactory<T> factory) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(labelColumn, "labelColumn");
    Objects.requireNonNull(factory, "factory");
    return new Builder<>(null, file, labelColumn, factory);
  }

  /** The examples. */
  public Dataset<T> dataset() {
    return dataset;
  }

  /** The name used for the data set in tracking runs and evaluation records. */
  public String name() {
    return name;
  }

  /** Number of rows. */
  public int size() {
    return dataset.size();
  }

  /**
   * The feature columns of the data: CSV columns other than the label and the ignored columns, or
   * the distinct feature names of an in-memory data set with one-hot names {@code column@value}
   * folded to {@code column}, less the ignored columns. Slice columns are features like any other.
   * Compared with the model's signature before evaluation.
   */
  public List<String> featureColumns() {
    return featureColumns;
  }

  /** The slice definitions, in the order given. */
  List<SliceSpec<T>> sliceSpecs() {
    return slices;
  }

  /** The columns sliced by {@link Builder#sliceBy}. */
  Set<String> sliceColumns() {
    return sliceValues.keySet();
  }

  /** The value of the column slice {@code column} for every row, in row order (shared array). */
  String[] sliceValues(String column) {
    return Objects.requireNonNull(sliceValues.get(column), column);
  }

  /** The data set's version: name, SHA-256 digest and row count (computed once, on demand). */
  public DatasetVersion version() {
    DatasetVersion v = version;
    if (v == null) {
      v = file != null ? DatasetVersion.of(name, file) : digestInMemory();
      version = v;
    }
    return v;
  }

  private DatasetVersion digestInMemory() {
    MessageDigest sha = Sha256.newDigest();
    ByteBuffer buf = ByteBuffer.allocate(8);
    long[] bytes = new long[1];
    class Enc {
      void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        buf.clear();
        buf.putInt(b.length);
        sha.update(buf.array(), 0, 4);
        sha.update(b);
        bytes[0] += 4 + b.length;
      }

      void num(double d) {
        buf.clear();
        buf.putLong(Double.doubleToLongBits(d));
        sha.update(buf.array(), 0, 8);
        bytes[0] += 8;
      }
    }
    Enc enc = new Enc();
    for (Example<T> ex : dataset) {
      enc.str(ex.getOutput().getSerializableForm(false));
      enc.num(ex.getWeight());
      enc.num(ex.size());
      for (Feature f : ex) {
        enc.str(f.getName());
        enc.num(f.getValue());
      }
      Map<String, Object> meta = new TreeMap<>(ex.getMetadata());
      enc.num(meta.size());
      for (Map.Entry<String, Object> m : meta.entrySet()) {
        enc.str(m.getKey());
        enc.str(String.valueOf(m.getValue()));
      }
    }
    String digest = Sha256.hex(sha.digest());
    return new DatasetVersion(name, digest, bytes[0], 0, (long) dataset.size(), "memory:" + name);
  }

  /** A value for a message: at most 100 characters, with the length when cut. */
  static String cut(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "… (" + s.length() + " characters)";
  }

  /** Folds one-hot feature names {@code column@value} to {@code column}. */
  static String column(String featureName) {
    int at = featureName.indexOf('@');
    return at > 0 ? featureName.substring(0, at) : featureName;
  }

  /** A named slice: by column value or by predicate. */
  record SliceSpec<T extends Output<T>>(
      String name, @Nullable String column, @Nullable Predicate<Example<T>> predicate) {}

  /**
   * Configures a {@link Holdout}.
   *
   * @param <T> the output type
   */
  public static final class Builder<T extends Output<T>> {
    private final @Nullable Dataset<T> dataset;
    private final @Nullable Path file;
    private final @Nullable String labelColumn;
    private final @Nullable OutputFactory<T> factory;
    private String name;
    private final List<SliceSpec<T>> slices = new ArrayList<>();
    private final Set<String> sliceNames = new LinkedHashSet<>();
    private final Set<String> ignored = new LinkedHashSet<>();

    private Builder(
        @Nullable Dataset<T> dataset,
        @Nullable Path file,
        @Nullable String labelColumn,
        @Nullable OutputFactory<T> factory) {
      this.dataset = dataset;
      this.file = file;
      this.labelColumn = labelColumn;
      this.factory = factory;
      Path fileName = file == null ? null : file.getFileName();
      this.name = fileName == null ? "holdout" : fileName.toString();
    }

    /** The data set's name in tracking runs and evaluation records (a relative name). */
    public Builder<T> name(String name) {
      Objects.requireNonNull(name, "name");
      io.github.mlops4j.artifacts.internal.PathNames.checkRelative(name, "holdout name");
      this.name = name;
      return this;
    }

    /**
     * One slice per distinct value of {@code column}, named {@code column=value}. This is a
     * grouping of the rows and nothing else: the column stays what it was (a feature if it is one),
     * for {@link Holdout#csvBuilder} and {@link Holdout#builder} alike. A row's value is, in this
     * order: the example's metadata value under {@code column} (for a CSV file, the cell's text);
     * the value of a real feature named {@code column} (integral values without a fraction, e.g.
     * {@code 3}); {@code v} of a non-zero one-hot feature {@code column@v}; {@code 0} when {@code
     * column} is a real feature of the data set that the row does not hold (Tribuo's sparse zero).
     * A row with none of these is a {@link ValidationException} at {@link #build()}.
     *
     * <p>A slice column the model does not know is not reported as an unknown feature column (the
     * model ignores it); to keep it away from the model altogether, also pass it to {@link
     * #ignoreColumns}.
     */
    public Builder<T> sliceBy(String column) {
      Objects.requireNonNull(column, "column");
      if (column.isBlank()) {
        throw new IllegalArgumentException("Slice column must not be blank");
      }
      if (column.equals(labelColumn)) {
        throw new IllegalArgumentException(
            "Slice column '" + column + "' is the label column; slice by another column");
      }
      addName("column " + column);
      slices.add(new SliceSpec<>(column, column, null));
      return this;
    }

    /**
     * Columns that are not features (ids, timestamps, free text): left out of the feature columns
     * compared with the model's signature and out of the examples the model sees. For a CSV file
     * they are not read as features (a slice column that is also ignored still slices); for an
     * in-memory data set the examples are copied without the features named by {@code columns} (a
     * name or {@code name@...}), and the digest is that of the copy. Each column must exist (a CSV
     * header column or an in-memory feature column), else {@link #build()} fails naming it.
     * Repeatable.
     *
     * @throws IllegalArgumentException if a column is blank or is the label column
     */
    public Builder<T> ignoreColumns(String... columns) {
      Objects.requireNonNull(columns, "columns");
      for (String column : columns) {
        Objects.requireNonNull(column, "column");
        if (column.isBlank()) {
          throw new IllegalArgumentException("An ignored column must not be blank");
        }
        if (column.equals(labelColumn)) {
          throw new IllegalArgumentException(
              "Column '" + cut(column) + "' is the label column; it cannot be ignored");
        }
        ignored.add(column);
      }
      return this;
    }

    /** A slice of the rows matching {@code predicate}, named {@code name}. */
    public Builder<T> slice(String name, Predicate<Example<T>> predicate) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(predicate, "predicate");
      if (name.isBlank()) {
        throw new IllegalArgumentException("Slice name must not be blank");
      }
      addName(name);
      slices.add(new SliceSpec<>(name, null, predicate));
      return this;
    }

    private void addName(String key) {
      if (!sliceNames.add(key)) {
        throw new IllegalArgumentException("Slice '" + key + "' is defined twice");
      }
    }

    /**
     * Builds the holdout, reading the CSV file if there is one.
     *
     * @throws ValidationException if the data set is empty, the CSV file cannot be read, or a
     *     column is missing or named twice
     */
    public Holdout<T> build() {
      Dataset<T> data;
      List<String> columns;
      Map<String, String[]> values;
      if (dataset != null) {
        Set<String> cols = new TreeSet<>();
        for (VariableInfo info : dataset.getFeatureMap()) {
          cols.add(column(info.getName()));
        }
        for (String ig : ignored) {
          if (!cols.contains(ig)) {
            throw new ValidationException(
                "Holdout '"
                    + name
                    + "' has no feature column '"
                    + cut(ig)
                    + "' to ignore; "
                    + describe(List.copyOf(cols)));
          }
        }
        values = sliceValues(dataset);
        cols.removeAll(ignored);
        columns = new ArrayList<>(cols);
        data = ignored.isEmpty() ? dataset : without(dataset, ignored);
      } else {
        Path f = Objects.requireNonNull(file);
        List<String> cols = new ArrayList<>();
        data =
            readCsv(f, Objects.requireNonNull(labelColumn), Objects.requireNonNull(factory), cols);
        columns = cols;
        values = sliceValues(data);
      }
      if (data.size() == 0) {
        throw new ValidationException(
            "The holdout '"
                + name
                + "' has no rows; evaluate on a"
                + " data set with at least one labelled row");
      }
      return new Holdout<>(this, data, columns, values);
    }

    /** The value of every column slice for every row (see {@link #sliceBy}). */
    private Map<String, String[]> sliceValues(Dataset<T> data) {
      Map<String, String[]> out = new LinkedHashMap<>();
      for (SliceSpec<T> s : slices) {
        String column = s.column();
        if (column == null) {
          continue;
        }
        boolean real = data.getFeatureMap().get(column) != null;
        String[] values = new String[data.size()];
        int row = 0;
        for (Example<T> ex : data) {
          String v = sliceValue(ex, column, real);
          if (v == null) {
            throw new ValidationException(
                "Row "
                    + row
                    + " of holdout '"
                    + name
                    + "' has no value"
                    + " for slice column '"
                    + cut(column)
                    + "': it is neither a metadata key nor a"
                    + " feature ("
                    + cut(column)
                    + " or "
                    + cut(column)
                    + "@value) of the row");
          }
          values[row++] = v;
        }
        out.put(column, values);
      }
      return out;
    }

    private static <T extends Output<T>> @Nullable String sliceValue(
        Example<T> ex, String column, boolean realColumn) {
      Optional<Object> meta = ex.getMetadataValue(column);
      if (meta.isPresent()) {
        return String.valueOf(meta.get());
      }
      String prefix = column + "@";
      for (Feature f : ex) {
        String n = f.getName();
        if (n.equals(column)) {
          return number(f.getValue());
        }
        if (n.startsWith(prefix) && f.getValue() != 0) {
          return n.substring(prefix.length());
        }
      }
      return realColumn ? "0" : null;
    }

    private static String number(double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** A copy of {@code data} without the features of the {@code drop} columns. */
    private static <T extends Output<T>> MutableDataset<T> without(
        Dataset<T> data, Set<String> drop) {
      MutableDataset<T> out = new MutableDataset<>(data.getProvenance(), data.getOutputFactory());
      for (Example<T> ex : data) {
        ArrayExample<T> copy = new ArrayExample<>(ex.getOutput(), ex.getWeight(), ex.getMetadata());
        for (Feature f : ex) {
          if (!drop.contains(column(f.getName()))) {
            copy.add(f.getName(), f.getValue());
          }
        }
        out.add(copy);
      }
      return out;
    }

    private MutableDataset<T> readCsv(
        Path f, String label, OutputFactory<T> outputs, List<String> columnsOut) {
      Set<String> sliceColumns = new LinkedHashSet<>();
      for (SliceSpec<T> s : slices) {
        if (s.column() != null) {
          sliceColumns.add(s.column());
        }
      }
      MutableDataset<T> out =
          new MutableDataset<>(
              new SimpleDataSourceProvenance("csv " + f.getFileName(), outputs), outputs);
      try (Reader reader = Files.newBufferedReader(f, StandardCharsets.UTF_8);
          CSVIterator it = new CSVIterator(reader, ',', '"')) {
        List<String> header = it.getFields();
        Map<String, Integer> firstSeen = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
          Integer first = firstSeen.putIfAbsent(header.get(i), i);
          if (first != null) {
            throw new ValidationException(
                "CSV file "
                    + f
                    + " has the column '"
                    + cut(header.get(i))
                    + "' twice (columns "
                    + (first + 1)
                    + " and "
                    + (i + 1)
                    + "); every column needs its own name, so rename or drop one");
          }
        }
        if (!header.contains(label)) {
          throw new ValidationException(
              "CSV file " + f + " has no label column '" + cut(label) + "'; " + describe(header));
        }
        for (String s : sliceColumns) {
          if (!header.contains(s)) {
            throw new ValidationException(
                "CSV file " + f + " has no slice column '" + cut(s) + "'; " + describe(header));
          }
        }
        for (String s : ignored) {
          if (!header.contains(s)) {
            throw new ValidationException(
                "CSV file " + f + " has no column '" + cut(s) + "' to ignore; " + describe(header));
          }
        }
        List<String> features = new ArrayList<>();
        for (String h : header) {
          if (!h.equals(label) && !ignored.contains(h)) {
            features.add(h);
          }
        }
        columnsOut.addAll(features);
        String[] names = new String[features.size()];
        double[] values = new double[features.size()];
        while (it.hasNext()) {
          ColumnarIterator.Row row = it.next();
          Map<String, String> cells = row.getRowData();
          String labelValue = cells.get(label);
          if (labelValue == null || labelValue.isBlank()) {
            throw new ValidationException(
                "CSV file "
                    + f
                    + ", data row "
                    + (row.getIndex() + 1)
                    + ": the label column '"
                    + cut(label)
                    + "' is empty; every holdout row needs a"
                    + " label");
          }
          int n = 0;
          for (String col : features) {
            String v = cells.get(col);
            if (v == null || v.isEmpty()) {
              continue;
            }
            double d = parse(v);
            if (Double.isNaN(d)) {
              names[n] = col + "@" + v;
              values[n++] = 1.0;
            } else {
              names[n] = col;
              values[n++] = d;
            }
          }
          Map<String, Object> meta = new LinkedHashMap<>();
          for (String s : sliceColumns) {
            meta.put(s, Optional.ofNullable(cells.get(s)).orElse(""));
          }
          T output = outputs.generateOutput(labelValue.trim());
          out.add(
              new ArrayExample<>(
                  output,
                  java.util.Arrays.copyOf(names, n),
                  java.util.Arrays.copyOf(values, n),
                  meta));
        }
      } catch (IOException | RuntimeException e) {
        if (e instanceof ValidationException v) {
          throw v;
        }
        throw new ValidationException(
            "Cannot read the CSV holdout " + f + ": " + cut(String.valueOf(e.getMessage())), e);
      }
      return out;
    }

    /** The header for a message: at most 10 column names of at most 100 characters. */
    private static String describe(List<String> header) {
      StringBuilder b = new StringBuilder("its ").append(header.size()).append(" columns are ");
      for (int i = 0; i < Math.min(header.size(), 10); i++) {
        b.append(i == 0 ? "" : ", ").append('\'').append(cut(header.get(i))).append('\'');
      }
      if (header.size() > 10) {
        b.append(", ...");
      }
      return b.toString();
    }

    private static double parse(String v) {
      String t = v.trim();
      if (t.isEmpty()) {
        return Double.NaN;
      }
      char c = t.charAt(0);
      if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
        return Double.NaN;
      }
      try {
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
  }
}
