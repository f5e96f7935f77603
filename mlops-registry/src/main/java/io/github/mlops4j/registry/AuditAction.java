package io.github.mlops4j.registry;

/** The kinds of change the registry records in its audit trail. */
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
  ALIAS_ROLLED_BACK
}
