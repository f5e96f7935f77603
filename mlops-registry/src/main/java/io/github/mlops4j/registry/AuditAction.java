package io.github.mlops4j.registry;

/**
 * The kinds of change an {@link AccessPolicy} is asked about. All but {@link #EVALUATION_RECORDED}
 * are also recorded in the audit trail.
 *
 * @since 0.1.0
 */
public enum AuditAction {
  MODEL_CREATED,
  MODEL_UPDATED,
  MODEL_DELETED,
  VERSION_REGISTERED,
  VERSION_UPDATED,
  VERSION_ARCHIVED,
  VERSION_RESTORED,
  ALIAS_SET,
  ALIAS_DELETED,
  ALIAS_ROLLED_BACK,
  /**
   * A version is deleted for good with its tags and evaluation records ({@link
   * ModelRegistry#purgeVersion}); its artifact object too unless something else references it.
   */
  VERSION_PURGED,
  /**
   * An evaluation record is kept for a version ({@link ModelRegistry#recordEvaluation}). The policy
   * is asked, so that it can tell who may attach evidence to a version (evidence that promotion
   * decisions read) apart from who may edit tags; but evaluation records describe a version without
   * changing it, so this action is never written to the audit trail and no event announces it.
   */
  EVALUATION_RECORDED
}
