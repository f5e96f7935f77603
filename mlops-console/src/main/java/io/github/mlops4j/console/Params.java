package io.github.mlops4j.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The decoded query parameters of a request. */
final class Params {
  /** Longest query string accepted, in characters. */
  static final int MAX_QUERY = 64 * 1024;

  private final Map<String, List<String>> values;

  private Params(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses a raw (still percent-encoded) query string.
   *
   * @throws BadRequest if it is too long or not valid percent-encoding
   */
  static Params parse(@Nullable String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new Params(out);
    }
    if (rawQuery.length() > MAX_QUERY) {
      throw new BadRequest(
          "The query string is " + rawQuery.length() + " characters; at most " + MAX_QUERY);
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.computeIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), x -> new ArrayList<>())
            .add(URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new BadRequest("The query string is not valid percent-encoding");
      }
    }
    return new Params(out);
  }

  @Nullable String get(String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  String get(String name, String fallback) {
    String v = get(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  String require(String name) {
    String v = get(name);
    if (v == null || v.isEmpty()) {
      throw new BadRequest("The parameter '" + name + "' is required");
    }
    return v;
  }

  List<String> all(String name) {
    return List.copyOf(values.getOrDefault(name, List.of()));
  }

  int intValue(String name, int fallback, int min, int max) {
    String v = get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new BadRequest(
            "The parameter '" + name + "' must be from " + min + " to " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadRequest("The parameter '" + name + "' must be a number");
    }
  }

  /** A request the console refuses with 400; the message names what was wrong. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** A request for something that does not exist: 404. */
  static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message, null, false, false);
    }
  }

  /** Cuts a user value for a message: at most 100 characters, then an ellipsis and the length. */
  static String cut(String s) {
    if (s.length() <= 100) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(99)) ? 99 : 100;
    return s.substring(0, end) + "… (" + s.length() + " characters)";
  }
}
