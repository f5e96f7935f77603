package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.registry.AuditAction;
import io.github.mlops4j.registry.AuditEntry;
import io.github.mlops4j.registry.EvaluationRecord;
import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.registry.RegisteredModel;
import io.github.mlops4j.tracking.RunInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The registry: every model; one model's versions, aliases, signatures, evaluations with the
 * validation gate's verdict, and its audit trail with actor and comment.
 */
final class ModelsPage {
  /** Versions whose evaluations are read, newest first; older versions list without them. */
  static final int MAX_EVALUATED_VERSIONS = 20;

  /** Audit entries shown, newest first. */
  static final int MAX_AUDIT = 500;

  /** The tracking tags a validation gate puts on its evaluation runs. */
  static final String GATE_PASSED_TAG = "mlops.gate.passed";

  static final String GATE_ROLE_TAG = "mlops.gate.role";
  static final String GATE_CHAMPION_TAG = "mlops.gate.champion";

  private ModelsPage() {}

  static ModelRegistry registry(Sources s) {
    ModelRegistry r = s.registry();
    if (r == null) {
      throw new Params.NotFound("This console has no model registry");
    }
    return r;
  }

  static View list(Sources s) {
    List<RegisteredModel> models = registry(s).listModels();
    return new View() {
      @Override
      public String title() {
        return "Models";
      }

      @Override
      public String section() {
        return "models";
      }

      @Override
      public String body() {
        StringBuilder h = new StringBuilder(8192);
        if (models.isEmpty()) {
          return "<p>No registered model.</p>\n";
        }
        h.append("<table id=\"models\"><thead><tr><th scope=\"col\">Model</th>")
            .append("<th scope=\"col\">Latest version</th><th scope=\"col\">Aliases</th>")
            .append("<th scope=\"col\">Updated (UTC)</th><th scope=\"col\">Description</th>")
            .append("</tr></thead><tbody>\n");
        for (RegisteredModel m : models) {
          h.append("<tr><th scope=\"row\"><a href=\"model?name=")
              .append(Html.esc(Html.q(m.name())))
              .append("\">")
              .append(Html.cut(m.name(), 80))
              .append("</a></th><td class=\"num\">")
              .append(m.latestVersion().isPresent() ? "v" + m.latestVersion().getAsInt() : "")
              .append("</td><td>");
          aliases(h, m.aliases());
          h.append("</td><td>")
              .append(Html.timeTag(m.lastUpdatedTime()))
              .append("</td><td>")
              .append(Html.cut(m.description(), 200))
              .append("</td></tr>\n");
        }
        return h.append("</tbody></table>\n").toString();
      }

      @Override
      public ObjectNode json() {
        ObjectNode n = s.json().createObjectNode();
        ArrayNode a = n.putArray("models");
        for (RegisteredModel m : models) {
          model(a.addObject(), m);
        }
        return n;
      }
    };
  }

  private static void aliases(StringBuilder h, Map<String, Integer> aliases) {
    boolean first = true;
    for (Map.Entry<String, Integer> e : new TreeMap<>(aliases).entrySet()) {
      h.append(first ? "" : ", ")
          .append("<span class=\"alias\">@")
          .append(Html.esc(e.getKey()))
          .append("</span> → v")
          .append(e.getValue());
      first = false;
    }
  }

  private static ObjectNode model(ObjectNode n, RegisteredModel m) {
    n.put("name", m.name());
    n.put("description", m.description());
    Json.put(n, "creationTime", m.creationTime());
    Json.put(n, "lastUpdatedTime", m.lastUpdatedTime());
    if (m.latestVersion().isPresent()) {
      n.put("latestVersion", m.latestVersion().getAsInt());
    }
    ObjectNode al = n.putObject("aliases");
    new TreeMap<>(m.aliases()).forEach(al::put);
    Json.strings(n, "tags", m.tags());
    return n;
  }

  /** An evaluation with the gate's verdict, if a validation gate made it. */
  record Evaluated(EvaluationRecord record, @Nullable String gatePassed, @Nullable String role) {}

