package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.monitoring.DriftRecorder;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.ViewType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Drift: the windows a {@link DriftRecorder} kept for a model, the trend of their scores, and each
 * window's HTML report.
 */
final class DriftPage implements View {
  /** Windows read per model, the latest. */
  static final int MAX_WINDOWS = 500;

  /** Runs read to find the monitored models. */
  static final int MODEL_SCAN = 1000;

  /** Column score series on the trend chart at most. */
  static final int MAX_COLUMNS = 8;

  private final Sources sources;
  private final List<String> models;
  private final @Nullable String model;
  private final List<RunInfo> windows;

  private DriftPage(Sources sources, Params p) {
    this.sources = sources;
    boolean recorded = sources.tracker().findExperiment(DriftRecorder.EXPERIMENT).isPresent();
    TreeSet<String> names = new TreeSet<>();
    if (recorded) {
      for (RunInfo r :
          sources
              .tracker()
              .searchRuns(
                  RunQuery.builder()
                      .experiments(DriftRecorder.EXPERIMENT)
                      .orderBy("attributes.start_time DESC")
                      .maxResults(MODEL_SCAN)
                      .build())
              .runs()) {
        String m = r.tags().get(DriftRecorder.MODEL_TAG);
        if (m != null) {
          names.add(m);
        }
      }
    }
    this.models = List.copyOf(names);
    String asked = p.get("model");
    this.model =
        asked != null && !asked.isEmpty() ? asked : models.isEmpty() ? null : models.get(0);
    List<RunInfo> w = new ArrayList<>();
    if (model != null && recorded) {
      w.addAll(
          sources
              .tracker()
              .searchRuns(
                  RunQuery.builder()
                      .experiments(DriftRecorder.EXPERIMENT)
                      .filter(
                          "tags.`"
                              + DriftRecorder.MODEL_TAG
                              + "` = '"
                              + model.replace("'", "''")
                              + "'")
                      .orderBy("attributes.start_time DESC")
                      .maxResults(MAX_WINDOWS)
                      .viewType(ViewType.ACTIVE_ONLY)
                      .build())
              .runs());
    }
    w.sort(Comparator.comparingLong(DriftPage::index));
    this.windows = w;
  }

  static DriftPage load(Sources sources, Params p) {
    return new DriftPage(sources, p);
  }

  static long index(RunInfo r) {
    try {
      return Long.parseLong(r.tags().getOrDefault(DriftRecorder.WINDOW_TAG, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static double metric(RunInfo r, String key) {
    MetricPoint p = r.metrics().get(key);
    return p == null ? Double.NaN : p.value();
  }

  @Override
  public String title() {
    return model == null ? "Drift" : "Drift of " + model;
  }

  @Override
  public String section() {
    return "drift";
  }

  private List<String> columns() {
    TreeSet<String> keys = new TreeSet<>();
    for (RunInfo r : windows) {
      for (String k : r.metrics().keySet()) {
        if (k.startsWith("score/")) {
          keys.add(k);
        }
      }
    }
    return keys.stream().limit(MAX_COLUMNS).toList();
  }

  @Override
  public String body() {
    StringBuilder h = new StringBuilder(16_384);
    if (models.isEmpty()) {
      return "<p>No drift report is recorded in this workspace. A monitor records its windows"
          + " with <code>monitor.addListener(DriftRecorder.of(tracker, \"model\"))</code>.</p>\n";
    }
    h.append("<nav aria-label=\"Monitored models\"><ul class=\"models\">");
    for (String m : models) {
      h.append("<li><a href=\"drift?model=").append(Html.esc(Html.q(m))).append('"');
      if (m.equals(model)) {
        h.append(" aria-current=\"page\"");
      }
      h.append('>').append(Html.cut(m, 60)).append("</a></li>");
    }
    h.append("</ul></nav>\n");
    if (windows.isEmpty()) {
      return h.append("<p>No window recorded for this model.</p>\n").toString();
    }
    int n = windows.size();
    double[] x = new double[n];
    double[] share = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = index(windows.get(i));
      share[i] = metric(windows.get(i), "drift.share");
    }
    h.append("<h2 id=\"trend\">Trend</h2>\n<div class=\"charts\">\n");
    Svg.lineChart(
        h,
        "chart-share",
        "Share of drifted columns",
        "window",
        false,
        List.of(Svg.Series.of("drifted share", x, share)));
    List<Svg.Series> cols = new ArrayList<>();
    for (String c : columns()) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = metric(windows.get(i), c);
      }
      cols.add(Svg.Series.of(c.substring("score/".length()), x, y));
    }
    if (!cols.isEmpty()) {
      Svg.lineChart(
          h,
          "chart-scores",
          "Drift score per column (p-value or distance, see each report)",
          "window",
          false,
          cols);
    }
    h.append("</div>\n<h2 id=\"windows\">Windows</h2>\n<div class=\"table-wrap\"><table>")
        .append("<thead><tr><th scope=\"col\">Window</th><th scope=\"col\">Start (UTC)</th>")
        .append("<th scope=\"col\">End (UTC)</th><th scope=\"col\">Rows</th>")
        .append("<th scope=\"col\">Drifted columns</th><th scope=\"col\">Dataset drift</th>")
        .append("<th scope=\"col\">Report</th></tr></thead><tbody>\n");
    for (int i = n - 1; i >= 0; i--) {
      RunInfo r = windows.get(i);
      boolean drift = metric(r, "drift.dataset") == 1;
      Map<String, String> p = r.params();
      h.append("<tr><th scope=\"row\"><a href=\"run?id=")
          .append(Html.esc(Html.q(r.runId())))
          .append("\">")
          .append(index(r))
          .append("</a></th><td>")
          .append(Html.esc(p.getOrDefault("window_start", "")))
          .append("</td><td>")
          .append(Html.esc(p.getOrDefault("window_end", "")))
          .append("</td><td class=\"num\">")
          .append(Html.esc(p.getOrDefault("rows", "")))
          .append("</td><td class=\"num\">")
          .append(Html.num(metric(r, "drift.drifted_columns")))
          .append("</td><td>")
          .append(drift ? "<span class=\"badge drift\">⚠ drift</span>" : "no")
          .append("</td><td><a href=\"drift-report?run=")
          .append(Html.esc(Html.q(r.runId())))
          .append("\">HTML report</a></td></tr>\n");
    }
    return h.append("</tbody></table></div>\n").toString();
  }

  @Override
  public ObjectNode json() {
    ObjectNode n = sources.json().createObjectNode();
    ArrayNode ms = n.putArray("models");
    models.forEach(ms::add);
    if (model != null) {
      n.put("model", model);
    }
    ArrayNode a = n.putArray("windows");
    for (RunInfo r : windows) {
      ObjectNode o = a.addObject();
      o.put("index", index(r));
      o.put("runId", r.runId());
      Json.strings(o, "params", r.params());
      ObjectNode sc = o.putObject("metrics");
      r.metrics().forEach((k, v) -> Json.put(sc, k, v.value()));
    }
    return n;
  }
}
