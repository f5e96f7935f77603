package io.github.mlops4j.registry.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** JSON form of a {@link GateResult}; Jackson stays inside this class. */
final class GateJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private GateJson() {}

  static String write(GateResult r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schemaVersion", GateResult.SCHEMA_VERSION);
    root.put("passed", r.passed());
    root.put("promoted", r.wasPromoted());
    root.put("model", r.model().orElse(null));
    root.put(
        "candidateVersion",
        r.candidateVersion().isPresent() ? r.candidateVersion().getAsInt() : null);
    root.put(
        "championVersion", r.championVersion().isPresent() ? r.championVersion().getAsInt() : null);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", r.dataset().name());
    data.put("digest", r.dataset().digest());
    data.put("rows", r.dataset().rowCount());
    root.put("dataset", data);
    root.put("significance", r.significance());
    root.put("seed", r.seed());
    root.put("bootstrapResamples", r.bootstrapResamples());
    List<Map<String, Object>> rules = new ArrayList<>();
    for (RuleResult x : r.rules()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", x.metric());
      m.put("slice", x.slice());
      m.put("rule", x.rule().kind().symbol());
      m.put("bound", x.bound().orElse(null));
      m.put("margin", x.margin().orElse(null));
      m.put("observed", finite(x.observed()));
      m.put("champion", x.champion());
      m.put("difference", x.difference());
      m.put("test", x.test());
      m.put("pValue", x.pValue());
      m.put("lower", x.lower());
      m.put("upper", x.upper());
      m.put("passed", x.passed());
      m.put("detail", x.detail());
      rules.add(m);
    }
    root.put("rules", rules);
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the gate result as JSON", e);
    }
  }

  private static @Nullable Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
