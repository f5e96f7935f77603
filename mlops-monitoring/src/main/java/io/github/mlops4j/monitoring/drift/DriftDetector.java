package io.github.mlops4j.monitoring.drift;

import io.github.mlops4j.internal.Checks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Compares current data with a reference data set, column by column, and reports which columns
 * drifted.
 *
 * <pre>{@code
 * DriftDetector detector = DriftDetector.builder(reference)
 *     .preset(DriftPreset.EVIDENTLY)            // or PRODUCTION; EVIDENTLY is the default
 *     .column("age", DriftMethod.psi(0.2))            // override the preset for one column
 *     .ignore("customer_id")
 *     .build();
 * DriftReport report = detector.compare(currentWindow);
 * report.datasetDrift();
 * report.writeHtml(Path.of("drift.html"));
 * }</pre>
 *
 * <p><b>Prepared once.</b> Building the detector sorts each numeric reference column, computes its
 * range, standard deviation and distinct-value count, cuts quantile bins where a method needs them,
 * and counts the categories of categorical columns. A comparison then only touches the current data
 * (sorting each current column once) and the prepared reference, so comparing many windows against
 * one reference is cheap. The reference frame itself is not kept.
 *
 * <p><b>Missing values</b> (null, NaN, ±Infinity) are left out of every distribution, as Evidently
 * does, and reported by the data checks ({@link DataQuality}) instead of being dropped silently.
 *
 * <p><b>Columns.</b> Every reference column is compared unless {@linkplain Builder#ignore ignored}.
 * The current data must have each of them with the same type, or {@link #compare(Frame)} throws a
 * {@link DriftSchemaException} naming the column. Current columns the reference does not have are
 * ignored, unless {@link Builder#failOnExtraColumns(boolean)} is set.
 *
 * <p>A detector is immutable and thread-safe; {@link #compare(Frame)} may run concurrently.
 *
 * @since 0.1.0
 */
public final class DriftDetector {
  private final DriftPreset preset;
  private final double datasetThreshold;
  private final Clock clock;
  private final boolean failOnExtraColumns;
  private final int histogramBins;
  private final int referenceRows;
  private final List<Plan> plans;
  private final Set<String> ignored;

  private DriftDetector(Builder b, List<Plan> plans) {
    this.preset = b.preset;
    this.datasetThreshold =
        b.datasetThreshold != null ? b.datasetThreshold : b.preset.datasetThreshold();
    this.clock = b.clock;
    this.failOnExtraColumns = b.failOnExtraColumns;
    this.histogramBins = b.histogramBins;
    this.referenceRows = b.reference.rows();
    this.plans = List.copyOf(plans);
    this.ignored = Set.copyOf(b.ignored);
  }

  /** Starts a detector for a reference data set; the frame is read when {@code build()} runs. */
  public static Builder builder(Frame reference) {
    return new Builder(Objects.requireNonNull(reference, "reference"));
  }

  /** The compared columns, in the reference's order. */
  public List<String> columns() {
    return plans.stream().map(p -> p.name).collect(Collectors.toUnmodifiableList());
  }

  public DriftPreset preset() {
    return preset;
  }

  public int referenceRows() {
    return referenceRows;
  }

  public double datasetThreshold() {
    return datasetThreshold;
  }

  /**
   * The method configured for a column with {@link Builder#column}, empty when the preset decides.
   */
  public Optional<DriftMethod> configuredMethod(String column) {
    return plans.stream()
        .filter(p -> p.name.equals(column) && p.explicit)
        .map(p -> Objects.requireNonNull(p.method))
        .findFirst();
  }

  /**
   * Compares current data with the reference.
   *
   * @param current the current data: at least one row, every compared column present with its
   *     reference type
   * @return the report, with one {@link ColumnDrift} per compared column in reference order
   * @throws IllegalArgumentException if {@code current} has no rows
   * @throws DriftSchemaException if a compared column is missing or has another type, or an extra
   *     column is present and {@code failOnExtraColumns(true)} was set
   */
  public DriftReport compare(Frame current) {
    Objects.requireNonNull(current, "current");
    if (current.rows() == 0) {
      throw new IllegalArgumentException(
          "The current frame has no rows: there is nothing to "
              + "compare (reference columns: "
              + columns()
              + ")");
    }
    checkSchema(current);
    DriftReport.Builder report =
        DriftReport.builder()
            .preset(preset.id())
            .createdTime(clock.instant())
            .rows(referenceRows, current.rows())
            .datasetThreshold(datasetThreshold);
    for (Plan plan : plans) {
      Frame.Column col = Objects.requireNonNull(current.column(plan.name));
      if (plan.numeric != null) {
        compareNumeric(plan, plan.numeric, Objects.requireNonNull(col.numbers), report);
      } else {
        compareCategorical(
            plan,
            Objects.requireNonNull(plan.categorical),
            Objects.requireNonNull(col.labels),
            report);
      }
    }
    return report.build();
  }

  private void checkSchema(Frame current) {
    for (Plan plan : plans) {
      Optional<ColumnType> t = current.type(plan.name);
      if (t.isEmpty()) {
        throw new DriftSchemaException(
            plan.name,
            plan.type,
            null,
            "The current data has no column '"
                + plan.name
                + "' ("
                + lower(plan.type)
                + " in the reference); its columns are "
                + current.columnNames()
                + ". Add it, or build the detector with ignore(\""
                + plan.name
                + "\")");
      }
      if (t.get() != plan.type) {
        throw new DriftSchemaException(
            plan.name,
            plan.type,
            t.get(),
            "Column '"
                + plan.name
                + "' is "
                + lower(t.get())
                + " in the current data but "
                + lower(plan.type)
                + " in the reference; pass it with the reference's type");
      }
    }
    if (failOnExtraColumns) {
      for (String name : current.columnNames()) {
        if (plans.stream().noneMatch(p -> p.name.equals(name)) && !ignored.contains(name)) {
          throw new DriftSchemaException(
              name,
              null,
              current.type(name).orElse(null),
              "The current data has a column '"
                  + name
                  + "' that the reference does not have "
                  + "(failOnExtraColumns is set)");
        }
      }
    }
  }

  private void compareNumeric(
      Plan plan, NumericReference ref, double[] values, DriftReport.Builder report) {
    double[] fin = new double[values.length];
    int k = 0;
    int outOfRange = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        fin[k++] = v;
        if (v < ref.min || v > ref.max) {
          outOfRange++;
        }
      }
    }
    double[] cur = Arrays.copyOf(fin, k);
    Arrays.sort(cur);
    DriftMethod method = plan.method;
    if (method == null) {
      int distinct =
          ref.distinct > DriftPreset.EVIDENTLY_MAX_DISCRETE_VALUES
              ? ref.distinct
              : unionDistinct(ref.sorted, cur, DriftPreset.EVIDENTLY_MAX_DISCRETE_VALUES + 1);
      method = preset.select(ColumnType.NUMERIC, ref.values(), distinct);
    }
    Scoring.Outcome o =
        k == 0
            ? Scoring.notComputed(
                method, "the current data has no non-missing values: drift not computed")
            : Scoring.numeric(ref, cur, method, plan.quantileBins);
    DataQuality quality =
        new DataQuality(
            share(ref.missing, ref.rows),
            share(values.length - k, values.length),
            List.of(),
            k == 0 ? 0 : share(outOfRange, k),
            ref.distinct <= 1,
            k == 0 || cur[0] == cur[k - 1]);
    ColumnHistogram h =
        histogramBins == 0 ? null : Histograms.numeric(ref, cur, values.length, histogramBins);
    add(report, plan, method, o, quality, h);
  }

  private void compareCategorical(
      Plan plan, CategoricalReference ref, @Nullable String[] labels, DriftReport.Builder report) {
    CategoricalReference.Current cur = ref.count(labels);
    DriftMethod method = plan.method;
    if (method == null) {
      method =
          preset.select(plan.type, ref.values(), ref.categories.length + cur.newCategories.size());
    }
    Scoring.Outcome o =
        cur.values() == 0
            ? Scoring.notComputed(
                method, "the current data has no non-missing values: drift not computed")
            : Scoring.categorical(ref, cur, method);
    DataQuality quality =
        new DataQuality(
            share(ref.missing, ref.rows),
            share(cur.missing, cur.rows),
            cur.newCategories,
            0,
            ref.categories.length <= 1,
            cur.distinct() <= 1);
    ColumnHistogram h = histogramBins == 0 ? null : Histograms.categorical(ref, cur, histogramBins);
    add(report, plan, method, o, quality, h);
  }

  private static void add(
      DriftReport.Builder report,
      Plan plan,
      DriftMethod method,
      Scoring.Outcome o,
      DataQuality quality,
      @Nullable ColumnHistogram h) {
    Scoring.checkFinite(o);
    String note = o.notes.isEmpty() ? null : String.join("; ", o.notes);
    ColumnDrift drift =
        new ColumnDrift(
            plan.name,
            plan.type,
            method.name(),
            o.score,
            method.threshold(),
            o.computed && method.drifted(o.score),
            o.statistic,
            o.pValue,
            null,
            quality,
            note);
    report.column(drift, h, o.details);
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : Math.min(1.0, (double) part / whole);
  }

  /** Distinct values of two ascending arrays together, counting stops at {@code cap}. */
  static int unionDistinct(double[] x, double[] y, int cap) {
    int i = 0;
    int j = 0;
    int d = 0;
    while ((i < x.length || j < y.length) && d < cap) {
      double z = (j >= y.length || (i < x.length && x[i] <= y[j])) ? x[i] : y[j];
      while (i < x.length && x[i] == z) {
        i++;
      }
      while (j < y.length && y[j] == z) {
        j++;
      }
      d++;
    }
    return d;
  }

  private static String lower(ColumnType t) {
    return t.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "DriftDetector{"
        + preset.id()
        + ", "
        + plans.size()
        + " columns, "
        + referenceRows
        + " reference rows}";
  }

  /**
   * One compared column: its prepared reference and, unless the preset decides per window, its
   * method.
   */
  private static final class Plan {
    final String name;
    final ColumnType type;
    final boolean explicit;
    final @Nullable DriftMethod method;
    final @Nullable NumericReference numeric;
    final @Nullable CategoricalReference categorical;
    final NumericReference.@Nullable QuantileBins quantileBins;

    Plan(
        String name,
        ColumnType type,
        boolean explicit,
        @Nullable DriftMethod method,
        @Nullable NumericReference numeric,
        @Nullable CategoricalReference categorical) {
      this.name = name;
      this.type = type;
      this.explicit = explicit;
      this.method = method;
      this.numeric = numeric;
      this.categorical = categorical;
      this.quantileBins =
          numeric != null && method != null && method.kind().binned && !method.bins().isEvidently()
              ? new NumericReference.QuantileBins(numeric, method.bins().quantileCount())
              : null;
    }
  }

  /** Configures a detector; every setter checks its argument at once. */
  public static final class Builder {
    private final Frame reference;
    private DriftPreset preset = DriftPreset.EVIDENTLY;
    private @Nullable Double datasetThreshold;
    private final Map<String, DriftMethod> methods = new LinkedHashMap<>();
    private final Set<String> ignored = new LinkedHashSet<>();
    private Clock clock = Clock.systemUTC();
    private boolean failOnExtraColumns;
    private int histogramBins = 20;

    private Builder(Frame reference) {
      this.reference = reference;
    }

    /**
     * How methods are chosen for columns not configured with {@link #column}; default EVIDENTLY.
     */
    public Builder preset(DriftPreset preset) {
      this.preset = Objects.requireNonNull(preset, "preset");
      return this;
    }

    /**
     * Uses {@code method} for one column, whatever the preset.
     *
     * @throws IllegalArgumentException if the reference has no such column or the method does not
     *     apply to its type (KS, Cramér-von Mises, Wasserstein and energy need numeric columns)
     */
    public Builder column(String column, DriftMethod method) {
      Objects.requireNonNull(method, "method");
      ColumnType type = referenceType(column);
      if (!method.appliesTo(type)) {
        throw new IllegalArgumentException(
            "Method "
                + method.name()
                + " needs a numeric column, but '"
                + column
                + "' is "
                + lower(type)
                + "; use chisquare, z, jensenshannon, psi, kl_div or hellinger");
      }
      methods.put(column, method);
      return this;
    }

    /**
     * Leaves reference columns out of the comparison (for example identifiers, or a column with no
     * reference values). Current data need not have them.
     *
     * @throws IllegalArgumentException if the reference has no such column
     */
    public Builder ignore(String... columns) {
      for (String c : columns) {
        referenceType(c);
        ignored.add(c);
      }
      return this;
    }

    /** Dataset drift when at least this share of columns drift, in (0, 1]; default 0.5. */
    public Builder datasetThreshold(double share) {
      DriftReport.checkDatasetThreshold(share);
      this.datasetThreshold = share;
      return this;
    }

    /** The clock that stamps reports; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether a current column the reference does not have is an error; default false (ignored).
     */
    public Builder failOnExtraColumns(boolean fail) {
      this.failOnExtraColumns = fail;
      return this;
    }

    /**
     * Bins of the numeric report histograms (for categorical columns: the most bins shown), 1 to
     * 200; 0 leaves histograms out of reports. Default 20.
     */
    public Builder histogramBins(int bins) {
      Checks.inRange(bins, 0, 200, "histogramBins");
      this.histogramBins = bins;
      return this;
    }

    /**
     * Reads the reference and prepares the detector.
     *
     * @throws IllegalArgumentException if the reference has no rows, no compared column, a compared
     *     column with no non-missing value, or a column both configured and ignored
     */
    public DriftDetector build() {
      if (reference.rows() == 0) {
        throw new IllegalArgumentException(
            "The reference frame has no rows"
                + (reference.columnNames().isEmpty() ? " and no columns" : "")
                + ": a reference needs data");
      }
      for (String c : methods.keySet()) {
        if (ignored.contains(c)) {
          throw new IllegalArgumentException("Column '" + c + "' is both configured and ignored");
        }
      }
      List<Plan> plans = new ArrayList<>();
      for (String name : reference.columnNames()) {
        if (ignored.contains(name)) {
          continue;
        }
        Frame.Column col = Objects.requireNonNull(reference.column(name));
        DriftMethod explicit = methods.get(name);
        if (col.type == ColumnType.NUMERIC) {
          NumericReference ref = new NumericReference(name, Objects.requireNonNull(col.numbers));
          checkNotEmpty(name, ref.values());
          DriftMethod m = explicit != null ? explicit : fixedPresetMethod(col.type, ref.values());
          plans.add(new Plan(name, col.type, explicit != null, m, ref, null));
        } else {
          CategoricalReference ref =
              new CategoricalReference(name, col.type, Objects.requireNonNull(col.labels));
          checkNotEmpty(name, ref.values());
          DriftMethod m = explicit != null ? explicit : fixedPresetMethod(col.type, ref.values());
          plans.add(new Plan(name, col.type, explicit != null, m, null, ref));
        }
      }
      if (plans.isEmpty()) {
        throw new IllegalArgumentException(
            "No column left to compare: the reference has "
                + reference.columnNames()
                + " and "
                + ignored
                + " are ignored");
      }
      return new DriftDetector(this, plans);
    }

    /** The preset's method when it does not depend on the current data, else null. */
    private @Nullable DriftMethod fixedPresetMethod(ColumnType type, long referenceValues) {
      return preset.dependsOnCurrent() ? null : preset.select(type, referenceValues, 0);
    }

    private static void checkNotEmpty(String name, long values) {
      if (values == 0) {
        throw new IllegalArgumentException(
            "Reference column '"
                + name
                + "' has no non-missing "
                + "values (null, NaN and ±Infinity are missing), so there is nothing to compare "
                + "with; leave it out with ignore(\""
                + name
                + "\")");
      }
    }

    private ColumnType referenceType(String column) {
      Objects.requireNonNull(column, "column");
      return reference
          .type(column)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "The reference has no column '"
                          + column
                          + "'; its columns are "
                          + reference.columnNames()));
    }
  }
}
