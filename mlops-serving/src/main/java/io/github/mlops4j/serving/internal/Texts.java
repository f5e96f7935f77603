package io.github.mlops4j.serving.internal;

import java.util.Collection;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * Bounded renderings of values that come from callers, for error messages. Never calls {@code
 * toString()} on an object of a type it does not know (a caller's object may throw, loop or build a
 * huge text), and never copies more than {@link #MAX} characters of a text. Not API.
 */
public final class Texts {
  /** The most characters of one caller value copied into a message. */
  public static final int MAX = 100;

  private Texts() {}

  /**
   * {@code s} itself if at most {@link #MAX} characters, else its first characters, an ellipsis and
   * its length: {@code "aaaa... (50000000 chars)"}.
   */
  public static String abbreviate(String s) {
    return abbreviate(s, MAX);
  }

  /** {@link #abbreviate(String)} with another bound. */
  public static String abbreviate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int cut = max;
    if (Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--; // do not split a surrogate pair
    }
    return s.substring(0, cut) + "... (" + s.length() + " chars)";
  }

  /**
   * A short description of a caller's value: text quoted and abbreviated, the JDK's boxed numbers,
   * booleans and characters as they print, {@code null}, and anything else by its type only.
   */
  public static String describe(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "'" + abbreviate(s) + "'";
    }
    if (isJdkScalar(value)) {
      return value.toString();
    }
    return "a " + typeName(value);
  }

  /** The simple name of a value's class, abbreviated (never its {@code toString()}). */
  public static String typeName(Object value) {
    Class<?> c = value.getClass();
    String name = c.getSimpleName();
    return abbreviate(name.isEmpty() ? c.getName() : name);
  }

  /**
   * True for the JDK's own boxed scalars (their {@code toString()} is short and cannot throw):
   * {@code Double, Float, Long, Integer, Short, Byte, Boolean, Character}.
   */
  public static boolean isJdkScalar(Object value) {
    return value instanceof Double
        || value instanceof Float
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof Boolean
        || value instanceof Character;
  }

  /**
   * {@code s} with every unpaired surrogate replaced by U+FFFD, so that it can be written as UTF-8;
   * {@code s} itself when it has none (a JSON text may hold {@code "\ud800"}, which no UTF-8 writer
   * can write).
   */
  public static String wellFormed(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return replaceUnpaired(s);
      }
    }
    return s;
  }

  private static String replaceUnpaired(String s) {
    StringBuilder b = new StringBuilder(s.length());
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  /**
   * At most {@code maxItems} items of a collection of texts, each abbreviated, with the count of
   * the others: {@code [a, b, c, ... 17 more]}.
   */
  public static String list(Collection<String> items, int maxItems) {
    StringBuilder b = new StringBuilder("[");
    Iterator<String> it = items.iterator();
    int shown = 0;
    while (it.hasNext() && shown < maxItems) {
      b.append(shown == 0 ? "" : ", ").append(abbreviate(it.next()));
      shown++;
    }
    if (items.size() > shown) {
      b.append(", ... ").append(items.size() - shown).append(" more");
    }
    return b.append(']').toString();
  }
}
