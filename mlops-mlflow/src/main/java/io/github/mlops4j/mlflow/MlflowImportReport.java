package io.github.mlops4j.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link MlflowImport} did (or, in a dry run, would do): counts of what was imported, what
 * was found already imported, and every item that could not be mapped, with the file and the
 * reason.
 *
 * @since 0.1.0
 */
public final class MlflowImportReport {
  /**
   * Something in the store that was not imported, or not completely.
   *
   * @param file the file or directory, relative to the store's root ({@code /}-separated)
   * @param reason why, and what was done instead
   * @since 0.1.0
   */
  public record Problem(String file, String reason) {
    public Problem {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final boolean dryRun;
  private final int experiments;
  private final int runsImported;
  private final int runsAlreadyImported;
  private final long metricPoints;
  private final int params;
  private final int tags;
  private final int artifacts;
  private final int modelsCreated;
  private final int versionsImported;
  private final int versionsAlreadyImported;
  private final int aliasesSet;
  private final List<String> importedRunIds;
  private final List<Problem> problems;

  private MlflowImportReport(Counts c) {
    this.dryRun = c.dryRun;
    this.experiments = c.experiments;
    this.runsImported = c.runsImported;
    this.runsAlreadyImported = c.runsAlreadyImported;
    this.metricPoints = c.metricPoints;
    this.params = c.params;
    this.tags = c.tags;
    this.artifacts = c.artifacts;
    this.modelsCreated = c.modelsCreated;
    this.versionsImported = c.versionsImported;
    this.versionsAlreadyImported = c.versionsAlreadyImported;
    this.aliasesSet = c.aliasesSet;
    this.importedRunIds = List.copyOf(c.importedRunIds);
    this.problems = List.copyOf(c.problems);
  }

  /** Whether nothing was written: the counts say what an import would do. */
  public boolean dryRun() {
    return dryRun;
  }

  /** Active experiments of the store whose runs were read. */
  public int experiments() {
    return experiments;
  }

  /** Runs written (or, in a dry run, that would be). */
  public int runsImported() {
    return runsImported;
  }

  /** Runs found in the workspace from an earlier import, left as they are. */
  public int runsAlreadyImported() {
    return runsAlreadyImported;
  }

  /** Metric points of the runs imported. */
  public long metricPoints() {
    return metricPoints;
  }

  /** Params of the runs imported. */
  public int params() {
    return params;
  }

  /** Tags of the runs imported, including the {@code mlflow.import.*} tags. */
  public int tags() {
    return tags;
  }

  /** Artifact files of the runs imported. */
  public int artifacts() {
    return artifacts;
  }

  /** Registered models created in the registry. */
  public int modelsCreated() {
    return modelsCreated;
  }

  /** Model versions registered. */
  public int versionsImported() {
    return versionsImported;
  }

  /** Model versions found registered by an earlier import. */
  public int versionsAlreadyImported() {
    return versionsAlreadyImported;
  }

  /** Aliases set or moved. */
  public int aliasesSet() {
    return aliasesSet;
  }

  /** Ids of the runs imported (MLflow's run ids, kept), in import order. */
  public List<String> importedRunIds() {
    return importedRunIds;
  }

  /** What was not imported, or not completely, and why; empty when everything mapped. */
  public List<Problem> problems() {
    return problems;
  }

  @Override
  public String toString() {
    return (dryRun ? "MLflow import (dry run): " : "MLflow import: ")
        + runsImported
        + " runs imported, "
        + runsAlreadyImported
        + " already there, "
        + metricPoints
        + " metric points, "
        + artifacts
        + " artifacts, "
        + versionsImported
        + " model versions, "
        + aliasesSet
        + " aliases, "
        + problems.size()
        + " problems";
  }

  /** Mutable counts while importing. */
  static final class Counts {
    final boolean dryRun;
    int experiments;
    int runsImported;
    int runsAlreadyImported;
    long metricPoints;
    int params;
    int tags;
    int artifacts;
    int modelsCreated;
    int versionsImported;
    int versionsAlreadyImported;
    int aliasesSet;
    final List<String> importedRunIds = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();

    Counts(boolean dryRun) {
      this.dryRun = dryRun;
    }

    void problem(String file, String reason) {
      problems.add(new Problem(file, reason));
    }

    MlflowImportReport report() {
      return new MlflowImportReport(this);
    }
  }
}
