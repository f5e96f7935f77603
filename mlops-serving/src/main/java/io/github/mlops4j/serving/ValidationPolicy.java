package io.github.mlops4j.serving;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What an {@link InferenceService} does with a request that does not match the model's signature.
 *
 * <ul>
 *   <li>{@link #REJECT} (the default): throw {@link InvalidInputException} listing every problem:
 *       missing, unknown, null, NaN or infinite values, wrong types, unseen categories, values of a
 *       whole-number feature that are not whole numbers (or above 2<sup>53</sup> in magnitude).
 *   <li>{@link #fill(double)} / {@link #fill(Map, double)}: missing, null, NaN and infinite values
 *       get the fill value you choose (per feature, else the default); unknown fields and unseen
 *       categories are dropped. Every fill is counted ({@link InferenceService#filledValues()},
 *       Micrometer {@code mlops.serving.inputs.filled}), every drop too ({@code
 *       mlops.serving.inputs.dropped}), and both are listed in the {@link PredictionEvent}. Wrong
 *       types are still rejected: they are a contract bug, not a gap in the data; so are values of
 *       a whole-number feature that are not whole numbers ({@link
 *       InvalidInputException.Reason#NOT_INTEGER}, never rounded). So are field names that are not
 *       texts (a {@code null} key) and requests that cannot be read.
 * </ul>
 *
 * <p>Under either policy, a finite value outside the model's training range for which the model
 * gives no usable output is refused as {@link InvalidInputException.Reason#OUT_OF_RANGE}.
 *
 * @since 0.1.0
 */
public final class ValidationPolicy {
  /** Reject any request that does not match the signature exactly. */
  public static final ValidationPolicy REJECT = new ValidationPolicy(false, Map.of(), 0.0);

  /**
   * Fill missing and non-finite values with 0.0, drop unknown fields: the same as {@code
   * fill(0.0)}.
   *
   * @deprecated the fill value is a modelling decision (0.0 is rarely a neutral value: use the
   *     training mean, say); say it with {@link #fill(double)} or {@link #fill(Map, double)}. This
   *     constant will be removed.
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public static final ValidationPolicy FILL = new ValidationPolicy(true, Map.of(), 0.0);

  private final boolean fill;
  private final Map<String, Double> perFeature;
  private final double defaultValue;

  private ValidationPolicy(boolean fill, Map<String, Double> perFeature, double defaultValue) {
    this.fill = fill;
    this.perFeature = perFeature;
    this.defaultValue = defaultValue;
  }

  /** Fill missing and non-finite values with {@code defaultValue}, drop unknown fields. */
  public static ValidationPolicy fill(double defaultValue) {
    return fill(Map.of(), defaultValue);
  }

  /**
   * Fill missing and non-finite values with the feature's value in {@code perFeature} (for example
   * the training mean), else {@code defaultValue}; drop unknown fields.
   */
  public static ValidationPolicy fill(Map<String, Double> perFeature, double defaultValue) {
    Objects.requireNonNull(perFeature, "perFeature");
    checkFinite("defaultValue", defaultValue);
    perFeature.forEach(
        (k, v) ->
            checkFinite(
                "fill value of '" + k + "'",
                Objects.requireNonNull(v, () -> "fill value of '" + k + "'")));
    return new ValidationPolicy(true, Map.copyOf(perFeature), defaultValue);
  }

  private static void checkFinite(String what, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be finite, was " + v);
    }
  }

  /** True if this policy fills and drops instead of rejecting. */
  public boolean fills() {
    return fill;
  }

  /** The fill value of a feature: its own, else the default. */
  public double fillValue(String feature) {
    Double v = perFeature.get(feature);
    return v == null ? defaultValue : v;
  }

  /** The per-feature fill values given to {@link #fill(Map, double)}. */
  public Map<String, Double> perFeature() {
    return perFeature;
  }

  /** The fill value of features without their own, empty for {@link #REJECT}. */
  public OptionalDouble defaultValue() {
    return fill ? OptionalDouble.of(defaultValue) : OptionalDouble.empty();
  }

  @Override
  public String toString() {
    return fill
        ? "FILL(" + defaultValue + (perFeature.isEmpty() ? "" : ", " + perFeature) + ")"
        : "REJECT";
  }
}
