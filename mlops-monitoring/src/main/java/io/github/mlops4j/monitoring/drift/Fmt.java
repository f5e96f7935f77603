package io.github.mlops4j.monitoring.drift;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number formatting for people (report details and HTML); JSON keeps full precision. */
final class Fmt {
  private Fmt() {}

  /** Four significant digits, plain between 0.001 and 10⁷, scientific outside. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e7) {
      return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.3e", v)
        .replace("e+0", "e")
        .replace("e-0", "e-")
        .replace("e+", "e");
  }

  /** A share as a percentage with one decimal, e.g. {@code 12.5 %}. */
  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }
}
