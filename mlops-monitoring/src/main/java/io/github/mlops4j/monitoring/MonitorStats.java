package io.github.mlops4j.monitoring;

/**
 * Counters of a {@link Monitor} since it was built, read without locks (each value is current on
 * its own; together they are not an atomic snapshot).
 *
 * @param rowsObserved feature rows accepted
 * @param rowsRejected rows refused (unknown column, wrong type or length)
 * @param windowsClosed windows closed with at least one row or label
 * @param emptyWindows windows closed without rows or labels (no report, no listener call)
 * @param predictionsPending predictions waiting for their label
 * @param labelsMatched labels joined with their prediction
 * @param labelsUnmatched labels whose prediction was unknown, already labelled or evicted
 * @param predictionsEvicted predictions dropped unlabelled: the oldest when the store was full, or
 *     older than the time to live
 * @param listenerFailures exceptions thrown by {@link DriftListener}s, one per listener call that
 *     threw (logged; the other listeners still ran and the window counts as closed)
 * @param profilingFailures batches of buffered rows whose profiling threw (logged): their rows are
 *     missing from their window's profile, though counted in {@code rowsObserved}
 * @param evaluationFailures closed windows whose evaluation threw (logged): merging the profiles,
 *     the drift comparison or the performance metrics; such a window has no summary, no report and
 *     no listener call, and is not counted in {@code windowsClosed}
 * @since 0.1.0
 */
public record MonitorStats(
    long rowsObserved,
    long rowsRejected,
    long windowsClosed,
    long emptyWindows,
    long predictionsPending,
    long labelsMatched,
    long labelsUnmatched,
    long predictionsEvicted,
    long listenerFailures,
    long profilingFailures,
    long evaluationFailures) {}
