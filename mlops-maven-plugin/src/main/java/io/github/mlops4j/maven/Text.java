package io.github.mlops4j.maven;

import org.jspecify.annotations.Nullable;

/** Bounded, secret-free text for messages and the build log. */
final class Text {
  static final int MAX = 100;

  private Text() {}

  /** The value cut to {@value #MAX} characters with an ellipsis and its length. */
  static String clip(@Nullable Object value) {
    String s = String.valueOf(value);
    if (s.length() <= MAX) {
      return s;
    }
    return s.substring(0, MAX) + "... (" + s.length() + " chars)";
  }

  /** The text with every occurrence of {@code secret} (when not empty) replaced by {@code ****}. */
  static String redact(String text, @Nullable String secret) {
    if (secret == null || secret.isEmpty()) {
      return text;
    }
    return text.replace(secret, "****");
  }
}
