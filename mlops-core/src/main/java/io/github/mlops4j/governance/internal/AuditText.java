package io.github.mlops4j.governance.internal;

import java.util.List;
import java.util.Locale;

/**
 * Bounded, printable text for audit entries and error messages: an actor name or an id that comes
 * from outside never puts control characters (a forged log line) or megabytes into either.
 */
public final class AuditText {
  /** Longest actor kept in a read-audit entry, in characters, before the length suffix. */
  public static final int MAX_ACTOR = 200;

  /** Longest subject (an id) kept in a read-audit entry, before the length suffix. */
  public static final int MAX_SUBJECT = 300;

  /** Subjects kept in a read-audit entry at most; the rest are counted. */
  public static final int MAX_SUBJECTS = 50;

  /** Longest reason shown in an error message. */
  public static final int MAX_REASON = 500;

  /** Longest value quoted in an error message. */
  static final int MAX_QUOTED = 100;

  /** Subjects quoted in an error message at most. */
  static final int MAX_QUOTED_SUBJECTS = 5;

  private AuditText() {}

  /**
   * {@code text} with control characters, line and paragraph separators and lone surrogates escaped
   * as {@code \\uXXXX}, cut to {@code max} characters with {@code "... (N chars)"} appended when it
   * was longer.
   */
  public static String clean(String text, int max) {
    int shown = Math.min(text.length(), max);
    if (shown == text.length() && printable(text)) {
      return text;
    }
    if (shown > 0 && shown < text.length() && Character.isHighSurrogate(text.charAt(shown - 1))) {
      shown--; // do not split a pair at the cut
    }
    StringBuilder out = new StringBuilder(shown + 24);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      if (escaped(text, i)) {
        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    if (shown < text.length()) {
      out.append("... (").append(text.length()).append(" chars)");
    }
    return out.toString();
  }

  private static boolean printable(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (escaped(text, i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean escaped(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }

  /** {@code 'text'}, cleaned and cut to about 100 characters, for an error message. */
  public static String quote(String text) {
    return "'" + clean(text, MAX_QUOTED) + "'";
  }

  /** The first few subjects quoted, and how many more there are. */
  public static String quote(List<String> subjects) {
    StringBuilder out = new StringBuilder();
    int n = Math.min(subjects.size(), MAX_QUOTED_SUBJECTS);
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : ", ").append(quote(subjects.get(i)));
    }
    if (subjects.size() > n) {
      out.append(" and ").append(subjects.size() - n).append(" more");
    }
    return out.toString();
  }

  /** The first {@link #MAX_SUBJECTS} subjects cleaned and cut, for an audit entry. */
  public static List<String> subjects(List<String> subjects) {
    int n = Math.min(subjects.size(), MAX_SUBJECTS);
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = clean(subjects.get(i), MAX_SUBJECT);
    }
    return List.of(out);
  }
}
