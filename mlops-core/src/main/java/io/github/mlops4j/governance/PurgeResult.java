package io.github.mlops4j.governance;

import java.util.List;
import java.util.Map;

/**
 * What a purge, an erasure or a collection deleted.
 *
 * @param purged ids of what was purged (run ids, {@code model/version}, view names); empty for a
 *     collection
 * @param deletedRows rows deleted per kind ({@code runs}, {@code params}, {@code metricChunks},
 *     {@code offlineRows}, ...)
 * @param deletedObjects digests of the artifact objects deleted, sorted
 * @param deferredObjects digests left in place because they were stored or renewed within the grace
 *     period; they stay queued and a later {@link Purger#resume()} deletes them if they are still
 *     unreferenced
 * @since 0.1.0
 */
public record PurgeResult(
    List<String> purged,
    Map<String, Long> deletedRows,
    List<String> deletedObjects,
    List<String> deferredObjects) {
  /** Copies the collections. */
  public PurgeResult {
    purged = List.copyOf(purged);
    deletedRows = Map.copyOf(deletedRows);
    deletedObjects = List.copyOf(deletedObjects);
    deferredObjects = List.copyOf(deferredObjects);
  }
}
