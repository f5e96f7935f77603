package io.github.mlops4j.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mlops4j.features.FeatureFreshness;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.features.FeatureView;
import io.github.mlops4j.features.Field;
import io.github.mlops4j.features.OnDemandFeature;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Feature views: their definition and the freshness of each. */
final class FeaturesPage implements View {
  private final Sources sources;
  private final List<FeatureView> views;
  private final Map<String, FeatureFreshness> freshness;

  private FeaturesPage(Sources sources) {
    this.sources = sources;
    FeatureStore store = sources.features();
    if (store == null) {
      throw new Params.NotFound("This console has no feature store");
    }
    this.views = store.views();
    this.freshness = new HashMap<>();
    store.freshness().forEach(f -> freshness.put(f.view(), f));
  }

  static FeaturesPage load(Sources sources) {
    return new FeaturesPage(sources);
  }

  @Override
  public String title() {
    return "Feature views";
  }

  @Override
  public String section() {
    return "features";
  }

  @Override
  public String body() {
    StringBuilder h = new StringBuilder(8192);
    if (views.isEmpty()) {
      return "<p>No feature view.</p>\n";
    }
    h.append("<table id=\"freshness\"><caption>Freshness: online values served by this process")
        .append(" are counted since it started</caption><thead><tr>")
        .append("<th scope=\"col\">View</th><th scope=\"col\">Materialized up to (UTC)</th>")
        .append("<th scope=\"col\">Newest event (UTC)</th><th scope=\"col\">Age</th>")
        .append("<th scope=\"col\">TTL</th><th scope=\"col\">Lookups</th></tr></thead><tbody>\n");
    for (FeatureView v : views) {
      FeatureFreshness f = freshness.get(v.name());
      h.append("<tr><th scope=\"row\"><a href=\"#view-")
          .append(Html.esc(Html.q(v.name())))
          .append("\">")
          .append(Html.cut(v.name(), 80))
          .append("</a></th>");
      if (f == null) {
        h.append("<td colspan=\"3\">not materialized</td>");
      } else {
        boolean stale = f.age() != null && !v.ttl().isZero() && f.age().compareTo(v.ttl()) > 0;
        h.append("<td>")
            .append(f.watermark() == null ? "never" : Html.timeTag(f.watermark()))
            .append("</td><td>")
            .append(f.newestEventTime() == null ? "none" : Html.timeTag(f.newestEventTime()))
            .append("</td><td class=\"num")
            .append(stale ? " stale\">older than TTL: " : "\">")
            .append(Html.duration(f.age()))
            .append("</td>");
      }
      h.append("<td class=\"num\">")
          .append(v.ttl().isZero() ? "none" : Html.duration(v.ttl()))
          .append("</td><td class=\"num\">")
          .append(f == null ? 0 : f.lookups())
          .append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
    for (FeatureView v : views) {
      h.append("<section class=\"view\" id=\"view-")
          .append(Html.esc(Html.q(v.name())))
          .append("\"><h2>")
          .append(Html.cut(v.name(), 80))
          .append("</h2>\n");
      if (!v.description().isEmpty()) {
        h.append("<p>").append(Html.cut(v.description(), 1000)).append("</p>\n");
      }
      h.append("<table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Role</th>")
          .append("<th scope=\"col\">Type</th></tr></thead><tbody>\n");
      fields(h, v.entities(), "entity key");
      fields(h, v.features(), "feature");
      fields(h, v.requestFields(), "request field");
      for (OnDemandFeature o : v.onDemandFeatures()) {
        row(h, o.name(), "on-demand feature", o.type().name());
      }
      h.append("</tbody></table>\n<p>NaN policy: ")
          .append(v.nanPolicy().name().toLowerCase(Locale.ROOT))
          .append("</p>\n</section>\n");
    }
    return h.toString();
  }

  private static void fields(StringBuilder h, List<Field> fields, String role) {
    for (Field f : fields) {
      row(h, f.name(), role, f.type().name());
    }
  }

  private static void row(StringBuilder h, String name, String role, String type) {
    h.append("<tr><th scope=\"row\">")
        .append(Html.cut(name, 80))
        .append("</th><td>")
        .append(role)
        .append("</td><td>")
        .append(type.toLowerCase(Locale.ROOT))
        .append("</td></tr>\n");
  }

  @Override
  public ObjectNode json() {
    ObjectNode n = sources.json().createObjectNode();
    ArrayNode a = n.putArray("views");
    for (FeatureView v : views) {
      ObjectNode o = a.addObject();
      o.put("name", v.name());
      o.put("description", v.description());
      o.put("ttlSeconds", v.ttl().toSeconds());
      o.put("nanPolicy", v.nanPolicy().name());
      fieldsJson(o.putArray("entities"), v.entities());
      fieldsJson(o.putArray("features"), v.features());
      fieldsJson(o.putArray("requestFields"), v.requestFields());
      ArrayNode od = o.putArray("onDemandFeatures");
      v.onDemandFeatures()
          .forEach(f -> od.addObject().put("name", f.name()).put("type", f.type().name()));
      FeatureFreshness f = freshness.get(v.name());
      if (f != null) {
        ObjectNode fr = o.putObject("freshness");
        Json.put(fr, "watermark", f.watermark());
        Json.put(fr, "newestEventTime", f.newestEventTime());
        if (f.age() == null) {
          fr.putNull("ageMillis");
        } else {
          fr.put("ageMillis", f.age().toMillis());
        }
        fr.put("present", f.present());
        fr.put("nullValue", f.nullValue());
        fr.put("notFound", f.notFound());
        fr.put("expired", f.expired());
      }
    }
    return n;
  }

  private static void fieldsJson(ArrayNode a, List<Field> fields) {
    fields.forEach(f -> a.addObject().put("name", f.name()).put("type", f.type().name()));
  }
}
