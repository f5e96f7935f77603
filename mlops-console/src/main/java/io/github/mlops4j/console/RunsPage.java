package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.tracking.Experiment;
import io.github.mlops4j.tracking.ExperimentNotFoundException;
import io.github.mlops4j.tracking.InvalidFilterException;
import io.github.mlops4j.tracking.MetricPoint;
import io.github.mlops4j.tracking.RunInfo;
import io.github.mlops4j.tracking.RunPage;
import io.github.mlops4j.tracking.RunQuery;
import io.github.mlops4j.tracking.ViewType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Experiments and runs: a search box in the filter language (a malformed filter is shown with its
 * error position), order by a column, paging, status and duration per run.
 */
final class RunsPage implements View {
  /** Metric and param columns shown at most (the run page shows all). */
  static final int MAX_KEY_COLUMNS = 8;

  private final Sources sources;
  private final List<Experiment> experiments;
  private final Map<String, String> experimentNames;
  private final String experiment;
  private final String filter;
  private final String order;
  private final String view;
  private final int size;
  private final @Nullable String pageToken;
  private final @Nullable RunPage page;
  private final @Nullable InvalidFilterException filterError;
  private final @Nullable String otherError;

  private RunsPage(Sources sources, Params p) {
    this.sources = sources;
    this.experiments = sources.tracker().experiments();
    this.experimentNames = new HashMap<>();
    experiments.forEach(e -> experimentNames.put(e.id(), e.name()));
    this.experiment = p.get("experiment", "");
    this.filter = p.get("filter", "");
    this.order = p.get("order", "");
    this.view = p.get("view", "active");
    this.size = p.intValue("size", sources.pageSize(), 1, 1000);
    this.pageToken = p.get("page");
    RunQuery.Builder q = RunQuery.builder().filter(filter).maxResults(size);
    if (!experiment.isEmpty()) {
      q.experiments(experiment);
    }
    if (!order.isEmpty()) {
      q.orderBy(order);
    }
    q.viewType(
        switch (view) {
          case "deleted" -> ViewType.DELETED_ONLY;
          case "all" -> ViewType.ALL;
          case "active" -> ViewType.ACTIVE_ONLY;
          default -> throw new Params.BadRequest("view must be active, deleted or all");
        });
    if (pageToken != null && !pageToken.isEmpty()) {
      q.pageToken(pageToken);
    }
    RunPage found = null;
    InvalidFilterException bad = null;
    String other = null;
    try {
      found = sources.tracker().searchRuns(q.build());
    } catch (InvalidFilterException e) {
      bad = e;
    } catch (ExperimentNotFoundException e) {
      other = e.getMessage();
    }
    this.page = found;
    this.filterError = bad;
    this.otherError = other;
  }

  static RunsPage load(Sources sources, Params p) {
    return new RunsPage(sources, p);
  }

  @Override
  public String title() {
    return experiment.isEmpty() ? "Runs" : "Runs of " + experiment;
  }

  @Override
  public String section() {
    return "runs";
  }

  private List<RunInfo> runs() {
    return page == null ? List.of() : page.runs();
  }

  private List<String> metricKeys() {
    TreeSet<String> keys = new TreeSet<>();
    runs().forEach(r -> keys.addAll(r.metrics().keySet()));
    return keys.stream().limit(MAX_KEY_COLUMNS).toList();
  }

  private List<String> paramKeys() {
    TreeSet<String> keys = new TreeSet<>();
    runs().forEach(r -> keys.addAll(r.params().keySet()));
    return keys.stream().limit(MAX_KEY_COLUMNS).toList();
  }

