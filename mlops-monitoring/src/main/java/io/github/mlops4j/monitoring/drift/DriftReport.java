package io.github.mlops4j.monitoring.drift;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of comparing current data with a reference: one {@link ColumnDrift} per column, the
 * share of drifted columns and the dataset verdict ({@code driftedShare >= datasetThreshold}).
 *
 * <p>Exports: {@link #toJson()} (a stable, versioned format; see {@link #SCHEMA_VERSION}) and a
 * self-contained HTML page ({@link #toHtml()}, {@link #writeHtml(Path)}) with inline CSS and SVG
 * histograms, no scripts and no external resources.
 *
 * @since 0.1.0
 */
public final class DriftReport {
  /**
   * Version of the JSON format written by {@link #toJson()}. It changes only when a field is
   * removed, renamed or changes meaning; new fields may appear within a version.
   */
  public static final int SCHEMA_VERSION = 1;

  private final String preset;
  private final Instant createdTime;
  private final long referenceRows;
  private final long currentRows;
  private final double datasetThreshold;
  private final List<ColumnDrift> columns;
  private final Map<String, ColumnHistogram> histograms;
  private final Map<String, String> details;

  private DriftReport(Builder b) {
    this.preset = b.preset;
    this.createdTime = b.createdTime;
    this.referenceRows = b.referenceRows;
    this.currentRows = b.currentRows;
    this.datasetThreshold = b.datasetThreshold;
    this.columns = List.copyOf(b.columns);
    this.histograms = Map.copyOf(b.histograms);
    this.details = Map.copyOf(b.details);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The name of the method-selection preset or configuration that produced the report. */
  public String preset() {
    return preset;
  }

  public Instant createdTime() {
    return createdTime;
  }

  public long referenceRows() {
    return referenceRows;
  }

  public long currentRows() {
    return currentRows;
  }

  /** Dataset drift is declared when at least this share of columns drifted. */
  public double datasetThreshold() {
    return datasetThreshold;
  }

  /** Per-column results, in the order of the reference's columns. */
  public List<ColumnDrift> columns() {
    return columns;
  }

  public Optional<ColumnDrift> column(String name) {
    return columns.stream().filter(c -> c.column().equals(name)).findFirst();
  }

  /** The histogram of a column, when the report has one. */
  public Optional<ColumnHistogram> histogram(String column) {
    return Optional.ofNullable(histograms.get(column));
  }

  /**
   * How the score of a column was computed (method parameters, bins, sample sizes), when the
   * producer of the report said so.
   */
  public Optional<String> details(String column) {
    return Optional.ofNullable(details.get(column));
  }

  public long driftedColumns() {
    return columns.stream().filter(ColumnDrift::drifted).count();
  }

  /** Share of columns that drifted, 0 when there are no columns. */
  public double driftedShare() {
    return columns.isEmpty() ? 0 : (double) driftedColumns() / columns.size();
  }

  public boolean datasetDrift() {
    return !columns.isEmpty() && driftedShare() >= datasetThreshold;
  }

  /**
   * The report as JSON (UTF-8 text, two-space indentation, {@code \n} line ends), with {@code
   * schemaVersion} {@value #SCHEMA_VERSION}. Field names are stable; non-finite numbers are written
   * as the strings {@code "Infinity"}, {@code "-Infinity"} and {@code "NaN"}. docs/monitoring.md
   * describes every field.
   */
  public String toJson() {
    return ReportJson.write(this);
  }

  /** Writes {@link #toJson()} to a file (UTF-8), replacing it. */
  public void writeJson(Path file) {
    write(file, toJson());
  }

  /**
   * The report as one self-contained HTML page: a summary, a table of columns with method,
   * threshold, score and data checks, and an SVG histogram of reference against current per column.
   * CSS is inline; there are no scripts, fonts, images or links to other resources, and all text is
   * escaped.
   */
  public String toHtml() {
    return ReportHtml.write(this);
  }

  /** Writes {@link #toHtml()} to a file (UTF-8), replacing it. */
  public void writeHtml(Path file) {
    write(file, toHtml());
  }

  private static void write(Path file, String text) {
    Objects.requireNonNull(file, "file");
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the drift report to " + file, e);
    }
  }

  @Override
  public String toString() {
    return "DriftReport{"
        + preset
        + ", "
        + driftedColumns()
        + "/"
        + columns.size()
        + " columns drifted, dataset drift "
        + datasetDrift()
        + "}";
  }

  /** Checks a dataset drift threshold: a share of columns in (0, 1]. */
  static void checkDatasetThreshold(double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("datasetThreshold must be in (0, 1], was " + share);
    }
  }

  /** Builds a report; used by detectors and by profile comparison. */
  public static final class Builder {
    private String preset = "custom";
    private Instant createdTime = Instant.EPOCH;
    private long referenceRows;
    private long currentRows;
    private double datasetThreshold = 0.5;
    private final List<ColumnDrift> columns = new ArrayList<>();
    private final Map<String, ColumnHistogram> histograms = new LinkedHashMap<>();
    private final Map<String, String> details = new LinkedHashMap<>();

    private Builder() {}

    public Builder preset(String preset) {
      this.preset = Objects.requireNonNull(preset, "preset");
      return this;
    }

    public Builder createdTime(Instant time) {
      this.createdTime = Objects.requireNonNull(time, "createdTime");
      return this;
    }

    public Builder rows(long referenceRows, long currentRows) {
      if (referenceRows < 0 || currentRows < 0) {
        throw new IllegalArgumentException("Row counts must be >= 0");
      }
      this.referenceRows = referenceRows;
      this.currentRows = currentRows;
      return this;
    }

    public Builder datasetThreshold(double share) {
      checkDatasetThreshold(share);
      this.datasetThreshold = share;
      return this;
    }

    public Builder column(ColumnDrift drift, @Nullable ColumnHistogram histogram) {
      Objects.requireNonNull(drift, "drift");
      for (ColumnDrift c : columns) {
        if (c.column().equals(drift.column())) {
          throw new IllegalArgumentException(
              "Column '" + drift.column() + "' is already in the report");
        }
      }
      columns.add(drift);
      if (histogram != null) {
        histograms.put(drift.column(), histogram);
      }
      return this;
    }

    /**
     * Adds a column with a description of how its score was computed (shown in the HTML report and
     * written to JSON as {@code details}).
     */
    public Builder column(ColumnDrift drift, @Nullable ColumnHistogram histogram, String details) {
      Objects.requireNonNull(details, "details");
      column(drift, histogram);
      this.details.put(drift.column(), details);
      return this;
    }

    public DriftReport build() {
      return new DriftReport(this);
    }
  }
}
