package io.github.mlops4j.features;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A looked-up feature value with its status and the event time of the row it came from.
 *
 * @param value the value, non-null exactly when the status is {@link FeatureStatus#PRESENT}
 * @param status how the value was found
 * @param eventTime the event time of the matched row; null when {@link FeatureStatus#NOT_FOUND};
 *     for an on-demand feature, the latest event time among its looked-up inputs (null if none)
 * @since 0.1.0
 */
public record FeatureValue(
    @Nullable Object value, FeatureStatus status, @Nullable Instant eventTime) {
  /** The value of an entity without a matching row. */
  public static final FeatureValue NOT_FOUND =
      new FeatureValue(null, FeatureStatus.NOT_FOUND, null);

  public FeatureValue {
    Objects.requireNonNull(status, "status");
    if ((value != null) != (status == FeatureStatus.PRESENT)) {
      throw new IllegalArgumentException(
          "A "
              + status
              + " feature value "
              + (value == null ? "needs a value" : "cannot hold a value"));
    }
    if (status == FeatureStatus.EXPIRED && eventTime == null) {
      throw new IllegalArgumentException("An EXPIRED feature value needs its event time");
    }
  }

  static FeatureValue of(@Nullable Object value, @Nullable Instant eventTime) {
    return new FeatureValue(
        value, value == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT, eventTime);
  }

  static FeatureValue expired(Instant eventTime) {
    return new FeatureValue(null, FeatureStatus.EXPIRED, eventTime);
  }

  public boolean isPresent() {
    return status == FeatureStatus.PRESENT;
  }
}
