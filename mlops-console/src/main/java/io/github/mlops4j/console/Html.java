package io.github.mlops4j.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Escaping, formatting and the page frame; every user value goes through {@link #esc}. */
final class Html {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Html() {}

  /** Escapes text for an element's content or a double-quoted attribute value. */
  static String esc(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            case '\u0000' -> "\uFFFD";
            default -> null;
          };
      if (r != null) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(r);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** Encodes a query parameter value. */
  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String time(@Nullable Instant t) {
    return t == null ? "" : TIME.format(t);
  }

  /** A <time> element: the UTC date and time, the instant in ISO-8601 as its datetime. */
  static String timeTag(@Nullable Instant t) {
    return t == null ? "" : "<time datetime=\"" + t + "\">" + time(t) + "</time>";
  }

  static String duration(@Nullable Duration d) {
    if (d == null) {
      return "";
    }
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%d d %02d h", s / 86_400, (s % 86_400) / 3600);
  }

  /** A number with up to 6 significant digits, without trailing zeros. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "-∞";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains("e")) {
      return s.replaceFirst("\\.?0+e", "e");
    }
    return s.contains(".") ? s.replaceFirst("\\.?0+$", "") : s;
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.1f GiB", n / (1024.0 * 1024 * 1024));
  }

  /** A digest shown short, the full value in its title and for copying. */
  static String digest(String hex) {
    String shortHex = hex.length() > 12 ? hex.substring(0, 12) + "…" : hex;
    return "<code title=\"" + esc(hex) + "\">" + esc(shortHex) + "</code>";
  }

  /** A user value cut to {@code max} characters with an ellipsis, escaped. */
  static String cut(String s, int max) {
    if (s.length() <= max) {
      return esc(s);
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return "<span title=\""
        + esc(s.length() > 2000 ? s.substring(0, 2000) : s)
        + "\">"
        + esc(s.substring(0, end))
        + "…</span>";
  }

  /** The page frame: navigation, main landmark, the JSON link. */
  static String page(String title, String section, String body, String jsonHref) {
    StringBuilder h = new StringBuilder(body.length() + 2048);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(esc(title))
        .append(" · mlops4j console</title>\n")
        .append("<link rel=\"stylesheet\" href=\"static/console.css\">\n")
        .append("<link rel=\"icon\" href=\"static/favicon.svg\" type=\"image/svg+xml\">\n")
        .append("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
        .append("<header><span class=\"brand\">mlops4j console</span>\n")
        .append("<nav aria-label=\"Sections\"><ul>");
    nav(h, "runs", "Runs", section);
    nav(h, "models", "Models", section);
    nav(h, "features", "Features", section);
    nav(h, "drift", "Drift", section);
    h.append("</ul></nav></header>\n<main id=\"main\" tabindex=\"-1\">\n<h1>")
        .append(esc(title))
        .append("</h1>\n")
        .append(body)
        .append("</main>\n<footer><p>Read-only. The same data as JSON: <a href=\"")
        .append(esc(jsonHref))
        .append("\">")
        .append(esc(jsonHref))
        .append("</a></p></footer>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void nav(StringBuilder h, String href, String label, String section) {
    h.append("<li><a href=\"").append(href).append('"');
    if (href.equals(section)) {
      h.append(" aria-current=\"page\"");
    }
    h.append('>').append(label).append("</a></li>");
  }

  /** An error page body. */
  static String message(String text) {
    return "<p class=\"error\" role=\"alert\">" + esc(text) + "</p>\n";
  }
}
