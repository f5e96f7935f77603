package io.github.mlops4j.examples.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docs/grafana/mlops4j-dashboard.json: its panels' queries and its variables' queries. */
record Dashboard(JsonNode json) {
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\)");

  /** The dashboard file, found from the repository root above the working directory. */
  static Path file() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolve("docs/grafana/mlops4j-dashboard.json");
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new IllegalStateException("no docs/grafana/mlops4j-dashboard.json above the directory");
  }

  static Dashboard read(Path file) throws IOException {
    return new Dashboard(new ObjectMapper().readTree(file.toFile()));
  }

  /** Every panel's PromQL (rows' nested panels too), then each variable's selector. */
  List<String> expressions() {
    List<String> out = new ArrayList<>();
    collect(json.path("panels"), out);
    for (JsonNode v : json.at("/templating/list")) {
      if (v.path("type").asText().equals("query")) {
        String q =
            v.path("query").isObject() ? v.at("/query/query").asText() : v.path("query").asText();
        Matcher m = LABEL_VALUES.matcher(q.strip());
        if (!m.matches()) {
          throw new IllegalArgumentException("variable query is not label_values(...): " + q);
        }
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** The panels' titles, in order. */
  List<String> titles() {
    List<String> out = new ArrayList<>();
    for (JsonNode p : json.path("panels")) {
      out.add(p.path("title").asText());
    }
    return out;
  }

  private static void collect(JsonNode panels, List<String> out) {
    for (JsonNode p : panels) {
      collect(p.path("panels"), out);
      for (JsonNode t : p.path("targets")) {
        if (t.hasNonNull("expr")) {
          out.add(t.get("expr").asText());
        }
      }
    }
  }
}
