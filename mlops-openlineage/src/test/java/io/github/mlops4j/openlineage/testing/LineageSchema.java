package io.github.mlops4j.openlineage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates OpenLineage events against the specification's JSON schema, committed under {@code
 * src/test/resources/openlineage-spec} (see the README there for its source and license): the event
 * against {@code OpenLineage.json} (2-0-2), and every facet in it against the facet schema its
 * {@code _schemaURL} names, which must be one of the committed files, at the same version. Formats
 * ({@code uuid}, {@code date-time}, {@code uri}) are asserted. No network access.
 */
public final class LineageSchema {
  private static final String SPEC = "https://openlineage.io/spec/";
  private static final Pattern FACET =
      Pattern.compile("https://openlineage\\.io/spec/facets/([0-9-]+)/([A-Za-z]+)\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          b ->
              b.schemaIdResolvers(
                  r ->
                      r.mappings(
                          id -> id.startsWith(SPEC),
                          id -> {
                            Matcher m = FACET.matcher(id);
                            if (m.matches()) {
                              return "classpath:openlineage-spec/facets/" + m.group(2) + ".json";
                            }
                            return "classpath:openlineage-spec/OpenLineage.json";
                          })));
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /** The schema validation errors of one event (a JSON object), empty when it is valid. */
  public List<String> errors(String eventJson) {
    List<String> out = new ArrayList<>();
    for (Error e :
        schema(SPEC + "2-0-2/OpenLineage.json")
            .validate(
                eventJson,
                InputFormat.JSON,
                c -> c.executionConfig(x -> x.formatAssertionsEnabled(true)))) {
      out.add("event: " + e);
    }
    JsonNode event;
    try {
      event = JSON.readTree(eventJson);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    facets(event, "", out);
    return out;
  }

  /** Validates each object with a {@code _schemaURL} under its key against that facet schema. */
  private void facets(JsonNode node, String path, List<String> out) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        facets(node.get(i), path + "/" + i, out);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode value = f.getValue();
      if (value.isObject() && value.has("_schemaURL")) {
        String url = value.get("_schemaURL").asText();
        String file = url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
        if (FACET.matcher(file).matches()) {
          Schema facet = schema(file);
          String id = facet.getSchemaNode().get("$id").asText();
          if (!id.equals(file)) {
            out.add(
                path + "/" + f.getKey() + ": names " + file + " but the committed schema is " + id);
            continue;
          }
          if (!facet.getSchemaNode().path("properties").has(f.getKey())) {
            out.add(path + "/" + f.getKey() + ": " + id + " defines no facet named " + f.getKey());
            continue;
          }
          ObjectNode wrapped = JSON.createObjectNode();
          wrapped.set(f.getKey(), value);
          for (Error e :
              facet.validate(
                  wrapped.toString(),
                  InputFormat.JSON,
                  c -> c.executionConfig(x -> x.formatAssertionsEnabled(true)))) {
            out.add(path + "/" + f.getKey() + ": " + e);
          }
        } else if (!file.startsWith(SPEC + "2-0-2/OpenLineage.json")) {
          out.add(path + "/" + f.getKey() + ": facet schema not committed here: " + url);
        }
      }
      facets(value, path + "/" + f.getKey(), out);
    }
  }

  private Schema schema(String id) {
    return schemas.computeIfAbsent(id, k -> registry.getSchema(SchemaLocation.of(k)));
  }
}
