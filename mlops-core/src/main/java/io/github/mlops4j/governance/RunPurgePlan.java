package io.github.mlops4j.governance;

import java.util.List;

/**
 * What {@link Purger#purge(RunPurgePlan, String)} would delete: the runs with their row counts, and
 * the artifact objects that only these runs reference (no other run, no model version). An object
 * is deleted at execution only if it is still unreferenced then and was not stored or renewed
 * within the purger's grace period; otherwise it is kept, or left for a later {@link
 * Purger#resume()}.
 *
 * @param runs the runs, in id order
 * @param objects digests of the artifact objects to delete, sorted
 * @param includeActive whether runs that are not soft-deleted may be purged
 * @since 0.1.0
 */
public record RunPurgePlan(List<PlannedRun> runs, List<String> objects, boolean includeActive) {
  /** Copies the lists. */
  public RunPurgePlan {
    runs = List.copyOf(runs);
    objects = List.copyOf(objects);
  }

  /** Whether there is nothing to purge. */
  public boolean isEmpty() {
    return runs.isEmpty() && objects.isEmpty();
  }
}
