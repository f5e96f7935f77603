package io.github.mlops4j.monitoring.drift;

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
 */
public final class DriftReport {
  private final String preset;
  private final Instant createdTime;
  private final long referenceRows;
  private final long currentRows;
  private final double datasetThreshold;
  private final List<ColumnDrift> columns;
  private final Map<String, ColumnHistogram> histograms;

  private DriftReport(Builder b) {
    this.preset = b.preset;
    this.createdTime = b.createdTime;
    this.referenceRows = b.referenceRows;
    this.currentRows = b.currentRows;
    this.datasetThreshold = b.datasetThreshold;
    this.columns = List.copyOf(b.columns);
    this.histograms = Map.copyOf(b.histograms);
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

  @Override
  public String toString() {
    return "DriftReport{" + preset + ", " + driftedColumns() + "/" + columns.size()
        + " columns drifted, dataset drift " + datasetDrift() + "}";
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
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("datasetThreshold must be in (0, 1], was " + share);
      }
      this.datasetThreshold = share;
      return this;
    }

    public Builder column(ColumnDrift drift, @Nullable ColumnHistogram histogram) {
      Objects.requireNonNull(drift, "drift");
      for (ColumnDrift c : columns) {
        if (c.column().equals(drift.column())) {
          throw new IllegalArgumentException("Column '" + drift.column() + "' is already in the report");
        }
      }
      columns.add(drift);
      if (histogram != null) {
        histograms.put(drift.column(), histogram);
      }
      return this;
    }

    public DriftReport build() {
      return new DriftReport(this);
    }
  }
}
