package io.github.mlops4j.monitoring;

import java.util.List;
import java.util.Objects;

/**
 * Which replicas' parts a shared window was computed from (see {@link Monitor.Builder#store}).
 *
 * @param counted replica ids whose part was merged, in the order they were merged (by id)
 * @param notFinal the counted replicas whose part was not final when the window was evaluated: the
 *     replica had not closed the window (it stopped, or fell behind by more than the grace period);
 *     its last flushed rows are counted, rows it saw after that flush are not
 * @param rejected replica ids whose stored part could not be read as a profile of this monitor's
 *     schema and window (not a profile, too large, another schema, a window of another length, or a
 *     replica id longer than 100 characters, listed cut with its length); they are logged with the
 *     reason and left out of the merge
 * @param rows rows in the merged profile, the sum of the counted parts' rows
 * @since 0.1.0
 */
public record ReplicaParts(
    List<String> counted, List<String> notFinal, List<String> rejected, long rows) {
  public ReplicaParts {
    counted = List.copyOf(Objects.requireNonNull(counted, "counted"));
    notFinal = List.copyOf(Objects.requireNonNull(notFinal, "notFinal"));
    rejected = List.copyOf(Objects.requireNonNull(rejected, "rejected"));
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, was " + rows);
    }
  }
}
