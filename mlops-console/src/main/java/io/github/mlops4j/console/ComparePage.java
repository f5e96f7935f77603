package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.tracking.MetricAxis;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Two to ten runs side by side: params with differences marked, metrics overlaid on one chart. */
final class ComparePage implements View {
  static final int MIN_RUNS = 2;
  static final int MAX_RUNS = 10;

  /** Metrics charted at most (one chart each, every run on it). */
  static final int MAX_CHARTS = 8;

  private final Sources sources;
  private final List<RunInfo> runs;
  private final MetricAxis axis;
  private final List<String> metricKeys;
  private final List<List<Svg.Series>> charts;

  private ComparePage(Sources sources, Params p) {
    this.sources = sources;
    Set<String> ids = new LinkedHashSet<>(p.all("run"));
    if (ids.size() < MIN_RUNS || ids.size() > MAX_RUNS) {
      throw new Params.BadRequest(
          "Choose "
              + MIN_RUNS
              + " to "
              + MAX_RUNS
              + " different runs to compare; got "
              + ids.size());
    }
    List<RunInfo> found = new ArrayList<>();
    for (String id : ids) {
      found.add(Artifacts.run(sources, id));
    }
    this.runs = List.copyOf(found);
    this.axis = Charts.axis(p);
    TreeSet<String> keys = new TreeSet<>();
    runs.forEach(r -> keys.addAll(r.metrics().keySet()));
    this.metricKeys = List.copyOf(keys);
    List<List<Svg.Series>> c = new ArrayList<>();
    for (String key : keys) {
      if (c.size() == MAX_CHARTS) {
        break;
      }
      List<Svg.Series> series = new ArrayList<>();
      for (RunInfo r : runs) {
        if (r.metrics().containsKey(key)) {
          series.add(Charts.series(sources.tracker(), r.runId(), key, axis, label(r)));
        }
      }
      c.add(series);
    }
    this.charts = c;
  }

  static ComparePage load(Sources sources, Params p) {
    return new ComparePage(sources, p);
  }

  private static String label(RunInfo r) {
    return r.runName() + " (" + r.runId().substring(0, Math.min(8, r.runId().length())) + ")";
  }

  @Override
  public String title() {
    return "Compare " + runs.size() + " runs";
  }

  @Override
  public String section() {
    return "runs";
  }

  @Override
  public String body() {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<div class=\"table-wrap\"><table class=\"compare\" id=\"params\">")
        .append("<caption>Params; rows marked ≠ differ between runs</caption><thead><tr>")
        .append("<th scope=\"col\">Param</th>");
    for (RunInfo r : runs) {
      h.append("<th scope=\"col\"><a href=\"run?id=")
          .append(Html.esc(Html.q(r.runId())))
          .append("\">")
          .append(Html.cut(label(r), 60))
          .append("</a></th>");
    }
    h.append("</tr></thead><tbody>\n");
    TreeSet<String> params = new TreeSet<>();
    runs.forEach(r -> params.addAll(r.params().keySet()));
    for (String k : params) {
      boolean differs = runs.stream().map(r -> r.params().get(k)).distinct().count() > 1;
      h.append(differs ? "<tr class=\"differs\">" : "<tr>")
          .append("<th scope=\"row\">")
          .append(differs ? "<span class=\"diff-mark\" title=\"differs\">≠</span> " : "")
          .append(Html.cut(k, 80))
          .append("</th>");
      for (RunInfo r : runs) {
        String v = r.params().get(k);
        h.append("<td>")
            .append(v == null ? "<span class=\"muted\">(none)</span>" : Html.cut(v, 200))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    if (params.isEmpty()) {
      h.append("<tr><td colspan=\"").append(runs.size() + 1).append("\">No params.</td></tr>");
    }
    h.append("</tbody></table></div>\n");

    h.append("<div class=\"table-wrap\"><table class=\"compare\" id=\"metrics\">")
        .append("<caption>Latest metric values</caption><thead><tr><th scope=\"col\">Metric</th>");
    for (RunInfo r : runs) {
      h.append("<th scope=\"col\">").append(Html.cut(label(r), 60)).append("</th>");
    }
    h.append("</tr></thead><tbody>\n");
    for (String k : metricKeys) {
      h.append("<tr><th scope=\"row\">").append(Html.cut(k, 80)).append("</th>");
      for (RunInfo r : runs) {
        MetricPoint pt = r.metrics().get(k);
        h.append("<td class=\"num\">")
            .append(pt == null ? "" : Html.num(pt.value()))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table></div>\n");

    h.append("<h2 id=\"charts\">Charts</h2>\n<p class=\"axis-switch\">x axis: ");
    String base =
        "compare?"
            + String.join(
                "&amp;", runs.stream().map(r -> "run=" + Html.esc(Html.q(r.runId()))).toList());
    h.append(
            axis == MetricAxis.STEP
                ? "<strong aria-current=\"true\">step</strong>"
                : "<a href=\"" + base + "&amp;axis=step#charts\">step</a>")
        .append(" · ")
        .append(
            axis == MetricAxis.TIME
                ? "<strong aria-current=\"true\">time</strong>"
                : "<a href=\"" + base + "&amp;axis=time#charts\">time</a>")
        .append("</p>\n<div class=\"charts\">\n");
    for (int i = 0; i < charts.size(); i++) {
      Svg.lineChart(
          h,
          Charts.id(i),
          metricKeys.get(i),
          axis == MetricAxis.STEP ? "step" : "time (UTC)",
          axis == MetricAxis.TIME,
          charts.get(i));
    }
    h.append("</div>\n");
    return h.toString();
  }

  @Override
  public ObjectNode json() {
    ObjectNode n = sources.json().createObjectNode();
    n.put("axis", axis.name().toLowerCase(Locale.ROOT));
    ArrayNode a = n.putArray("runs");
    for (RunInfo r : runs) {
      Json.run(a.addObject(), r, r.experimentId());
    }
    ArrayNode d = n.putArray("differingParams");
    TreeSet<String> params = new TreeSet<>();
    runs.forEach(r -> params.addAll(r.params().keySet()));
    for (String k : params) {
      if (runs.stream().map(r -> r.params().get(k)).filter(Objects::nonNull).distinct().count() > 1
          || runs.stream().anyMatch(r -> !r.params().containsKey(k))) {
        d.add(k);
      }
    }
    ObjectNode c = n.putObject("series");
    for (int i = 0; i < charts.size(); i++) {
      ObjectNode byRun = c.putObject(metricKeys.get(i));
      for (Svg.Series s : charts.get(i)) {
        RunPage.seriesJson(byRun.putArray(s.label()), s);
      }
    }
    return n;
  }
}
