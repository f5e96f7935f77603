package io.github.mlops4j.monitoring.drift;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The JSON form of a {@link Profile}, format version {@value Profile#SCHEMA_VERSION}:
 *
 * <pre>{@code
 * {"format":"mlops4j-profile","schemaVersion":1,
 *  "kllK":200,"exactCategoryLimit":1024,"frequentItemsMapSize":1024,"rows":3,
 *  "columns":[
 *   {"name":"age","type":"NUMERIC","count":3,"missing":1,
 *    "min":31.0,"max":40.0,"mean":35.5,"m2":40.5,"kll":"<base64 KllDoublesSketch>"},
 *   {"name":"country","type":"CATEGORICAL","count":3,"missing":0,"categories":{"DE":2,"FR":1}},
 *   {"name":"city","type":"CATEGORICAL","count":3,"missing":0,"frequentItems":"<base64 ItemsSketch>"}]}
 * }</pre>
 *
 * Numeric columns without values omit min, max, mean, m2 and kll. A categorical column has either
 * {@code categories} (exact counts, sorted by key) or {@code frequentItems}. Sketch bytes are the
 * DataSketches 6.x binary forms ({@code KllDoublesSketch.toByteArray()},
 * {@code ItemsSketch.toByteArray(ArrayOfStringsSerDe)}), base64 without line breaks.
 */
final class ProfileFormat {
  static final String FORMAT = "mlops4j-profile";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private ProfileFormat() {}

  static byte[] write(Profile p) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    ProfileSchema s = p.schema();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      g.writeNumberField("schemaVersion", Profile.SCHEMA_VERSION);
      g.writeNumberField("kllK", s.kllK());
      g.writeNumberField("exactCategoryLimit", s.exactCategoryLimit());
      g.writeNumberField("frequentItemsMapSize", s.frequentItemsMapSize());
      g.writeNumberField("rows", p.rows());
      g.writeArrayFieldStart("columns");
      for (int i = 0; i < s.columns().size(); i++) {
        g.writeStartObject();
        g.writeStringField("name", s.columns().get(i));
        g.writeStringField("type", s.typeAt(i).name());
        if (s.typeAt(i) == ColumnType.NUMERIC) {
          NumericSketch n = p.numeric(s.slot(i));
          g.writeNumberField("count", n.present + n.missing);
          g.writeNumberField("missing", n.missing);
          if (n.present > 0) {
            g.writeNumberField("min", n.min);
            g.writeNumberField("max", n.max);
            g.writeNumberField("mean", n.mean);
            g.writeNumberField("m2", n.m2);
            g.writeStringField("kll", B64.encodeToString(n.kllBytes()));
          }
        } else {
          CategorySketch c = p.categorical(s.slot(i));
          g.writeNumberField("count", c.present + c.missing);
          g.writeNumberField("missing", c.missing);
          if (c.isExact()) {
            g.writeObjectFieldStart("categories");
            for (Map.Entry<String, Long> e : c.counts().entrySet()) {
              g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
          } else {
            g.writeStringField("frequentItems", B64.encodeToString(c.itemsBytes()));
          }
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Writing a profile to memory failed", e);
    }
    return out.toByteArray();
  }

  static Profile read(byte[] bytes) {
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ProfileFormatException("Not a profile: the bytes are not valid JSON ("
          + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new ProfileFormatException("Not a profile: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ProfileFormatException("Not a profile: expected a JSON object");
    }
    if (!FORMAT.equals(root.path("format").asText(null))) {
      throw new ProfileFormatException("Not a profile: \"format\" must be \"" + FORMAT
          + "\", was " + root.get("format"));
    }
    JsonNode v = root.get("schemaVersion");
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new ProfileFormatException("Profile has no integral \"schemaVersion\"");
    }
    int version = v.intValue();
    if (version > Profile.SCHEMA_VERSION) {
      throw new ProfileFormatException("Profile has schemaVersion " + version
          + ", newer than this version of mlops4j reads (up to " + Profile.SCHEMA_VERSION
          + "): upgrade mlops4j to read it, or write it with the older version");
    }
    if (version < 1) {
      throw new ProfileFormatException("Profile has an invalid schemaVersion " + version);
    }
    try {
      return readV1(root);
    } catch (SketchesException | IllegalArgumentException | IllegalStateException
        | ArithmeticException | IndexOutOfBoundsException | ClassCastException e) {
      // schema validation, or a corrupt sketch image
      throw new ProfileFormatException("Corrupt profile: " + e.getMessage(), e);
    }
  }

  private static Profile readV1(JsonNode root) {
    ProfileSchema.Builder sb = ProfileSchema.builder()
        .kllK(intField(root, "kllK"))
        .exactCategoryLimit(intField(root, "exactCategoryLimit"))
        .frequentItemsMapSize(intField(root, "frequentItemsMapSize"));
    long rows = longField(root, "rows");
    JsonNode cols = root.get("columns");
    if (cols == null || !cols.isArray()) {
      throw new ProfileFormatException("Profile has no \"columns\" array");
    }
    for (JsonNode c : cols) {
      String name = textField(c, "name");
      ColumnType type;
      try {
        type = ColumnType.valueOf(textField(c, "type"));
      } catch (IllegalArgumentException e) {
        throw new ProfileFormatException("Column '" + name + "' has an unknown type "
            + c.get("type") + "; known: NUMERIC, CATEGORICAL, BINARY", e);
      }
      sb.column(name, type);
    }
    ProfileSchema schema = sb.build();
    NumericSketch[] num = new NumericSketch[schema.numericColumns().size()];
    CategorySketch[] cat = new CategorySketch[schema.categoricalColumns().size()];
    for (int i = 0; i < schema.columns().size(); i++) {
      JsonNode c = cols.get(i);
      String name = schema.columns().get(i);
      long count = longField(c, "count");
      long missing = longField(c, "missing");
      if (count != rows) {
        throw new ProfileFormatException("Column '" + name + "' has count " + count
            + " but the profile has " + rows + " rows");
      }
      if (missing > count) {
        throw new ProfileFormatException("Column '" + name + "' has more missing values ("
            + missing + ") than values (" + count + ")");
      }
      long present = count - missing;
      if (schema.typeAt(i) == ColumnType.NUMERIC) {
        num[schema.slot(i)] = readNumeric(schema, name, c, present, missing);
      } else {
        cat[schema.slot(i)] = readCategorical(schema, name, c, present, missing);
      }
    }
    return new Profile(schema, rows, num, cat);
  }

  private static NumericSketch readNumeric(ProfileSchema schema, String name, JsonNode c,
      long present, long missing) {
    if (present == 0) {
      return NumericSketch.restore(schema.kllK(), 0, missing, 0, 0, 0, 0,
          KllDoublesSketch.newHeapInstance(schema.kllK()));
    }
    double min = doubleField(c, "min");
    double max = doubleField(c, "max");
    double mean = doubleField(c, "mean");
    double m2 = doubleField(c, "m2");
    if (!(min <= max) || !(m2 >= 0)) {
      throw new ProfileFormatException("Column '" + name + "' has inconsistent moments: min "
          + min + ", max " + max + ", m2 " + m2);
    }
    KllDoublesSketch kll = KllDoublesSketch.heapify(Memory.wrap(base64(c, name, "kll")));
    if (kll.getN() != present || kll.getK() != schema.kllK()) {
      throw new ProfileFormatException("Column '" + name + "' has a KLL sketch of " + kll.getN()
          + " values with k = " + kll.getK() + " but " + present + " values with k = "
          + schema.kllK() + " were expected");
    }
    return NumericSketch.restore(schema.kllK(), present, missing, min, max, mean, m2, kll);
  }

  private static CategorySketch readCategorical(ProfileSchema schema, String name, JsonNode c,
      long present, long missing) {
    JsonNode counts = c.get("categories");
    if (counts != null) {
      if (!counts.isObject()) {
        throw new ProfileFormatException("Column '" + name + "': \"categories\" must be an object");
      }
      LinkedHashMap<String, Long> map = new LinkedHashMap<>();
      long sum = 0;
      for (Map.Entry<String, JsonNode> e : counts.properties()) {
        JsonNode n = e.getValue();
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0) {
          throw new ProfileFormatException("Column '" + name + "': the count of a category must"
              + " be a positive integer, was " + n);
        }
        map.put(e.getKey(), n.longValue());
        sum = Math.addExact(sum, n.longValue());
      }
      if (sum != present || map.size() > schema.exactCategoryLimit()) {
        throw new ProfileFormatException("Column '" + name + "' has " + map.size()
            + " categories counting " + sum + " values; expected " + present
            + " values in at most " + schema.exactCategoryLimit() + " categories");
      }
      return CategorySketch.restoreExact(schema.exactCategoryLimit(),
          schema.frequentItemsMapSize(), missing, map);
    }
    ItemsSketch<String> items = ItemsSketch.getInstance(
        Memory.wrap(base64(c, name, "frequentItems")), CategorySketch.SERDE);
    if (items.getStreamLength() != present) {
      throw new ProfileFormatException("Column '" + name + "' has a frequent-items sketch of "
          + items.getStreamLength() + " values but " + present + " were expected");
    }
    return CategorySketch.restoreSketch(schema.exactCategoryLimit(),
        schema.frequentItemsMapSize(), missing, items);
  }

  private static byte[] base64(JsonNode c, String column, String field) {
    try {
      return B64D.decode(textField(c, field));
    } catch (IllegalArgumentException e) {
      throw new ProfileFormatException("Column '" + column + "': \"" + field
          + "\" is not valid base64", e);
    }
  }

  private static JsonNode field(JsonNode node, String name) {
    JsonNode f = node.get(name);
    if (f == null || f.isNull()) {
      throw new ProfileFormatException("Profile field \"" + name + "\" is missing");
    }
    return f;
  }

  private static String textField(JsonNode node, String name) {
    JsonNode f = field(node, name);
    if (!f.isTextual()) {
      throw new ProfileFormatException("Profile field \"" + name + "\" must be a string, was " + f);
    }
    return f.textValue();
  }

  private static long longField(JsonNode node, String name) {
    JsonNode f = field(node, name);
    if (!f.isIntegralNumber() || !f.canConvertToLong() || f.longValue() < 0) {
      throw new ProfileFormatException("Profile field \"" + name
          + "\" must be a non-negative integer, was " + f);
    }
    return f.longValue();
  }

  private static int intField(JsonNode node, String name) {
    long v = longField(node, name);
    if (v > Integer.MAX_VALUE) {
      throw new ProfileFormatException("Profile field \"" + name + "\" is too large: " + v);
    }
    return (int) v;
  }

  private static double doubleField(JsonNode node, String name) {
    JsonNode f = field(node, name);
    if (!f.isNumber() || !Double.isFinite(f.doubleValue())) {
      throw new ProfileFormatException("Profile field \"" + name
          + "\" must be a finite number, was " + f);
    }
    return f.doubleValue();
  }
}
