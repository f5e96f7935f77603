package io.github.mlops4j.store;

import io.github.mlops4j.MlopsException;

/**
 * A workspace store could not be opened, migrated, read or written.
 *
 * @since 0.1.0
 */
public final class StoreException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
