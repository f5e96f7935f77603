package io.github.mlops4j.features;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import org.jspecify.annotations.Nullable;

/**
 * The type of an entity key or feature. Values are checked against their type whenever they enter
 * the store (writes, spines, online requests, on-demand results); a value of another Java type is
 * an error, never a silent null.
 *
 * @since 0.1.0
 */
public enum ValueType {
  /** {@link String}. */
  STRING(true),
  /** {@link Long}; {@link Integer}, {@link Short} and {@link Byte} are widened to {@code Long}. */
  LONG(true),
  /** {@link Double}, including NaN, infinities and -0.0, stored bit for bit. */
  DOUBLE(false),
  /** {@link Boolean}. */
  BOOLEAN(true),
  /** {@link Instant} (UTC), stored to the nanosecond. Zoned and local date-times are refused. */
  TIMESTAMP(false);

  private final boolean keyType;

  ValueType(boolean keyType) {
    this.keyType = keyType;
  }

  /**
   * Whether entity keys can have this type. Floating-point and timestamp keys are refused: two
   * computations of "the same" double or instant rarely give equal values.
   */
  public boolean isKeyType() {
    return keyType;
  }

  /** Whether {@code value} is acceptable for this type (after widening). */
  public boolean accepts(Object value) {
    return canonical(value) != null;
  }

  /** The value in its canonical Java type, or {@code null} if it does not fit this type. */
  @Nullable Object canonical(Object value) {
    switch (this) {
      case STRING:
        return value instanceof String ? value : null;
      case LONG:
        if (value instanceof Long) {
          return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
          return ((Number) value).longValue();
        }
        return null;
      case DOUBLE:
        return value instanceof Double ? value : null;
      case BOOLEAN:
        return value instanceof Boolean ? value : null;
      case TIMESTAMP:
        return value instanceof Instant ? value : null;
      default:
        throw new AssertionError(this);
    }
  }

  /** Why {@code value} does not fit, for error messages. */
  String mismatch(Object value) {
    String actual = value.getClass().getSimpleName();
    String hint = "";
    if (value instanceof LocalDateTime
        || value instanceof OffsetDateTime
        || value instanceof ZonedDateTime
        || value instanceof Date
        || (value instanceof TemporalAccessor && !(value instanceof Instant))) {
      hint =
          "; times must be java.time.Instant (UTC): convert zoned or local date-times"
              + " explicitly, e.g. offsetDateTime.toInstant()";
    } else if (this == DOUBLE && value instanceof Float) {
      hint = "; pass a Double (float widening changes the value, e.g. 0.1f != 0.1)";
    }
    return "must be " + this + " but was " + actual + " (" + abbreviate(value) + ")" + hint;
  }

  static String abbreviate(@Nullable Object value) {
    String s = value instanceof String ? "'" + value + "'" : String.valueOf(value);
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
