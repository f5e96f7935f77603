package io.github.mlops4j.mlflow;

import java.util.List;
import java.util.Objects;

/**
 * What an {@link MlflowExport} did: counts of what it created on the MLflow server, of what it
 * found there already (from an earlier export) and left alone, and what it could not export, with
 * why.
 *
 * @param experimentsCreated experiments created on the server
 * @param runsExported runs copied (params, metrics, tags, artifacts, status)
 * @param runsSkipped runs the server already held from an earlier export
 * @param modelsCreated registered models created on the server
 * @param versionsExported model versions registered on the server
 * @param versionsSkipped model versions the server already held from an earlier export
 * @param aliasesSet aliases set on the server
 * @param notExported what was left out, one line each, with the reason
 * @since 0.1.0
 */
public record MlflowExportReport(
    int experimentsCreated,
    int runsExported,
    int runsSkipped,
    int modelsCreated,
    int versionsExported,
    int versionsSkipped,
    int aliasesSet,
    List<String> notExported) {
  public MlflowExportReport {
    notExported = List.copyOf(Objects.requireNonNull(notExported, "notExported"));
  }

  /** Whether this export created nothing: everything was already on the server. */
  public boolean addedNothing() {
    return experimentsCreated == 0
        && runsExported == 0
        && modelsCreated == 0
        && versionsExported == 0;
  }
}
