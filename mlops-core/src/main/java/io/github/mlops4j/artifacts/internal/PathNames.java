package io.github.mlops4j.artifacts.internal;

import io.github.mlops4j.StoredText;
import java.util.Locale;
import java.util.Objects;

/**
 * Validation of user-supplied relative names that become paths under a workspace (artifact paths,
 * dataset names).
 *
 * <p>A valid name is non-empty, at most {@value #MAX_LENGTH} characters, uses {@code /} as its only
 * separator, is relative, and each of its segments is a plain name: no empty, {@code .} or {@code
 * ..} segment, no control character, no backslash and no lone UTF-16 surrogate ({@link
 * StoredText}). Such a name can never escape the directory it is resolved against, on any operating
 * system.
 */
public final class PathNames {
  /** The longest accepted name, in chars. */
  public static final int MAX_LENGTH = 1000;

  private static final int QUOTE_LIMIT = 80;

  private PathNames() {}

  /**
   * Returns {@code name} unchanged if it is a valid relative name.
   *
   * @param name the name to check
   * @param what what the name is, for the error message, e.g. {@code "artifact path"}
   * @return {@code name}
   * @throws IllegalArgumentException if a rule is broken; the message quotes the value and names
   *     the rule
   * @throws NullPointerException if {@code name} or {@code what} is null
   */
  public static String checkRelative(String name, String what) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(name, what);
    if (name.isEmpty()) {
      throw invalid(name, what, "must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw invalid(
          name,
          what,
          "is " + name.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
    }
    StoredText.check(name, what);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw invalid(
            name,
            what,
            String.format(
                Locale.ROOT,
                "must not contain a control character (U+%04X at index %d)",
                (int) c,
                i));
      }
      if (c == '\\') {
        throw invalid(
            name, what, "must not contain a backslash (index " + i + "); use '/' as the separator");
      }
    }
    if (name.charAt(0) == '/') {
      throw invalid(name, what, "must be relative, not absolute (it starts with '/')");
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0))) {
      throw invalid(name, what, "must be relative, not absolute (it starts with a drive letter)");
    }
    int start = 0;
    while (true) {
      int slash = name.indexOf('/', start);
      int end = slash < 0 ? name.length() : slash;
      String segment = name.substring(start, end);
      if (segment.isEmpty()) {
        throw invalid(name, what, "must not contain an empty segment ('//' or a trailing '/')");
      }
      if (segment.equals(".")) {
        throw invalid(name, what, "must not contain a '.' segment");
      }
      if (segment.equals("..")) {
        throw invalid(
            name, what, "must not contain a '..' segment (it could escape the workspace)");
      }
      if (slash < 0) {
        return name;
      }
      start = slash + 1;
    }
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static IllegalArgumentException invalid(String name, String what, String rule) {
    return new IllegalArgumentException(what + " " + quote(name) + " " + rule);
  }

  /** Quotes a value for an error message, escaping control characters and shortening long ones. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), QUOTE_LIMIT) + 16).append('"');
    int shown = Math.min(value.length(), QUOTE_LIMIT);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\0' -> out.append("\\0");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
    if (shown < value.length()) {
      out.insert(out.length() - 1, "...").append(" (").append(value.length()).append(" chars)");
    }
    return out.toString();
  }
}
