package io.github.mlops4j.monitoring.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Writes {@link DriftReport#toJson()}; Jackson stays inside this class. */
final class ReportJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectWriter WRITER;

  static {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    // Objects one field per line; arrays (bins, shares, categories) on one line.
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(indenter);
    WRITER = new ObjectMapper().writer(printer);
  }

  private ReportJson() {}

  static String write(DriftReport r) {
    ObjectNode root = NODES.objectNode();
    root.put("schemaVersion", DriftReport.SCHEMA_VERSION);
    root.put("report", "drift");
    root.put("preset", r.preset());
    root.put("createdTime", r.createdTime().toString());
    root.put("referenceRows", r.referenceRows());
    root.put("currentRows", r.currentRows());
    number(root, "datasetThreshold", r.datasetThreshold());
    root.put("columnCount", r.columns().size());
    root.put("driftedColumns", r.driftedColumns());
    number(root, "driftedShare", r.driftedShare());
    root.put("datasetDrift", r.datasetDrift());
    ArrayNode columns = root.putArray("columns");
    for (ColumnDrift c : r.columns()) {
      ObjectNode o = columns.addObject();
      o.put("column", c.column());
      o.put("type", c.type().name().toLowerCase(Locale.ROOT));
      o.put("method", c.method());
      o.put("rule", DriftMethod.ruleText(c.method(), c.pValue() != null));
      number(o, "threshold", c.threshold());
      number(o, "score", c.score());
      number(o, "statistic", c.statistic());
      number(o, "pValue", c.pValue());
      number(o, "errorBound", c.errorBound());
      o.put("drifted", c.drifted());
      o.put("details", r.details(c.column()).orElse(null));
      o.put("note", c.note());
      DataQuality q = c.quality();
      ObjectNode qn = o.putObject("quality");
      number(qn, "referenceMissingShare", q.referenceMissingShare());
      number(qn, "currentMissingShare", q.currentMissingShare());
      number(qn, "missingShareChange", q.missingShareChange());
      ArrayNode cats = qn.putArray("newCategories");
      q.newCategories().forEach(cats::add);
      number(qn, "outOfRangeShare", q.outOfRangeShare());
      qn.put("referenceConstant", q.referenceConstant());
      qn.put("currentConstant", q.currentConstant());
      ColumnHistogram h = r.histogram(c.column()).orElse(null);
      if (h == null) {
        o.putNull("histogram");
      } else {
        ObjectNode hn = o.putObject("histogram");
        ArrayNode bins = hn.putArray("bins");
        h.bins().forEach(bins::add);
        ArrayNode ref = hn.putArray("reference");
        for (double v : h.referenceShares()) {
          addNumber(ref, v);
        }
        ArrayNode cur = hn.putArray("current");
        for (double v : h.currentShares()) {
          addNumber(cur, v);
        }
      }
    }
    try {
      return WRITER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise a drift report", e);
    }
  }

  /** Finite numbers as numbers, others as the strings Infinity, -Infinity, NaN; null as null. */
  private static void number(ObjectNode o, String name, @Nullable Double v) {
    if (v == null) {
      o.putNull(name);
    } else if (Double.isFinite(v)) {
      o.put(name, v.doubleValue());
    } else {
      o.put(name, Fmt.number(v));
    }
  }

  private static void addNumber(ArrayNode a, double v) {
    if (Double.isFinite(v)) {
      a.add(v);
    } else {
      a.add(Fmt.number(v));
    }
  }
}
