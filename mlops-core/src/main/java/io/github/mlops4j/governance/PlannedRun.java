package io.github.mlops4j.governance;

import java.util.Objects;

/**
 * One run a {@link RunPurgePlan} would purge, with the number of rows of each kind it would delete.
 *
 * @param runId the run
 * @param deleted whether the run was soft-deleted when planned
 * @param params its params
 * @param tags its tags
 * @param metricSeries its metric series (one per key)
 * @param metricChunks the stored chunks of points of those series
 * @param datasetInputs its dataset inputs
 * @param artifacts its artifact entries (objects are listed by the plan)
 * @since 0.1.0
 */
public record PlannedRun(
    String runId,
    boolean deleted,
    long params,
    long tags,
    long metricSeries,
    long metricChunks,
    long datasetInputs,
    long artifacts) {
  /** Checks the id. */
  public PlannedRun {
    Objects.requireNonNull(runId, "runId");
  }
}