  @Override
  public String body() {
    StringBuilder h = new StringBuilder(16_384);
    form(h);
    if (filterError != null) {
      filterError(h, filterError);
    }
    if (otherError != null) {
      h.append(Html.message(Params.cut(otherError)));
    }
    if (page == null) {
      return h.toString();
    }
    List<RunInfo> runs = runs();
    h.append("<p class=\"count\" id=\"result-count\">")
        .append(runs.size())
        .append(runs.size() == 1 ? " run" : " runs")
        .append(pageToken == null || pageToken.isEmpty() ? "" : " (a later page)")
        .append(page.nextPageToken() == null ? "" : "; more on the next page")
        .append("</p>\n");
    if (runs.isEmpty()) {
      h.append("<p>No run matches.</p>\n");
      return h.toString();
    }
    List<String> metrics = metricKeys();
    List<String> params = paramKeys();
    h.append("<form method=\"get\" action=\"compare\" class=\"compare-form\">\n")
        .append("<div class=\"table-wrap\"><table class=\"runs\" id=\"runs\">\n")
        .append("<caption>Runs; choose 2 to 10 to compare.</caption>\n<thead><tr>")
        .append("<th scope=\"col\">Compare</th>");
    header(h, "Run", "attributes.run_name");
    header(h, "Experiment", null);
    header(h, "Status", "attributes.status");
    header(h, "Started (UTC)", "attributes.start_time");
    header(h, "Duration", null);
    header(h, "User", "attributes.user_id");
    for (String m : metrics) {
      header(h, m, quoted("metrics", m));
    }
    for (String k : params) {
      header(h, k + " (param)", quoted("params", k));
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (RunInfo r : runs) {
      String name = r.runName();
      h.append("<tr><td><input type=\"checkbox\" name=\"run\" value=\"")
          .append(Html.esc(r.runId()))
          .append("\" aria-label=\"Compare ")
          .append(Html.esc(name))
          .append("\"></td><th scope=\"row\"><a class=\"run-link\" href=\"run?id=")
          .append(Html.q(r.runId()))
          .append("\">")
          .append(Html.cut(name, 80))
          .append("</a></th><td>")
          .append(Html.esc(experimentNames.getOrDefault(r.experimentId(), r.experimentId())))
          .append("</td><td><span class=\"status ")
          .append(r.status().name().toLowerCase(Locale.ROOT))
          .append("\">")
          .append(r.status().name())
          .append("</span></td><td>")
          .append(Html.timeTag(r.startTime()))
          .append("</td><td class=\"num\">")
          .append(r.endTime().isPresent() ? Html.duration(Json.duration(r)) : "running")
          .append("</td><td>")
          .append(Html.cut(r.userId(), 40))
          .append("</td>");
      for (String m : metrics) {
        MetricPoint pt = r.metrics().get(m);
        h.append("<td class=\"num\">")
            .append(pt == null ? "" : Html.num(pt.value()))
            .append("</td>");
      }
      for (String k : params) {
        String v = r.params().get(k);
        h.append("<td>").append(v == null ? "" : Html.cut(v, 40)).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table></div>\n")
        .append("<p><button type=\"submit\">Compare selected runs</button></p>\n</form>\n");
    pager(h);
    return h.toString();
  }

  private void form(StringBuilder h) {
    h.append("<form method=\"get\" action=\"runs\" role=\"search\" class=\"search\">\n")
        .append("<p><label for=\"filter\">Filter</label> <input type=\"search\" id=\"filter\"")
        .append(" name=\"filter\" size=\"60\" spellcheck=\"false\" autocomplete=\"off\"")
        .append(" placeholder=\"metrics.accuracy &gt; 0.9 AND params.model = 'tree'\" value=\"")
        .append(Html.esc(filter))
        .append('"');
    if (filterError != null) {
      h.append(" aria-invalid=\"true\" aria-describedby=\"filter-error\"");
    }
    h.append(">\n<label for=\"experiment\">Experiment</label> <select id=\"experiment\"")
        .append(" name=\"experiment\"><option value=\"\">All experiments</option>");
    for (Experiment e : experiments) {
      h.append("<option value=\"").append(Html.esc(e.name())).append('"');
      if (e.name().equals(experiment)) {
        h.append(" selected");
      }
      h.append('>').append(Html.cut(e.name(), 60)).append("</option>");
    }
    h.append("</select>\n<label for=\"view\">Show</label> <select id=\"view\" name=\"view\">");
    for (String v : new String[] {"active", "deleted", "all"}) {
      h.append("<option value=\"").append(v).append('"');
      if (v.equals(view)) {
        h.append(" selected");
      }
      h.append('>').append(v).append("</option>");
    }
    h.append("</select>\n");
    if (!order.isEmpty()) {
      h.append("<input type=\"hidden\" name=\"order\" value=\"")
          .append(Html.esc(order))
          .append("\">");
    }
    h.append("<button type=\"submit\" id=\"search\">Search</button></p>\n")
        .append("<p class=\"hint\">The filter language: <code>metrics.auc &gt; 0.8</code>, ")
        .append("<code>params.model = 'tree'</code>, <code>tags.team LIKE 'risk%'</code>, ")
        .append("<code>attributes.status = 'FAILED'</code>, <code>datasets.digest = '…'</code>,")
        .append(" joined with AND, OR, NOT and parentheses.</p>\n</form>\n");
  }

  private static void filterError(StringBuilder h, InvalidFilterException e) {
    String message = String.valueOf(e.getMessage());
    int nl = message.indexOf('\n');
    String first = nl < 0 ? message : message.substring(0, nl);
    String excerpt = nl < 0 ? "" : message.substring(nl + 1);
    h.append("<div class=\"error\" id=\"filter-error\" role=\"alert\">\n<p>")
        .append(
            Html.esc(
                Params.cut(first.endsWith(":") ? first.substring(0, first.length() - 1) : first)))
        .append("</p>\n<p>Position <strong id=\"filter-error-position\">")
        .append(e.position())
        .append("</strong> (counting from 0):</p>\n<pre>")
        .append(Html.esc(excerpt))
        .append("</pre>\n</div>\n");
  }

  private void header(StringBuilder h, String label, @Nullable String field) {
    h.append("<th scope=\"col\"");
    if (field == null) {
      h.append('>').append(Html.cut(label, 40)).append("</th>");
      return;
    }
    String asc = field + " ASC";
    String desc = field + " DESC";
    boolean isAsc = order.equalsIgnoreCase(asc);
    boolean isDesc = order.equalsIgnoreCase(desc);
    if (isAsc || isDesc) {
      h.append(" aria-sort=\"").append(isAsc ? "ascending" : "descending").append('"');
    }
    h.append("><a href=\"")
        .append(Html.esc(link(isDesc ? asc : desc, null)))
        .append("\">")
        .append(Html.cut(label, 40))
        .append(isAsc ? " ▲" : isDesc ? " ▼" : "")
        .append("</a></th>");
  }

  /** An order-by field for a key, quoted with backquotes (a backquote in it doubled). */
  static String quoted(String kind, String key) {
    return kind + ".`" + key.replace("`", "``") + "`";
  }

  private String link(String orderBy, @Nullable String token) {
    StringBuilder b = new StringBuilder("runs?");
    if (!filter.isEmpty()) {
      b.append("filter=").append(Html.q(filter)).append('&');
    }
    if (!experiment.isEmpty()) {
      b.append("experiment=").append(Html.q(experiment)).append('&');
    }
    if (!view.equals("active")) {
      b.append("view=").append(Html.q(view)).append('&');
    }
    if (size != sources.pageSize()) {
      b.append("size=").append(size).append('&');
    }
    if (!orderBy.isEmpty()) {
      b.append("order=").append(Html.q(orderBy)).append('&');
    }
    if (token != null) {
      b.append("page=").append(Html.q(token)).append('&');
    }
    return b.substring(0, b.length() - 1);
  }

  private void pager(StringBuilder h) {
    if (page == null) {
      return;
    }
    boolean later = pageToken != null && !pageToken.isEmpty();
    if (!later && page.nextPageToken() == null) {
      return;
    }
    h.append("<nav aria-label=\"Pages\" class=\"pager\"><ul>");
    if (later) {
      h.append("<li><a href=\"")
          .append(Html.esc(link(order, null)))
          .append("\">First page</a></li>");
    }
    if (page.nextPageToken() != null) {
      h.append("<li><a rel=\"next\" href=\"")
          .append(Html.esc(link(order, page.nextPageToken())))
          .append("\">Next page</a></li>");
    }
    h.append("</ul></nav>\n");
  }

  @Override
  public int jsonStatus() {
    return filterError != null || otherError != null ? 400 : 200;
  }

  @Override
  public ObjectNode json() {
    ObjectNode n = sources.json().createObjectNode();
    n.put("experiment", experiment);
    n.put("filter", filter);
    n.put("order", order);
    ArrayNode ex = n.putArray("experiments");
    for (Experiment e : experiments) {
      ObjectNode o = ex.addObject();
      o.put("id", e.id());
      o.put("name", e.name());
      Json.put(o, "creationTime", e.creationTime());
    }
    if (filterError != null) {
      ObjectNode err = n.putObject("error");
      err.put("message", filterError.getMessage());
      err.put("position", filterError.position());
    } else if (otherError != null) {
      n.putObject("error").put("message", otherError);
    }
    ArrayNode a = n.putArray("runs");
    List<RunInfo> runs = new ArrayList<>(runs());
    for (RunInfo r : runs) {
      Json.run(a.addObject(), r, experimentNames.getOrDefault(r.experimentId(), r.experimentId()));
    }
    if (page != null && page.nextPageToken() != null) {
      n.put("nextPageToken", page.nextPageToken());
    } else {
      n.putNull("nextPageToken");
    }
    return n;
  }
}
