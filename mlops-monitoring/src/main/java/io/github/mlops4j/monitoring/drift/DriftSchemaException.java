package io.github.mlops4j.monitoring.drift;

import io.github.mlops4j.monitoring.MonitoringException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The current data does not have the reference's shape: a column is missing, has another type, or
 * (when the detector was built with {@code failOnExtraColumns(true)}) is unknown to the reference.
 * {@link #column()} names the column.
 *
 * @since 0.1.0
 */
public final class DriftSchemaException extends MonitoringException {
  private static final long serialVersionUID = 1L;

  private final String column;
  private final @Nullable ColumnType expected;
  private final @Nullable ColumnType actual;

  DriftSchemaException(
      String column, @Nullable ColumnType expected, @Nullable ColumnType actual, String message) {
    super(message);
    this.column = column;
    this.expected = expected;
    this.actual = actual;
  }

  /** The column that does not match. */
  public String column() {
    return column;
  }

  /** The column's type in the reference; empty for a column the reference does not have. */
  public Optional<ColumnType> expectedType() {
    return Optional.ofNullable(expected);
  }

  /** The column's type in the current data; empty when the current data lacks the column. */
  public Optional<ColumnType> actualType() {
    return Optional.ofNullable(actual);
  }
}
