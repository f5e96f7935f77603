package io.github.mlops4j.registry;

/**
 * A host hook that may veto registry changes, e.g. only a release role may move {@code champion}. A
 * veto changes nothing: no row, no audit entry, no event ({@code register} asks before it stores
 * the artifact).
 *
 * <p>Every public method of {@link ModelRegistry} that changes anything asks the policy before it
 * writes, once for each audit action it writes: {@code register} of a name that does not exist yet
 * asks {@link AuditAction#MODEL_CREATED} and then {@link AuditAction#VERSION_REGISTERED}. {@link
 * ModelRegistry#recordEvaluation} asks {@link AuditAction#EVALUATION_RECORDED}, which is not
 * written to the trail. A compare-and-set or delete that turns out to change nothing has still
 * asked. The policy runs on the caller's thread, outside any transaction.
 *
 * <pre>{@code
 * AccessPolicy releaseOnly = op -> {
 *   if ("champion".equals(op.alias()) && !releaseManagers.contains(op.actor())) {
 *     throw new AccessDeniedException(op, "only release managers move champion");
 *   }
 * };
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AccessPolicy {
  /** Allows everything. */
  AccessPolicy ALLOW_ALL = op -> {};

  /**
   * Returns normally to allow the operation.
   *
   * @throws AccessDeniedException to veto it
   */
  void check(RegistryOperation operation);
}
