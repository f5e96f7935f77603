package io.github.mlops4j.monitoring.drift;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@link DriftReport#toHtml()}: one page, inline CSS and SVG, no scripts, no external
 * resources; every piece of text from the report goes through {@link #escape(String)}.
 */
final class ReportHtml {
  private static final int NEW_CATEGORIES_SHOWN = 10;
  private static final String REFERENCE_COLOR = "#6b7f99";
  private static final String CURRENT_COLOR = "#e07020";

  private static final String CSS =
      String.join(
          "\n",
          ":root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--drift:#b42318;--drift-bg:#fdecea;"
              + "--ok:#1e7b45;--ok-bg:#e6f4ea;--warn:#8a5300;--warn-bg:#fff4dc;}",
          "*{box-sizing:border-box}",
          "body{margin:0;padding:24px 32px 48px;font:14px/1.45 system-ui,-apple-system,'Segoe UI',"
              + "Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:#f7f9fb}",
          "main{max-width:1120px;margin:0 auto}",
          "h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:32px 0 12px}"
              + "h3{font-size:16px;margin:0 0 6px;display:flex;gap:10px;align-items:center}",
          ".verdict{display:inline-block;font-weight:600;font-size:16px;padding:6px 14px;"
              + "border-radius:6px;margin:4px 0 12px}",
          ".verdict.drift{color:var(--drift);background:var(--drift-bg)}"
              + ".verdict.ok{color:var(--ok);background:var(--ok-bg)}",
          ".summary{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:0;"
              + "color:var(--muted)}.summary dt{font-weight:600}.summary dd{margin:0;color:var(--ink)}",
          ".table-wrap{overflow-x:auto}",
          "table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}",
          "th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);"
              + "vertical-align:top}",
          "th{background:#eef2f6;font-weight:600;white-space:nowrap}",
          "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
          "tr.drifted td:first-child{border-left:4px solid var(--drift)}",
          "tr:not(.drifted) td:first-child{border-left:4px solid transparent}",
          "code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
          ".badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;"
              + "border-radius:10px;white-space:nowrap}",
          ".badge.drift{color:var(--drift);background:var(--drift-bg)}"
              + ".badge.ok{color:var(--ok);background:var(--ok-bg)}",
          ".badge.warn{color:var(--warn);background:var(--warn-bg)}",
          ".checks{margin:0;padding:0;list-style:none}.checks li.warn{color:var(--warn)}",
          ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(520px,100%),1fr));"
              + "gap:16px}",
          ".card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px}",
          ".card.drifted{border-top:4px solid var(--drift)}",
          ".card p{margin:2px 0}.muted{color:var(--muted)}.note{color:var(--warn)}",
          ".card svg{display:block;margin-top:8px;max-width:100%;height:auto}",
          "footer{margin-top:32px;color:var(--muted);font-size:12px}");

  private ReportHtml() {}

  static String write(DriftReport r) {
    StringBuilder h = new StringBuilder(16_384);
    long drifted = r.driftedColumns();
    int total = r.columns().size();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Drift report: ")
        .append(drifted)
        .append(" of ")
        .append(total)
        .append(" columns drifted</title>\n<style>\n")
        .append(CSS)
        .append("\n</style>\n</head>\n")
        .append("<body>\n<main>\n<h1>Drift report</h1>\n");
    boolean dataset = r.datasetDrift();
    h.append("<p class=\"verdict ")
        .append(dataset ? "drift" : "ok")
        .append("\">")
        .append(dataset ? "Dataset drift detected" : "No dataset drift")
        .append("</p>\n");
    h.append("<dl class=\"summary\">\n");
    item(
        h,
        "Drifted columns",
        drifted
            + " of "
            + total
            + " ("
            + Fmt.percent(r.driftedShare())
            + "); dataset drift when at least "
            + Fmt.percent(r.datasetThreshold()));
    item(h, "Preset", r.preset());
    item(h, "Created", r.createdTime().toString());
    item(h, "Reference rows", String.format(Locale.ROOT, "%,d", r.referenceRows()));
    item(h, "Current rows", String.format(Locale.ROOT, "%,d", r.currentRows()));
    h.append("</dl>\n");

    h.append(
        "<h2>Columns</h2>\n<div class=\"table-wrap\">\n<table>\n<thead><tr>"
            + "<th>Column</th><th>Type</th><th>Method</th><th>Drift when</th><th>Score</th>"
            + "<th>Statistic</th><th>Result</th><th>Data checks</th></tr></thead>\n<tbody>\n");
    int i = 0;
    for (ColumnDrift c : r.columns()) {
      i++;
      h.append("<tr")
          .append(c.drifted() ? " class=\"drifted\"" : "")
          .append(">")
          .append("<td><a href=\"#col-")
          .append(i)
          .append("\">")
          .append(escape(c.column()))
          .append("</a></td><td>")
          .append(type(c.type()))
          .append("</td><td><code>")
          .append(escape(c.method()))
          .append("</code></td><td class=\"num\">")
          .append(escape(rule(c)))
          .append("</td><td class=\"num\">")
          .append(escape(Fmt.number(c.score())))
          .append("</td><td class=\"num\">")
          .append(escape(Fmt.number(c.statistic())))
          .append("</td><td>")
          .append(badge(c))
          .append("</td><td>");
      checks(h, c.quality(), c.type());
      h.append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</div>\n");

    h.append(
        "<h2>Distributions</h2>\n<p class=\"muted\">Share of all rows per bin, reference "
            + "and current over the same bins; missing values have their own bin.</p>\n"
            + "<div class=\"cards\">\n");
    i = 0;
    for (ColumnDrift c : r.columns()) {
      i++;
      h.append("<article class=\"card")
          .append(c.drifted() ? " drifted" : "")
          .append("\" id=\"col-")
          .append(i)
          .append("\">\n<h3>")
          .append(escape(c.column()))
          .append(' ')
          .append(badge(c))
          .append("</h3>\n");
      h.append("<p><code>")
          .append(escape(c.method()))
          .append("</code> ")
          .append(c.pValue() != null ? "p = " : "score = ")
          .append(escape(Fmt.number(c.score())))
          .append(", drift when ")
          .append(escape(rule(c)))
          .append("</p>\n");
      r.details(c.column())
          .ifPresent(d -> h.append("<p class=\"muted\">").append(escape(d)).append("</p>\n"));
      if (c.note() != null) {
        h.append("<p class=\"note\">Note: ").append(escape(c.note())).append("</p>\n");
      }
      checks(h, c.quality(), c.type());
      r.histogram(c.column()).ifPresent(hist -> svg(h, c.column(), hist));
      h.append("</article>\n");
    }
    h.append(
            "</div>\n<footer>Generated by mlops4j. Missing values (null, NaN, ±Infinity) are "
                + "left out of the drift scores and shown in the data checks. JSON schema version ")
        .append(DriftReport.SCHEMA_VERSION)
        .append(".</footer>\n</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void item(StringBuilder h, String term, String value) {
    h.append("<dt>")
        .append(escape(term))
        .append("</dt><dd>")
        .append(escape(value))
        .append("</dd>\n");
  }

  private static String type(ColumnType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  private static String badge(ColumnDrift c) {
    return c.drifted()
        ? "<span class=\"badge drift\">drift</span>"
        : "<span class=\"badge ok\">no drift</span>";
  }

  /** e.g. {@code p ≤ 0.05} or {@code score ≥ 0.1}. */
  static String rule(ColumnDrift c) {
    String text = DriftMethod.ruleText(c.method(), c.pValue() != null);
    String t = Fmt.number(c.threshold());
    switch (text) {
      case "p <= threshold":
        return "p \u2264 " + t;
      case "p < threshold":
        return "p < " + t;
      case "score >= threshold":
        return "score \u2265 " + t;
      case "score > threshold":
        return "score > " + t;
      default:
        return text.replace("threshold", "threshold " + t);
    }
  }

  private static void checks(StringBuilder h, DataQuality q, ColumnType type) {
    h.append("<ul class=\"checks\">");
    boolean any = false;
    if (q.referenceMissingShare() > 0 || q.currentMissingShare() > 0) {
      boolean warn = Math.abs(q.missingShareChange()) >= 0.01 || q.currentMissingShare() == 1;
      h.append("<li")
          .append(warn ? " class=\"warn\"" : "")
          .append(">missing ")
          .append(Fmt.percent(q.referenceMissingShare()))
          .append(" \u2192 ")
          .append(Fmt.percent(q.currentMissingShare()))
          .append("</li>");
      any = true;
    }
    List<String> fresh = q.newCategories();
    if (!fresh.isEmpty()) {
      h.append("<li class=\"warn\">")
          .append(fresh.size())
          .append(" new ")
          .append(fresh.size() == 1 ? "category" : "categories")
          .append(": ");
      for (int i = 0; i < Math.min(NEW_CATEGORIES_SHOWN, fresh.size()); i++) {
        h.append(i == 0 ? "" : ", ")
            .append("<code>")
            .append(escape(fresh.get(i)))
            .append("</code>");
      }
      if (fresh.size() > NEW_CATEGORIES_SHOWN) {
        h.append(" and ").append(fresh.size() - NEW_CATEGORIES_SHOWN).append(" more");
      }
      h.append("</li>");
      any = true;
    }
    if (type == ColumnType.NUMERIC && q.outOfRangeShare() > 0) {
      h.append(q.outOfRangeShare() >= 0.01 ? "<li class=\"warn\">" : "<li>")
          .append(Fmt.percent(q.outOfRangeShare()))
          .append(" outside the reference range</li>");
      any = true;
    }
    if (q.referenceConstant() || q.currentConstant()) {
      String which =
          q.referenceConstant() && q.currentConstant()
              ? "reference and current are"
              : q.referenceConstant() ? "reference is" : "current is";
      h.append("<li class=\"warn\">").append(which).append(" constant</li>");
      any = true;
    }
    if (!any) {
      h.append("<li class=\"muted\">no issues</li>");
    }
    h.append("</ul>");
  }

  /** A grouped bar chart of reference against current shares. */
  static void svg(StringBuilder h, String column, ColumnHistogram hist) {
    final int width = 640;
    final int height = 250;
    final int left = 48;
    final int right = 12;
    final int top = 28;
    final int bottom = 86;
    int k = hist.bins().size();
    double[] ref = hist.referenceShares();
    double[] cur = hist.currentShares();
    double max = 0;
    for (int i = 0; i < k; i++) {
      max = Math.max(max, Math.max(ref[i], cur[i]));
    }
    double yMax = niceCeiling(max);
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(escape("Histogram of " + column + ": reference and current"))
        .append("\" ")
        .append("font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif\" ")
        .append("font-size=\"11\">\n");
    // legend
    h.append("<rect x=\"")
        .append(left)
        .append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"")
        .append(REFERENCE_COLOR)
        .append("\"/><text x=\"")
        .append(left + 17)
        .append("\" y=\"18\" fill=\"#1f2933\">reference</text>");
    h.append("<rect x=\"")
        .append(left + 90)
        .append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"")
        .append(CURRENT_COLOR)
        .append("\"/><text x=\"")
        .append(left + 107)
        .append("\" y=\"18\" fill=\"#1f2933\">current</text>\n");
    // grid and y labels
    for (int g = 0; g <= 5; g++) {
      double v = yMax * g / 5;
      double y = top + plotH - plotH * g / 5;
      h.append("<line x1=\"")
          .append(left)
          .append("\" x2=\"")
          .append(width - right)
          .append("\" y1=\"")
          .append(px(y))
          .append("\" y2=\"")
          .append(px(y))
          .append("\" stroke=\"")
          .append(g == 0 ? "#9aa5b1" : "#e4e7eb")
          .append("\"/>")
          .append("<text x=\"")
          .append(left - 6)
          .append("\" y=\"")
          .append(px(y + 4))
          .append("\" text-anchor=\"end\" fill=\"#52606d\">")
          .append(escape(percentLabel(v, yMax)))
          .append("</text>\n");
    }
    double group = plotW / k;
    double bar = Math.max(1, group * 0.4);
    boolean labelAll = k <= 30;
    for (int i = 0; i < k; i++) {
      double gx = left + group * i;
      String label = hist.bins().get(i);
      String title =
          label + ": reference " + Fmt.percent(ref[i]) + ", current " + Fmt.percent(cur[i]);
      barRect(h, gx + group * 0.1, bar, ref[i], yMax, top, plotH, REFERENCE_COLOR, title);
      barRect(h, gx + group * 0.1 + bar, bar, cur[i], yMax, top, plotH, CURRENT_COLOR, title);
      if (labelAll || i % ((k + 29) / 30) == 0) {
        double lx = gx + group / 2;
        double ly = top + plotH + 12;
        String shown = label.length() > 20 ? label.substring(0, 19) + "\u2026" : label;
        h.append("<text x=\"")
            .append(px(lx))
            .append("\" y=\"")
            .append(px(ly))
            .append("\" text-anchor=\"end\" transform=\"rotate(-40 ")
            .append(px(lx))
            .append(' ')
            .append(px(ly))
            .append(")\" fill=\"#3e4c59\"><title>")
            .append(escape(label))
            .append("</title>")
            .append(escape(shown))
            .append("</text>\n");
      }
    }
    h.append("</svg>\n");
  }

  private static void barRect(
      StringBuilder h,
      double x,
      double w,
      double share,
      double yMax,
      double top,
      double plotH,
      String color,
      String title) {
    double bh = yMax == 0 ? 0 : plotH * share / yMax;
    if (share > 0 && bh < 1) {
      bh = 1; // keep tiny shares visible
    }
    h.append("<rect x=\"")
        .append(px(x))
        .append("\" y=\"")
        .append(px(top + plotH - bh))
        .append("\" width=\"")
        .append(px(w))
        .append("\" height=\"")
        .append(px(bh))
        .append("\" fill=\"")
        .append(color)
        .append("\"><title>")
        .append(escape(title))
        .append("</title></rect>\n");
  }

  /** The smallest of 1, 2, 2.5, 5 × 10^k that is at least {@code v} (0.1 for v = 0). */
  static double niceCeiling(double v) {
    if (!(v > 0)) {
      return 0.1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double f : new double[] {1, 2, 2.5, 5, 10}) {
      if (f * p >= v * (1 - 1e-12)) {
        return Math.max(v, Math.min(1.0, f * p));
      }
    }
    return v;
  }

  /** Grid labels: the step yMax / 5 is 1, 2, 4 or 5 × 10^k, so it sets the decimals needed. */
  private static String percentLabel(double v, double yMax) {
    double stepPct = yMax / 5 * 100;
    int digits = (int) Math.max(0, Math.ceil(-Math.log10(stepPct) - 1e-9));
    return String.format(Locale.ROOT, "%." + digits + "f%%", v * 100);
  }

  private static String px(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Escapes text for HTML element content and attribute values. */
  static String escape(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&':
          b.append("&amp;");
          break;
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '"':
          b.append("&quot;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        default:
          if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') {
            b.append(' '); // control characters are not allowed in HTML text
          } else {
            b.append(ch);
          }
      }
    }
    return b.toString();
  }
}
