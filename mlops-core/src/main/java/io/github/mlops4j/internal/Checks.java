package io.github.mlops4j.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Precondition checks for settings given to builders and factories. Each throws {@link
 * IllegalArgumentException} with one message shape, {@code "<name> must be <allowed range>, was
 * <value>"} ({@link #notNegative(Duration, String)}: {@code "<name> must not be negative, was
 * <value>"}), so a message always names the setting, the allowed range and the value given (a
 * number or a duration, so it is short). Each returns its argument for use in assignments. The
 * message is built only when a check fails; on a hot path pass a constant {@code name}, so that a
 * check that passes allocates nothing. Not API.
 */
public final class Checks {
  private Checks() {}

  /** {@code value >= min}. */
  public static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw refused(name, ">= " + min, value);
    }
    return value;
  }

  /** {@code value >= min}. */
  public static long atLeast(long value, long min, String name) {
    if (value < min) {
      throw refused(name, ">= " + min, value);
    }
    return value;
  }

  /** {@code value} in {@code [min, max]}. */
  public static int inRange(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw refused(name, "in [" + min + ", " + max + "]", value);
    }
    return value;
  }

  /** {@code value} in {@code [min, max]}. */
  public static long inRange(long value, long min, long max, String name) {
    if (value < min || value > max) {
      throw refused(name, "in [" + min + ", " + max + "]", value);
    }
    return value;
  }

  /** {@code value} a power of two in {@code [min, max]}. */
  public static int powerOfTwoInRange(int value, int min, int max, String name) {
    if (value < min || value > max || Integer.bitCount(value) != 1) {
      throw refused(name, "a power of two in [" + min + ", " + max + "]", value);
    }
    return value;
  }

  /** {@code value} in the closed interval {@code [min, max]} (never NaN). */
  public static double inRange(double value, double min, double max, String name) {
    if (!(value >= min && value <= max)) {
      throw refused(name, "in [" + text(min) + ", " + text(max) + "]", value);
    }
    return value;
  }

  /** {@code value} in the half-open interval {@code (min, max]} (never NaN). */
  public static double aboveAndAtMost(double value, double min, double max, String name) {
    if (!(value > min && value <= max)) {
      throw refused(name, "in (" + text(min) + ", " + text(max) + "]", value);
    }
    return value;
  }

  /** {@code value} in the open interval {@code (min, max)} (never NaN). */
  public static double strictlyBetween(double value, double min, double max, String name) {
    if (!(value > min && value < max)) {
      throw refused(name, "in (" + text(min) + ", " + text(max) + ")", value);
    }
    return value;
  }

  /** {@code value > 0} and finite. */
  public static double positiveFinite(double value, String name) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw refused(name, "finite and > 0", value);
    }
    return value;
  }

  /** {@code value >= 0} and finite. */
  public static double notNegativeFinite(double value, String name) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw refused(name, "finite and >= 0", value);
    }
    return value;
  }

  /**
   * A duration greater than zero.
   *
   * @throws NullPointerException naming {@code name} if {@code value} is null
   */
  public static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw refused(name, "positive", value);
    }
    return value;
  }

  /**
   * A duration of zero or more.
   *
   * @throws NullPointerException naming {@code name} if {@code value} is null
   */
  public static Duration notNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }

  /**
   * A duration of at least {@code min}.
   *
   * @throws NullPointerException naming {@code name} if {@code value} is null
   */
  public static Duration atLeast(Duration value, Duration min, String name) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0) {
      throw refused(name, "at least " + min, value);
    }
    return value;
  }

  /**
   * The exception every builder throws from {@code build()} when a required setting is missing: an
   * {@link IllegalStateException} saying {@code "<builder>: <setting> is required; call <call>"}.
   *
   * @param builder the builder, for example {@code "InferenceService.Builder"}
   * @param setting what is missing, for example {@code "model"}
   * @param call the call that sets it, for example {@code "model(name)"}
   */
  public static IllegalStateException missing(String builder, String setting, String call) {
    return missing(builder, setting, "is", call);
  }

  /**
   * {@link #missing(String, String, String)} for several settings, named {@code "a, b and c"}.
   *
   * @param settings what is missing, at least one
   * @param calls the calls that set them
   */
  public static IllegalStateException missing(
      String builder, List<String> settings, List<String> calls) {
    return missing(builder, and(settings), settings.size() == 1 ? "is" : "are", and(calls));
  }

  private static IllegalStateException missing(
      String builder, String setting, String verb, String call) {
    return new IllegalStateException(
        builder + ": " + setting + " " + verb + " required; call " + call);
  }

  private static String and(List<String> items) {
    int n = items.size();
    return n == 1
        ? items.get(0)
        : String.join(", ", items.subList(0, n - 1)) + " and " + items.get(n - 1);
  }

  private static IllegalArgumentException refused(String name, String allowed, Object value) {
    return new IllegalArgumentException(name + " must be " + allowed + ", was " + value);
  }

  /** A bound without a trailing {@code .0}: {@code 0}, {@code 0.5}, {@code 100}. */
  private static String text(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15
        ? Long.toString((long) bound)
        : Double.toString(bound);
  }
}
