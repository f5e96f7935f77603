package io.github.mlops4j.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Line charts as inline SVG. Series differ by colour, and also by dash pattern and marker shape,
 * and each is named in a legend, so a chart reads without colour. The chart carries a title and a
 * text description for screen readers.
 */
final class Svg {
  /** Okabe-Ito colours, distinguishable with the common colour-vision deficiencies. */
  static final String[] COLOURS = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"
  };

  /** Dash patterns, one per series (first solid). */
  static final String[] DASHES = {"", "8 4", "2 3", "10 3 2 3", "14 5", "4 2 4 6", "1 4", "6 6"};

  /** Marker shapes, one per series. */
  static final String[] MARKERS = {
    "circle", "square", "triangle", "diamond", "cross", "plus", "star", "bar"
  };

  private static final int WIDTH = 640;
  private static final int HEIGHT = 260;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 44;
  private static final int MARKS_PER_SERIES = 12;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Svg() {}

  /**
   * One series: x values ascending, y values (NaN breaks the line), and optional min/max per point
   * (drawn as a thin range bar where they differ, for downsampled series).
   */
  @SuppressWarnings("ArrayRecordComponent") // a private carrier of chart data, never compared
  record Series(String label, double[] x, double[] y, double[] min, double[] max) {
    Series {
      Objects.requireNonNull(label, "label");
      if (x.length != y.length || min.length != y.length || max.length != y.length) {
        throw new IllegalArgumentException("series arrays differ in length");
      }
    }

    static Series of(String label, double[] x, double[] y) {
      return new Series(label, x, y, y, y);
    }
  }

  /**
   * Appends a chart.
   *
   * @param id a unique element id prefix (letters, digits, dashes)
   * @param time whether x values are epoch milliseconds
   */
  static void lineChart(
      StringBuilder h, String id, String title, String xLabel, boolean time, List<Series> series) {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (!Double.isFinite(s.y[i])) {
          continue;
        }
        x0 = Math.min(x0, s.x[i]);
        x1 = Math.max(x1, s.x[i]);
        for (double v : new double[] {s.y[i], s.min[i], s.max[i]}) {
          if (Double.isFinite(v)) {
            y0 = Math.min(y0, v);
            y1 = Math.max(y1, v);
          }
        }
      }
    }
    h.append("<figure class=\"chart\" id=\"")
        .append(id)
        .append("\">\n<p class=\"chart-title\" aria-hidden=\"true\">")
        .append(Html.esc(title))
        .append("</p>\n<svg role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" aria-labelledby=\"")
        .append(id)
        .append("-t ")
        .append(id)
        .append("-d\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"")
        .append(id)
        .append("-t\">")
        .append(Html.esc(title))
        .append("</title>\n<desc id=\"")
        .append(id)
        .append("-d\">");
    describe(h, xLabel, series, time);
    h.append("</desc>\n");
    if (x0 > x1) {
      h.append("<text x=\"")
          .append(WIDTH / 2)
          .append("\" y=\"")
          .append(HEIGHT / 2)
          .append("\" text-anchor=\"middle\">no finite values</text>\n</svg>\n");
      legend(h, series);
      h.append("</figure>\n");
      return;
    }
    if (x0 == x1) {
      x0 -= 1;
      x1 += 1;
    }
    if (y0 == y1) {
      double pad = y0 == 0 ? 1 : Math.abs(y0) * 0.05;
      y0 -= pad;
      y1 += pad;
    }
    double[] yTicks = ticks(y0, y1, 5);
    y0 = Math.min(y0, yTicks[0]);
    y1 = Math.max(y1, yTicks[yTicks.length - 1]);
    Scale sx = new Scale(x0, x1, LEFT, WIDTH - RIGHT);
    Scale sy = new Scale(y0, y1, HEIGHT - BOTTOM, TOP);
    h.append("<g class=\"axes\">\n");
    for (double t : yTicks) {
      String py = px(sy.at(t));
      h.append("<line class=\"grid\" x1=\"")
          .append(LEFT)
          .append("\" x2=\"")
          .append(WIDTH - RIGHT)
          .append("\" y1=\"")
          .append(py)
          .append("\" y2=\"")
          .append(py)
          .append("\"/><text x=\"")
          .append(LEFT - 6)
          .append("\" y=\"")
          .append(py)
          .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">")
          .append(Html.num(t))
          .append("</text>\n");
    }
    double[] xTicks = ticks(x0, x1, time ? 4 : 6);
    for (double t : xTicks) {
      if (t < x0 || t > x1) {
        continue;
      }
      String pxx = px(sx.at(t));
      h.append("<line class=\"tick\" x1=\"")
          .append(pxx)
          .append("\" x2=\"")
          .append(pxx)
          .append("\" y1=\"")
          .append(HEIGHT - BOTTOM)
          .append("\" y2=\"")
          .append(HEIGHT - BOTTOM + 5)
          .append("\"/><text x=\"")
          .append(pxx)
          .append("\" y=\"")
          .append(HEIGHT - BOTTOM + 18)
          .append("\" text-anchor=\"middle\">")
          .append(time ? CLOCK.format(Instant.ofEpochMilli((long) t)) : Html.num(t))
          .append("</text>\n");
    }
    h.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(WIDTH - RIGHT)
        .append("\" y1=\"")
        .append(HEIGHT - BOTTOM)
        .append("\" y2=\"")
        .append(HEIGHT - BOTTOM)
        .append("\"/><line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(TOP)
        .append("\" y2=\"")
        .append(HEIGHT - BOTTOM)
        .append("\"/>\n<text class=\"label\" x=\"")
        .append((LEFT + WIDTH - RIGHT) / 2)
        .append("\" y=\"")
        .append(HEIGHT - 6)
        .append("\" text-anchor=\"middle\">")
        .append(Html.esc(xLabel))
        .append("</text>\n</g>\n");
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      String colour = COLOURS[k % COLOURS.length];
      h.append("<g class=\"series\" data-series=\"")
          .append(k)
          .append("\" data-label=\"")
          .append(Html.esc(s.label))
          .append("\">\n");
      for (int i = 0; i < s.x.length; i++) {
        if (Double.isFinite(s.min[i]) && Double.isFinite(s.max[i]) && s.min[i] < s.max[i]) {
          String pxx = px(sx.at(s.x[i]));
          h.append("<line x1=\"")
              .append(pxx)
              .append("\" x2=\"")
              .append(pxx)
              .append("\" y1=\"")
              .append(px(sy.at(s.min[i])))
              .append("\" y2=\"")
              .append(px(sy.at(s.max[i])))
              .append("\" stroke=\"")
              .append(colour)
              .append("\" stroke-opacity=\"0.35\"/>\n");
        }
      }
      StringBuilder d = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < s.x.length; i++) {
        if (!Double.isFinite(s.y[i])) {
          pen = false;
          continue;
        }
        d.append(pen ? " L" : " M").append(px(sx.at(s.x[i]))).append(' ').append(px(sy.at(s.y[i])));
        pen = true;
      }
      if (d.length() > 0) {
        h.append("<path fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append('"');
        dash(h, k);
        h.append(" d=\"").append(d.substring(1)).append("\"/>\n");
      }
      int n = s.x.length;
      int every = Math.max(1, (n + MARKS_PER_SERIES - 1) / MARKS_PER_SERIES);
      for (int i = 0; i < n; i++) {
        if ((i % every == 0 || i == n - 1) && Double.isFinite(s.y[i])) {
          marker(h, k, colour, sx.at(s.x[i]), sy.at(s.y[i]));
        }
      }
      h.append("</g>\n");
    }
    h.append("</svg>\n");
    legend(h, series);
    h.append("</figure>\n");
  }

  private static void describe(StringBuilder h, String xLabel, List<Series> series, boolean time) {
    h.append(series.size()).append(" series over ");
    h.append(Html.esc(xLabel)).append(". ");
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      h.append(Html.esc(s.label))
          .append(" (")
          .append(MARKERS[k % MARKERS.length])
          .append(" markers): ")
          .append(s.x.length)
          .append(" points");
      if (s.x.length > 0) {
        int last = s.x.length - 1;
        h.append(", last ")
            .append(Html.num(s.y[last]))
            .append(" at ")
            .append(time ? Html.time(Instant.ofEpochMilli((long) s.x[last])) : Html.num(s.x[last]));
      }
      h.append(". ");
    }
  }

  private static void legend(StringBuilder h, List<Series> series) {
    h.append("<figcaption><ul class=\"legend\">");
    for (int k = 0; k < series.size(); k++) {
      String colour = COLOURS[k % COLOURS.length];
      h.append("<li><svg class=\"key\" viewBox=\"0 0 40 12\" width=\"40\" height=\"12\"")
          .append(" aria-hidden=\"true\"><line x1=\"2\" x2=\"38\" y1=\"6\" y2=\"6\"")
          .append(" stroke-width=\"2\" stroke=\"")
          .append(colour)
          .append('"');
      dash(h, k);
      h.append("/>");
      marker(h, k, colour, 20, 6);
      h.append("</svg> <span class=\"marker-name\">")
          .append(MARKERS[k % MARKERS.length])
          .append("</span> ")
          .append(Html.esc(series.get(k).label))
          .append("</li>");
    }
    h.append("</ul></figcaption>\n");
  }

  private static void dash(StringBuilder h, int k) {
    String dash = DASHES[k % DASHES.length];
    if (!dash.isEmpty()) {
      h.append(" stroke-dasharray=\"").append(dash).append('"');
    }
  }

  private static void marker(StringBuilder h, int k, String colour, double x, double y) {
    String cx = px(x);
    String cy = px(y);
    String fill = " fill=\"" + colour + "\" stroke=\"" + colour + "\"";
    switch (MARKERS[k % MARKERS.length]) {
      case "circle" ->
          h.append("<circle cx=\"")
              .append(cx)
              .append("\" cy=\"")
              .append(cy)
              .append("\" r=\"3.5\"")
              .append(fill)
              .append("/>");
      case "square" ->
          h.append("<rect x=\"")
              .append(px(x - 3.5))
              .append("\" y=\"")
              .append(px(y - 3.5))
              .append("\" width=\"7\" height=\"7\"")
              .append(fill)
              .append("/>");
      case "triangle" ->
          h.append("<path d=\"")
              .append(pathData(x, y, "MLL", 0, -4.5, 4.5, 3.5, -4.5, 3.5))
              .append(" Z\"")
              .append(fill)
              .append("/>");
      case "diamond" ->
          h.append("<path d=\"")
              .append(pathData(x, y, "MLLL", 0, -4.5, 4.5, 0, 0, 4.5, -4.5, 0))
              .append(" Z\"")
              .append(fill)
              .append("/>");
      case "cross" ->
          h.append("<path d=\"")
              .append(pathData(x, y, "MLML", -4, -4, 4, 4, -4, 4, 4, -4))
              .append("\" fill=\"none\" stroke-width=\"2\" stroke=\"")
              .append(colour)
              .append("\"/>");
      case "plus" ->
          h.append("<path d=\"")
              .append(pathData(x, y, "MLML", -4.5, 0, 4.5, 0, 0, -4.5, 0, 4.5))
              .append("\" fill=\"none\" stroke-width=\"2\" stroke=\"")
              .append(colour)
              .append("\"/>");
      case "star" ->
          h.append("<circle cx=\"")
              .append(cx)
              .append("\" cy=\"")
              .append(cy)
              .append("\" r=\"4\" fill=\"#fff\" stroke-width=\"2\" stroke=\"")
              .append(colour)
              .append("\"/>");
      default ->
          h.append("<rect x=\"")
              .append(px(x - 1.5))
              .append("\" y=\"")
              .append(px(y - 5))
              .append("\" width=\"3\" height=\"10\"")
              .append(fill)
              .append("/>");
    }
    h.append('\n');
  }

  /** Tick values at a "nice" step (1, 2 or 5 times a power of ten) covering [lo, hi]. */
  static double[] ticks(double lo, double hi, int target) {
    double span = hi - lo;
    if (!(span > 0) || !Double.isFinite(span)) {
      return new double[] {lo, hi};
    }
    double raw = span / target;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step =
        raw / mag >= 5 ? 10 * mag : raw / mag >= 2 ? 5 * mag : raw / mag >= 1 ? 2 * mag : mag;
    double first = Math.floor(lo / step) * step;
    int n = (int) Math.min(50, Math.ceil((hi - first) / step - 1e-9) + 1);
    double[] out = new double[Math.max(2, n)];
    for (int i = 0; i < out.length; i++) {
      out[i] = first + i * step;
      if (Math.abs(out[i]) < step * 1e-9) {
        out[i] = 0;
      }
    }
    return out;
  }

  /**
   * SVG path data: one command of {@code ops} ({@code M} or {@code L}) per point, each point given
   * as its offset from ({@code x}, {@code y}) in {@code dxdy}.
   */
  private static String pathData(double x, double y, String ops, double... dxdy) {
    StringBuilder d = new StringBuilder(12 * ops.length());
    for (int i = 0; i < ops.length(); i++) {
      d.append(i == 0 ? "" : " ")
          .append(ops.charAt(i))
          .append(px(x + dxdy[2 * i]))
          .append(' ')
          .append(px(y + dxdy[2 * i + 1]));
    }
    return d.toString();
  }

  private static String px(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private record Scale(double from, double to, double a, double b) {
    double at(double v) {
      return a + (v - from) / (to - from) * (b - a);
    }
  }
}
