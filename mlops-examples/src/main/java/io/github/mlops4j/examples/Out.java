package io.github.mlops4j.examples;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Formatting for the examples' console output (fixed locale, aligned columns). */
final class Out {
  private final PrintStream stream;

  Out(PrintStream stream) {
    this.stream = stream;
  }

  PrintStream stream() {
    return stream;
  }

  void heading(String text) {
    stream.println();
    stream.println(text);
  }

  @FormatMethod
  void line(@FormatString String format, @Nullable Object... args) {
    stream.println("  " + String.format(Locale.ROOT, format, args));
  }

  void raw(String text) {
    stream.println(text);
  }

  static String f3(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  static String p(double p) {
    if (Double.isNaN(p)) {
      return "n/a";
    }
    return p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String micros(long nanos) {
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1_000.0);
  }

  static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1_000.0);
  }

  static String shortId(String id) {
    return id.length() <= 8 ? id : id.substring(0, 8);
  }

  /** The p-th percentile (0..100) of {@code values} by the nearest-rank rule; sorts a copy. */
  static long percentile(long[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("No values to take a percentile of");
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static String join(List<String> items) {
    return items.isEmpty() ? "none" : String.join(", ", items);
  }
}
