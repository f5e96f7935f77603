package io.github.mlops4j.internal;

/**
 * The characters a tracking key (param, metric or tag key) may hold: ASCII letters and digits,
 * {@code _ - . /} and space, as {@code TrackingLimits.checkKey} enforces. Not API.
 */
public final class KeyCharacters {
  private KeyCharacters() {}

  /** True if {@code ch} may appear in a tracking key. */
  public static boolean allowed(char ch) {
    return (ch >= 'a' && ch <= 'z')
        || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9')
        || ch == '_'
        || ch == '-'
        || ch == '.'
        || ch == ' '
        || ch == '/';
  }
}
