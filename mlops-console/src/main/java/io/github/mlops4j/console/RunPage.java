package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.tracking.ArtifactInfo;
import io.github.mlops4j.tracking.Experiment;
import io.github.mlops4j.tracking.MetricAxis;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run: attributes, params, tags, latest metrics, a chart per metric (step or time on the x
 * axis, downsampled), dataset inputs with digests, lineage (parent, children, other runs of the
 * same data) and artifacts to download.
 */
final class RunPage implements View {
  /** Metrics charted at most; the table lists all. */
  static final int MAX_CHARTS = 12;

  private final Sources sources;
  private final RunInfo run;
  private final String experiment;
  private final MetricAxis axis;
  private final List<String> children;
  private final List<Svg.Series> charts;

  private RunPage(Sources sources, Params p) {
    this.sources = sources;
    this.run = Artifacts.run(sources, p.require("id"));
    this.axis = Charts.axis(p);
    this.experiment =
        sources.tracker().experiments().stream()
            .filter(e -> e.id().equals(run.experimentId()))
            .map(Experiment::name)
            .findFirst()
            .orElse(run.experimentId());
    this.children = sources.tracker().childRuns(run.runId());
    List<Svg.Series> c = new ArrayList<>();
    for (String key : new TreeMap<>(run.metrics()).keySet()) {
      if (c.size() == MAX_CHARTS) {
        break;
      }
      c.add(Charts.series(sources.tracker(), run.runId(), key, axis, key));
    }
    this.charts = c;
  }

  static RunPage load(Sources sources, Params p) {
    return new RunPage(sources, p);
  }

  @Override
  public String title() {
    return "Run " + run.runName();
  }

  @Override
  public String section() {
    return "runs";
  }

  @Override
  public String body() {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<dl class=\"summary\">\n");
    item(h, "Run id", "<code>" + Html.esc(run.runId()) + "</code>");
    item(
        h,
        "Experiment",
        "<a href=\"runs?experiment="
            + Html.esc(Html.q(experiment))
            + "\">"
            + Html.esc(experiment)
            + "</a>");
    item(
        h,
        "Status",
        "<span class=\"status "
            + run.status().name().toLowerCase(Locale.ROOT)
            + "\">"
            + run.status().name()
            + "</span>"
            + (run.deleted() ? " (deleted)" : ""));
    item(h, "User", Html.esc(run.userId()));
    item(h, "Started (UTC)", Html.timeTag(run.startTime()));
    item(h, "Ended (UTC)", run.endTime().map(Html::timeTag).orElse("running"));
    item(h, "Duration", run.endTime().isPresent() ? Html.duration(Json.duration(run)) : "running");
    h.append("</dl>\n");

