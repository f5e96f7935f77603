package io.github.mlops4j.features;

import java.util.Objects;
import java.util.regex.Pattern;

/** Validation of view, feature and column names. */
final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private Names() {}

  static String check(String name, String what) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Bad "
              + what
              + " '"
              + ValueType.abbreviate(name)
              + "': use letters, digits and '_', starting with a letter or '_', at most 128"
              + " characters ('"
              + FeatureRef.SEPARATOR
              + "' separates a view from its feature)");
    }
    return name;
  }
}
