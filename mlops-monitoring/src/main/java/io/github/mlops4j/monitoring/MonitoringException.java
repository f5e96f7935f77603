package io.github.mlops4j.monitoring;

import io.github.mlops4j.MlopsException;

/**
 * Root of the exceptions the monitoring module throws for a failure that is not a programming
 * error: {@link io.github.mlops4j.monitoring.profile.ProfileFormatException} and {@link
 * io.github.mlops4j.monitoring.drift.DriftSchemaException}. Catch it to handle every monitoring
 * failure at once.
 *
 * @since 0.1.0
 */
public class MonitoringException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public MonitoringException(String message) {
    super(message);
  }

  public MonitoringException(String message, Throwable cause) {
    super(message, cause);
  }
}
