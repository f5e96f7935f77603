package io.github.mlops4j.monitoring.profile;

import io.github.mlops4j.monitoring.MonitoringException;

/**
 * Serialized profile bytes could not be read: not a profile, corrupt, or written by a newer format
 * version than this library supports (see {@link Profile#SCHEMA_VERSION}).
 *
 * @since 0.1.0
 */
public final class ProfileFormatException extends MonitoringException {
  private static final long serialVersionUID = 1L;

  public ProfileFormatException(String message) {
    super(message);
  }

  public ProfileFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
