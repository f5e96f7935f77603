package io.github.mlops4j.spark;

import io.github.mlops4j.features.WriteResult;
import java.util.List;

/**
 * What {@link SparkFeatures#write} did: one {@link WriteResult} per non-empty partition, in
 * partition order. A partition whose rows an earlier attempt (a failed task, an earlier run of the
 * same job id) had stored reports that attempt's result.
 *
 * @param view the view written
 * @param jobId the job id the partitions' write ids derive from
 * @param partitions the result of each non-empty partition's write
 * @since 0.1.0
 */
public record SparkWriteResult(String view, String jobId, List<WriteResult> partitions) {
  public SparkWriteResult {
    partitions = List.copyOf(partitions);
  }

  /** The rows stored, over all partitions. */
  public long rows() {
    long n = 0;
    for (WriteResult w : partitions) {
      n += w.rows();
    }
    return n;
  }
}
