package io.github.mlops4j;

import java.util.Locale;
import java.util.Objects;

/**
 * The one check that a string can be stored as text and read back unchanged: it must be well-formed
 * UTF-16, without a lone surrogate.
 *
 * <p>Every database driver and the binary formats of mlops4j encode strings as UTF-8, and Java's
 * UTF-8 encoder silently replaces a lone surrogate (a {@code \uD800}-{@code \uDBFF} not followed by
 * a {@code \uDC00}-{@code \uDFFF}, or one of the latter not preceded by one of the former) with
 * {@code '?'}. Stored unchecked, {@code "s\uD800"} and {@code "s?"} would become one param value,
 * run name, model name or entity key. The services call {@link #check} on every string a caller
 * gives them that is stored or looked up (params, tags, names, paths, entity keys, string feature
 * values), so such a string is refused with an {@link IllegalArgumentException} instead. Any other
 * string, including every valid supplementary character, round-trips exactly.
 *
 * @since 0.1.0
 */
public final class StoredText {
  /** Longest part of a rejected value quoted in the error message, in chars. */
  static final int QUOTE_LIMIT = 100;

  private StoredText() {}

  /** The index of the first lone surrogate in {@code text}, or -1 if it is well-formed UTF-16. */
  public static int firstLoneSurrogate(CharSequence text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++; // a valid pair
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code text} is well-formed UTF-16 (has no lone surrogate). */
  public static boolean isWellFormed(CharSequence text) {
    return firstLoneSurrogate(text) < 0;
  }

  /**
   * Returns {@code value} if it is well-formed UTF-16.
   *
   * @param value the string to check
   * @param field what the string is, for the message, e.g. {@code "param 'lr' value"}
   * @return {@code value}
   * @throws IllegalArgumentException naming {@code field}, the index and code unit of the first
   *     lone surrogate, and quoting (at most {@value #QUOTE_LIMIT} chars of) the value with the
   *     surrogate escaped
   * @throws NullPointerException if {@code value} or {@code field} is null
   */
  public static String check(String value, String field) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, field);
    int at = firstLoneSurrogate(value);
    if (at >= 0) {
      throw new IllegalArgumentException(problem(value, field, at));
    }
    return value;
  }

  /** The message {@link #check} throws for {@code value} with a lone surrogate at {@code at}. */
  static String problem(String value, String field, int at) {
    char c = value.charAt(at);
    String kind =
        Character.isHighSurrogate(c)
            ? "a high surrogate not followed by a low surrogate"
            : "a low surrogate not preceded by a high surrogate";
    return String.format(
        Locale.ROOT,
        "%s has a lone UTF-16 surrogate U+%04X at index %d (%s): it is not valid Unicode text and"
            + " would be stored as '?'. Value: %s",
        field,
        (int) c,
        at,
        kind,
        quote(value));
  }

  /**
   * Quotes a value for an error message: at most {@value #QUOTE_LIMIT} chars, control characters
   * and surrogates escaped as {@code \\uXXXX}, and the full length when it was cut.
   */
  static String quote(String value) {
    int shown = Math.min(value.length(), QUOTE_LIMIT);
    StringBuilder out = new StringBuilder(shown + 24).append('"');
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
    if (shown < value.length()) {
      out.insert(out.length() - 1, "...").append(" (").append(value.length()).append(" chars)");
    }
    return out.toString();
  }
}
