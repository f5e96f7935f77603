package io.github.mlops4j.tracking;

import io.github.mlops4j.StoredText;
import io.github.mlops4j.internal.Checks;
import io.github.mlops4j.internal.KeyCharacters;

/**
 * Size limits on names and values. The defaults are MLflow's, so a workspace can be exported to
 * MLflow unchanged. A value over its limit is rejected with an error, never truncated. Values and
 * names must also be well-formed UTF-16 ({@link StoredText}): a lone surrogate is rejected, never
 * stored as {@code '?'}.
 *
 * @param maxKeyLength longest metric, param or tag key (MLflow: 250)
 * @param maxParamValueLength longest param value (MLflow: 6000)
 * @param maxTagValueLength longest tag value (MLflow: 8000)
 * @param maxNameLength longest experiment or run name (MLflow: 500)
 * @since 0.1.0
 */
public record TrackingLimits(
    int maxKeyLength, int maxParamValueLength, int maxTagValueLength, int maxNameLength) {

  public TrackingLimits {
    Checks.atLeast(maxKeyLength, 1, "maxKeyLength");
    Checks.atLeast(maxParamValueLength, 1, "maxParamValueLength");
    Checks.atLeast(maxTagValueLength, 1, "maxTagValueLength");
    Checks.atLeast(maxNameLength, 1, "maxNameLength");
  }

  /** MLflow's limits: keys 250, param values 6000, tag values 8000, names 500 characters. */
  public static TrackingLimits mlflowDefaults() {
    return new TrackingLimits(250, 6000, 8000, 500);
  }

  /**
   * Checks a metric, param or tag key: 1 to {@link #maxKeyLength} characters from {@code
   * [A-Za-z0-9_-. /]}, and a path that stays where it is ({@code ..}, {@code .} segments, a leading
   * or doubled {@code /} are refused), as MLflow requires.
   */
  public String checkKey(String key, String what) {
    if (key == null) {
      throw new NullPointerException(what + " key");
    }
    int n = key.length();
    if (n == 0) {
      throw new IllegalArgumentException(what + " key must not be empty");
    }
    if (n > maxKeyLength) {
      throw new IllegalArgumentException(
          what
              + " key is "
              + n
              + " characters, over the limit of "
              + maxKeyLength
              + ": '"
              + key.substring(0, 40)
              + "...'");
    }
    for (int i = 0; i < n; i++) {
      char ch = key.charAt(i);
      boolean ok = KeyCharacters.allowed(ch);
      if (!ok) {
        throw new IllegalArgumentException(
            what
                + " key '"
                + printable(key)
                + "' has character '"
                + printable(String.valueOf(ch))
                + "' at position "
                + i
                + "; keys may only contain letters, digits, '_', '-', '.',"
                + " ' ' and '/'");
      }
    }
    if (key.charAt(0) == '/'
        || key.contains("//")
        || key.equals(".")
        || key.startsWith("./")
        || key.endsWith("/.")
        || key.contains("/./")
        || key.equals("..")
        || key.startsWith("../")
        || key.endsWith("/..")
        || key.contains("/../")) {
      throw new IllegalArgumentException(
          what
              + " key '"
              + key
              + "' is not a normalized relative path (no leading or doubled '/',"
              + " no '.' or '..' segments)");
    }
    return key;
  }

  /**
   * Checks a param or tag value: at most {@code limit} characters of storable text.
   *
   * @return the value
   * @throws IllegalArgumentException if it is too long or not storable
   */
  public String checkValue(String value, int limit, String what, String key) {
    if (value == null) {
      throw new NullPointerException(what + " '" + key + "' value");
    }
    if (value.length() > limit) {
      throw new IllegalArgumentException(
          what
              + " '"
              + key
              + "' value is "
              + value.length()
              + " characters, over the limit of "
              + limit
              + "; it was rejected, not truncated");
    }
    return StoredText.check(value, what + " '" + key + "' value");
  }

  /**
   * Checks an experiment or run name: not blank, at most {@link #maxNameLength} characters, no
   * control characters.
   *
   * @return the name
   * @throws IllegalArgumentException if it breaks a rule
   */
  public String checkName(String name, String what) {
    if (name == null) {
      throw new NullPointerException(what);
    }
    StoredText.check(name, what);
    if (name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    if (name.length() > maxNameLength) {
      throw new IllegalArgumentException(
          what + " is " + name.length() + " characters, over the limit of " + maxNameLength);
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException(
            what + " '" + printable(name) + "' contains a control character at position " + i);
      }
    }
    return name;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
