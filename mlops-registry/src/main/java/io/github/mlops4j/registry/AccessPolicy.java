package io.github.mlops4j.registry;

/**
 * A host hook that may veto registry changes, e.g. only a release role may move {@code champion}.
 * A veto changes nothing.
 *
 * <pre>{@code
 * AccessPolicy releaseOnly = op -> {
 *   if ("champion".equals(op.alias()) && !releaseManagers.contains(op.actor())) {
 *     throw new AccessDeniedException(op, "only release managers move champion");
 *   }
 * };
 * }</pre>
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
