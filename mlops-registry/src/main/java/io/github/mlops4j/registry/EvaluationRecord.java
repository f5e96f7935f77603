package io.github.mlops4j.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of one model version measured on one data set, kept beside the version so every
 * number can be traced to the data it came from and to the tracking run that logged it.
 *
 * @param id the record's identifier, increasing
 * @param model the model name
 * @param version the version evaluated
 * @param runId the tracking run holding the same metrics, or null
 * @param datasetName the data set's name
 * @param datasetDigest SHA-256 of the data set (see {@code DatasetVersion})
 * @param metrics metric name to value, sorted by name
 * @param time when the record was written
 * @since 0.1.0
 */
public record EvaluationRecord(
    long id,
    String model,
    int version,
    @Nullable String runId,
    String datasetName,
    String datasetDigest,
    Map<String, Double> metrics,
    Instant time) {
  public EvaluationRecord {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(datasetName, "datasetName");
    Objects.requireNonNull(datasetDigest, "datasetDigest");
    metrics =
        java.util.Collections.unmodifiableSortedMap(
            new TreeMap<>(Objects.requireNonNull(metrics, "metrics")));
    Objects.requireNonNull(time, "time");
  }
}
