package io.github.mlops4j.governance;

import io.github.mlops4j.MlopsException;
import io.github.mlops4j.governance.internal.AuditText;

/**
 * A {@link DataAccessPolicy} vetoed a read or write; nothing was read or changed. The message names
 * the actor, the action and the subjects, each cut to a bounded length with control characters
 * escaped.
 *
 * @since 0.1.0
 */
public final class DataAccessDeniedException extends MlopsException {
  private static final long serialVersionUID = 1L;
  private final transient DataOperation operation;

  /**
   * A refusal of {@code operation}.
   *
   * @param reason why, for the message
   */
  public DataAccessDeniedException(DataOperation operation, String reason) {
    super(
        "Access denied: "
            + AuditText.quote(operation.actor())
            + " may not "
            + operation.action()
            + (operation.subjects().isEmpty() ? "" : " on " + AuditText.quote(operation.subjects()))
            + ": "
            + AuditText.clean(reason, AuditText.MAX_REASON));
    this.operation = operation;
  }

  /** What was refused. */
  public DataOperation operation() {
    return operation;
  }
}