  static View model(Sources s, Params p) {
    ModelRegistry registry = registry(s);
    String name = p.require("name");
    RegisteredModel model =
        registry
            .findModel(name)
            .orElseThrow(() -> new Params.NotFound("No model is named '" + Params.cut(name) + "'"));
    List<ModelVersion> versions = new ArrayList<>(registry.versions(name));
    versions.sort(Comparator.comparingInt(ModelVersion::version).reversed());
    Map<Integer, List<Evaluated>> evaluations = new HashMap<>();
    for (int i = 0; i < versions.size() && i < MAX_EVALUATED_VERSIONS; i++) {
      int v = versions.get(i).version();
      List<Evaluated> list = new ArrayList<>();
      for (EvaluationRecord e : registry.evaluations(name, v)) {
        Optional<RunInfo> run =
            e.runId() == null ? Optional.empty() : s.tracker().findRun(e.runId());
        list.add(
            new Evaluated(
                e,
                run.map(r -> r.tags().get(GATE_PASSED_TAG)).orElse(null),
                run.map(r -> r.tags().get(GATE_ROLE_TAG)).orElse(null)));
      }
      evaluations.put(v, list);
    }
    List<AuditEntry> audit = new ArrayList<>(registry.auditLog(name));
    audit.sort(Comparator.comparingLong(AuditEntry::sequence).reversed());
    List<AuditEntry> shown = audit.subList(0, Math.min(MAX_AUDIT, audit.size()));
    return new View() {
      @Override
      public String title() {
        return "Model " + model.name();
      }

      @Override
      public String section() {
        return "models";
      }

      @Override
      public String body() {
        StringBuilder h = new StringBuilder(16_384);
        if (!model.description().isEmpty()) {
          h.append("<p class=\"description\">")
              .append(Html.cut(model.description(), 2000))
              .append("</p>\n");
        }
        h.append("<h2 id=\"aliases\">Aliases</h2>\n");
        if (model.aliases().isEmpty()) {
          h.append("<p>No alias.</p>\n");
        } else {
          h.append("<p>");
          aliases(h, model.aliases());
          h.append("</p>\n");
        }
        h.append("<h2 id=\"versions\">Versions</h2>\n<div class=\"table-wrap\"><table>")
            .append("<thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Status</th>")
            .append("<th scope=\"col\">Aliases</th><th scope=\"col\">Created (UTC)</th>")
            .append("<th scope=\"col\">By</th><th scope=\"col\">Format</th>")
            .append("<th scope=\"col\">Size</th><th scope=\"col\">SHA-256</th>")
            .append(
                "<th scope=\"col\">Run</th><th scope=\"col\">Signature</th></tr></thead><tbody>\n");
        for (ModelVersion v : versions) {
          h.append("<tr id=\"v")
              .append(v.version())
              .append("\"><th scope=\"row\">v")
              .append(v.version())
              .append("</th><td>")
              .append(v.status().name().toLowerCase(Locale.ROOT))
              .append("</td><td>");
          for (String a : v.aliases()) {
            h.append("<span class=\"alias\">@").append(Html.esc(a)).append("</span> ");
          }
          h.append("</td><td>")
              .append(Html.timeTag(v.createdTime()))
              .append("</td><td>")
              .append(Html.cut(v.createdBy(), 40))
              .append("</td><td>")
              .append(Html.esc(v.format()))
              .append("</td><td class=\"num\">")
              .append(Html.bytes(v.sizeBytes()))
              .append("</td><td>")
              .append(Html.digest(v.digest()))
              .append("</td><td>");
          v.runId()
              .ifPresent(
                  r ->
                      h.append("<a href=\"run?id=")
                          .append(Html.esc(Html.q(r)))
                          .append("\"><code>")
                          .append(Html.esc(r.length() > 8 ? r.substring(0, 8) : r))
                          .append("</code></a>"));
          h.append("</td><td>");
          v.signature().ifPresent(sig -> signature(h, sig));
          h.append("</td></tr>\n");
        }
        h.append("</tbody></table></div>\n");

        h.append("<h2 id=\"evaluations\">Evaluations and gate results</h2>\n");
        boolean any = false;
        for (ModelVersion v : versions) {
          List<Evaluated> list = evaluations.getOrDefault(v.version(), List.of());
          if (list.isEmpty()) {
            continue;
          }
          any = true;
          h.append("<h3>v")
              .append(v.version())
              .append("</h3>\n<table><thead><tr>")
              .append("<th scope=\"col\">Time (UTC)</th><th scope=\"col\">Dataset</th>")
              .append("<th scope=\"col\">SHA-256</th><th scope=\"col\">Gate</th>")
              .append(
                  "<th scope=\"col\">Metrics</th><th scope=\"col\">Run</th></tr></thead><tbody>\n");
          for (Evaluated e : list) {
            EvaluationRecord r = e.record();
            h.append("<tr><td>")
                .append(Html.timeTag(r.time()))
                .append("</td><td>")
                .append(Html.cut(r.datasetName(), 60))
                .append("</td><td>")
                .append(Html.digest(r.datasetDigest()))
                .append("</td><td>")
                .append(gate(e))
                .append("</td><td><ul class=\"metrics\">");
            int shownMetrics = 0;
            for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
              if (shownMetrics++ == 12) {
                h.append("<li>and ").append(r.metrics().size() - 12).append(" more</li>");
                break;
              }
              h.append("<li>")
                  .append(Html.cut(m.getKey(), 60))
                  .append(" = ")
                  .append(Html.num(m.getValue()))
                  .append("</li>");
            }
            h.append("</ul></td><td>");
            if (r.runId() != null) {
              h.append("<a href=\"run?id=")
                  .append(Html.esc(Html.q(r.runId())))
                  .append("\">run</a>");
            }
            h.append("</td></tr>\n");
          }
          h.append("</tbody></table>\n");
        }
        if (!any) {
          h.append("<p>No evaluation recorded")
              .append(
                  versions.size() > MAX_EVALUATED_VERSIONS
                      ? " for the latest " + MAX_EVALUATED_VERSIONS + " versions"
                      : "")
              .append(".</p>\n");
        }

        h.append(
                "<h2 id=\"audit\">Audit trail</h2>\n<div class=\"table-wrap\"><table id=\"audit-trail\">")
            .append("<caption>Newest first")
            .append(
                audit.size() > shown.size()
                    ? "; the latest " + shown.size() + " of " + audit.size()
                    : "")
            .append(
                "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Time (UTC)</th>")
            .append("<th scope=\"col\">Action</th><th scope=\"col\">Change</th>")
            .append(
                "<th scope=\"col\">Actor</th><th scope=\"col\">Comment</th></tr></thead><tbody>\n");
        for (AuditEntry e : shown) {
          h.append("<tr><td class=\"num\">")
              .append(e.sequence())
              .append("</td><td>")
              .append(Html.timeTag(e.time()))
              .append("</td><td>")
              .append(e.action().name().toLowerCase(Locale.ROOT).replace('_', ' '))
              .append("</td><td class=\"change\">")
              .append(change(e))
              .append("</td><td class=\"actor\">")
              .append(Html.cut(e.actor(), 60))
              .append("</td><td class=\"comment\">")
              .append(e.comment() == null ? "" : Html.cut(e.comment(), 500))
              .append("</td></tr>\n");
        }
        return h.append("</tbody></table></div>\n").toString();
      }

      @Override
      public ObjectNode json() {
        ObjectNode n = model(s.json().createObjectNode(), model);
        ArrayNode vs = n.putArray("versions");
        for (ModelVersion v : versions) {
          ObjectNode o = vs.addObject();
          o.put("version", v.version());
          o.put("status", v.status().name());
          o.put("format", v.format());
          o.put("digest", v.digest());
          o.put("sizeBytes", v.sizeBytes());
          Json.put(o, "createdTime", v.createdTime());
          o.put("createdBy", v.createdBy());
          o.put("description", v.description());
          v.runId().ifPresent(r -> o.put("runId", r));
          ArrayNode al = o.putArray("aliases");
          v.aliases().forEach(al::add);
          Json.strings(o, "tags", v.tags());
          v.signature()
              .ifPresent(
                  sig -> {
                    ObjectNode so = o.putObject("signature");
                    ArrayNode in = so.putArray("inputs");
                    for (FeatureSpec f : sig.inputs()) {
                      in.addObject().put("name", f.name()).put("type", f.type().name());
                    }
                    so.put("outputType", sig.outputType());
                    ArrayNode labels = so.putArray("outputLabels");
                    sig.outputLabels().forEach(labels::add);
                  });
          ArrayNode ev = o.putArray("evaluations");
          for (Evaluated e : evaluations.getOrDefault(v.version(), List.of())) {
            ObjectNode eo = ev.addObject();
            EvaluationRecord r = e.record();
            eo.put("id", r.id());
            eo.put("datasetName", r.datasetName());
            eo.put("datasetDigest", r.datasetDigest());
            Json.put(eo, "time", r.time());
            if (r.runId() != null) {
              eo.put("runId", r.runId());
            }
            if (e.gatePassed() != null) {
              eo.put("gatePassed", Boolean.parseBoolean(e.gatePassed()));
            }
            if (e.role() != null) {
              eo.put("gateRole", e.role());
            }
            ObjectNode ms = eo.putObject("metrics");
            r.metrics().forEach((k, val) -> Json.put(ms, k, val));
          }
        }
        ArrayNode a = n.putArray("audit");
        for (AuditEntry e : shown) {
          ObjectNode o = a.addObject();
          o.put("sequence", e.sequence());
          Json.put(o, "time", e.time());
          o.put("action", e.action().name());
          if (e.version() != null) {
            o.put("version", e.version());
          }
          if (e.alias() != null) {
            o.put("alias", e.alias());
          }
          if (e.previousVersion() != null) {
            o.put("previousVersion", e.previousVersion());
          }
          o.put("actor", e.actor());
          if (e.comment() != null) {
            o.put("comment", e.comment());
          }
        }
        return n;
      }
    };
  }

  private static void signature(StringBuilder h, ModelSignature sig) {
    h.append("<details><summary>")
        .append(sig.inputs().size())
        .append(" inputs → ")
        .append(Html.esc(sig.outputType()))
        .append("</summary><ul class=\"signature\">");
    for (FeatureSpec f : sig.inputs()) {
      h.append("<li>")
          .append(Html.cut(f.name(), 60))
          .append(": ")
          .append(f.type().name().toLowerCase(Locale.ROOT))
          .append("</li>");
    }
    h.append("</ul>");
    if (!sig.outputLabels().isEmpty()) {
      h.append("<p>Outputs: ")
          .append(Html.cut(String.join(", ", sig.outputLabels()), 200))
          .append("</p>");
    }
    h.append("</details>");
  }

  private static String gate(Evaluated e) {
    if (e.gatePassed() == null) {
      return e.role() == null ? "" : Html.esc(e.role());
    }
    boolean passed = Boolean.parseBoolean(e.gatePassed());
    return "<span class=\"gate "
        + (passed ? "passed\">✓ passed" : "failed\">✗ failed")
        + "</span>"
        + (e.role() == null ? "" : " (" + Html.esc(e.role()) + ")");
  }

  /** What an audit entry changed, in words: "@champion: v1 → v2". */
  static String change(AuditEntry e) {
    StringBuilder b = new StringBuilder();
    if (e.alias() != null) {
      b.append("<span class=\"alias\">@").append(Html.esc(e.alias())).append("</span>: ");
      if (e.previousVersion() != null) {
        b.append('v').append(e.previousVersion()).append(" → ");
      }
      if (e.action() == AuditAction.ALIAS_DELETED) {
        b.append("removed");
      } else if (e.version() != null) {
        b.append('v').append(e.version());
      }
    } else if (e.version() != null) {
      b.append('v').append(e.version());
    }
    return b.toString();
  }
}
