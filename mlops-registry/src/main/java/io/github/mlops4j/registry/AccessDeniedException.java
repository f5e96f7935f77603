package io.github.mlops4j.registry;

/**
 * An {@link AccessPolicy} vetoed a change; nothing was changed.
 *
 * @since 0.1.0
 */
public final class AccessDeniedException extends RegistryException {
  private static final long serialVersionUID = 1L;
  private final transient RegistryOperation operation;

  public AccessDeniedException(RegistryOperation operation, String reason) {
    super(
        operation.model(),
        operation.version(),
        "Access denied: "
            + operation.actor()
            + " may not "
            + operation.action()
            + " on model '"
            + operation.model()
            + "'"
            + (operation.alias() == null ? "" : " alias '" + operation.alias() + "'")
            + ": "
            + reason);
    this.operation = operation;
  }

  public RegistryOperation operation() {
    return operation;
  }
}
