package io.github.mlops4j.monitoring.drift;

/**
 * How a column is treated for drift.
 *
 * @since 0.1.0
 */
public enum ColumnType {
  /** Real-valued. */
  NUMERIC,
  /** A finite set of string values. */
  CATEGORICAL,
  /** Two values (a boolean, or a categorical column with two categories). */
  BINARY
}
