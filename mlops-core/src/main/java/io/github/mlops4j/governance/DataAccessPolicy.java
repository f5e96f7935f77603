package io.github.mlops4j.governance;

/**
 * A host hook that may veto reads and writes of tracking data (runs, experiments, artifacts) and
 * feature data, the counterpart for {@code Tracker} and {@code FeatureStore} of the registry's
 * {@code AccessPolicy} for model changes. A veto changes nothing and reads nothing.
 *
 * <p>Every public method of {@code Tracker}, {@code Run}, {@code RunBuilder} and {@code
 * FeatureStore} that reads or writes stored data asks the policy once, on the caller's thread,
 * before it touches the store, with the {@link DataAction} it performs and the ids it is about (see
 * {@link DataOperation}). Methods that only manage the service (building, closing, flushing the
 * metric queue, counters, listeners, {@code store()}) do not ask. Metric points are checked as they
 * are logged, so a policy must be cheap: it runs once per {@code logMetric} call.
 *
 * <p>The policy guards these services' APIs, not the data: code that holds the {@code Store}
 * (through {@code store()}) or the database itself reads past it.
 *
 * <pre>{@code
 * DataAccessPolicy readOnlyForAnalysts = op -> {
 *   if (analysts.contains(op.actor()) && !op.action().isRead()) {
 *     throw new DataAccessDeniedException(op, "analysts read only");
 *   }
 * };
 * Tracker tracker = Tracker.builder().workspace(ws)
 *     .accessPolicy(readOnlyForAnalysts)
 *     .actor(() -> currentUser())
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DataAccessPolicy {
  /** Allows everything; the default, which costs one reference comparison per call. */
  DataAccessPolicy ALLOW_ALL = op -> {};

  /**
   * Returns normally to allow the operation.
   *
   * @throws DataAccessDeniedException to veto it
   */
  void check(DataOperation operation);
}