    h.append("<h2 id=\"metrics\">Metrics</h2>\n");
    if (run.metrics().isEmpty()) {
      h.append("<p>No metric logged.</p>\n");
    } else {
      h.append("<table><caption>Latest value of each metric</caption><thead><tr>")
          .append("<th scope=\"col\">Metric</th><th scope=\"col\">Value</th>")
          .append(
              "<th scope=\"col\">Step</th><th scope=\"col\">Time (UTC)</th></tr></thead><tbody>\n");
      for (Map.Entry<String, MetricPoint> e : new TreeMap<>(run.metrics()).entrySet()) {
        MetricPoint pt = e.getValue();
        h.append("<tr><th scope=\"row\">")
            .append(Html.cut(e.getKey(), 80))
            .append("</th><td class=\"num\">")
            .append(Html.num(pt.value()))
            .append("</td><td class=\"num\">")
            .append(pt.step())
            .append("</td><td>")
            .append(Html.timeTag(pt.timestamp()))
            .append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
      h.append("<h2 id=\"charts\">Charts</h2>\n<p class=\"axis-switch\">x axis: ");
      axisLink(h, MetricAxis.STEP, "step");
      h.append(" · ");
      axisLink(h, MetricAxis.TIME, "time");
      h.append(". Long series are downsampled to ")
          .append(Charts.BUCKETS)
          .append(" buckets: the line joins each bucket's last point, the light bar spans its")
          .append(" minimum and maximum.</p>\n<div class=\"charts\">\n");
      int i = 0;
      for (Svg.Series s : charts) {
        Svg.lineChart(
            h,
            Charts.id(i++),
            s.label(),
            axis == MetricAxis.STEP ? "step" : "time (UTC)",
            axis == MetricAxis.TIME,
            List.of(s));
      }
      h.append("</div>\n");
      if (run.metrics().size() > charts.size()) {
        h.append("<p>")
            .append(run.metrics().size() - charts.size())
            .append(" more metrics are listed above without a chart.</p>\n");
      }
    }
    table(h, "params", "Params", "Param", run.params());
    table(h, "tags", "Tags", "Tag", run.tags());

    h.append("<h2 id=\"inputs\">Dataset inputs</h2>\n");
    if (run.inputs().isEmpty()) {
      h.append("<p>No dataset input logged.</p>\n");
    } else {
      h.append("<table><thead><tr><th scope=\"col\">Dataset</th><th scope=\"col\">Role</th>")
          .append("<th scope=\"col\">SHA-256</th><th scope=\"col\">Size</th>")
          .append(
              "<th scope=\"col\">Rows</th><th scope=\"col\">Lineage</th></tr></thead><tbody>\n");
      for (RunInput in : run.inputs()) {
        h.append("<tr><th scope=\"row\">")
            .append(Html.cut(in.dataset().name(), 80))
            .append("</th><td>")
            .append(Html.esc(in.context()))
            .append("</td><td>")
            .append(Html.digest(in.dataset().digest()))
            .append("</td><td class=\"num\">")
            .append(Html.bytes(in.dataset().sizeBytes()))
            .append("</td><td class=\"num\">")
            .append(in.dataset().rowCount() == null ? "" : in.dataset().rowCount())
            .append("</td><td><a href=\"runs?view=all&amp;filter=")
            .append(Html.esc(Html.q("datasets.digest = '" + in.dataset().digest() + "'")))
            .append("\">Runs using this data</a></td></tr>\n");
      }
      h.append("</tbody></table>\n");
    }

    h.append("<h2 id=\"lineage\">Lineage</h2>\n<ul class=\"lineage\">");
    if (run.parentRunId().isPresent()) {
      String parent = run.parentRunId().get();
      h.append("<li>Parent run: <a href=\"run?id=")
          .append(Html.esc(Html.q(parent)))
          .append("\"><code>")
          .append(Html.esc(parent))
          .append("</code></a></li>");
    }
    if (children.isEmpty()) {
      h.append("<li>No child runs.</li>");
    } else {
      h.append("<li>Child runs: ");
      for (int i = 0; i < children.size() && i < 100; i++) {
        h.append(i == 0 ? "" : ", ")
            .append("<a href=\"run?id=")
            .append(Html.esc(Html.q(children.get(i))))
            .append("\"><code>")
            .append(Html.esc(children.get(i)))
            .append("</code></a>");
      }
      if (children.size() > 100) {
        h.append(" and ").append(children.size() - 100).append(" more");
      }
      h.append("</li>");
    }
    h.append("</ul>\n");

    h.append("<h2 id=\"artifacts\">Artifacts</h2>\n");
    if (run.artifacts().isEmpty()) {
      h.append("<p>No artifact logged.</p>\n");
    } else {
      h.append("<table><thead><tr><th scope=\"col\">Path</th><th scope=\"col\">Size</th>")
          .append("<th scope=\"col\">SHA-256</th></tr></thead><tbody>\n");
      for (ArtifactInfo a : run.artifacts()) {
        h.append("<tr><th scope=\"row\"><a download href=\"artifact?run=")
            .append(Html.esc(Html.q(run.runId())))
            .append("&amp;path=")
            .append(Html.esc(Html.q(a.path())))
            .append("\">")
            .append(Html.cut(a.path(), 100))
            .append("</a></th><td class=\"num\">")
            .append(Html.bytes(a.sizeBytes()))
            .append("</td><td>")
            .append(Html.digest(a.digest()))
            .append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    return h.toString();
  }

  private void axisLink(StringBuilder h, MetricAxis a, String label) {
    if (a == axis) {
      h.append("<strong aria-current=\"true\">").append(label).append("</strong>");
    } else {
      h.append("<a href=\"run?id=")
          .append(Html.esc(Html.q(run.runId())))
          .append("&amp;axis=")
          .append(label)
          .append("#charts\">")
          .append(label)
          .append("</a>");
    }
  }

  static void item(StringBuilder h, String term, String html) {
    h.append("<div><dt>").append(term).append("</dt><dd>").append(html).append("</dd></div>\n");
  }

  private static void table(
      StringBuilder h, String id, String title, String kind, Map<String, String> values) {
    h.append("<h2 id=\"").append(id).append("\">").append(title).append("</h2>\n");
    if (values.isEmpty()) {
      h.append("<p>None.</p>\n");
      return;
    }
    h.append("<table><thead><tr><th scope=\"col\">")
        .append(kind)
        .append("</th><th scope=\"col\">Value</th></tr></thead><tbody>\n");
    for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
      h.append("<tr><th scope=\"row\">")
          .append(Html.cut(e.getKey(), 100))
          .append("</th><td>")
          .append(Html.cut(e.getValue(), 500))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  @Override
  public ObjectNode json() {
    ObjectNode n = Json.run(sources.json().createObjectNode(), run, experiment);
    Json.inputs(n.putArray("inputs"), run.inputs());
    Json.artifacts(n.putArray("artifacts"), run.artifacts());
    ArrayNode c = n.putArray("children");
    children.forEach(c::add);
    n.put("axis", axis.name().toLowerCase(Locale.ROOT));
    ObjectNode series = n.putObject("series");
    for (Svg.Series s : charts) {
      seriesJson(series.putArray(s.label()), s);
    }
    return n;
  }

  static void seriesJson(ArrayNode a, Svg.Series s) {
    for (int i = 0; i < s.x().length; i++) {
      ObjectNode o = a.addObject();
      o.put("x", (long) s.x()[i]);
      Json.put(o, "last", s.y()[i]);
      Json.put(o, "min", s.min()[i]);
      Json.put(o, "max", s.max()[i]);
    }
  }
}
