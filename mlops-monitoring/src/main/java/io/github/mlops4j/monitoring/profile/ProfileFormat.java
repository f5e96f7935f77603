package io.github.mlops4j.monitoring.profile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.mlops4j.monitoring.drift.ColumnType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;

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
 * DataSketches 6.x binary forms ({@code KllDoublesSketch.toByteArray()}, {@code
 * ItemsSketch.toByteArray(ArrayOfStringsSerDe)} with its items sorted, so that the bytes depend
 * only on the content), base64 without line breaks. What the reader accepts, and how it bounds the
 * memory an untrusted profile can take, is described in {@link SketchImages} and {@link #read}.
 */
final class ProfileFormat {
  static final String FORMAT = "mlops4j-profile";
  private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

  /** Deepest JSON nesting read: a profile needs 4 (profile, columns, column, categories). */
  static final int MAX_NESTING_DEPTH = 16;

  /** Longest number token read: a double needs at most 24 characters, a long 20. */
  static final int MAX_NUMBER_LENGTH = 64;

  /** Characters of an untrusted value quoted in a message. */
  static final int MAX_QUOTED = 100;

  /** Fewest bytes a column takes in the JSON: its name, type, count and missing fields. */
  static final int MIN_COLUMN_BYTES = 48;

  /**
   * The reader for untrusted bytes: duplicate keys, trailing content, deep nesting and long numbers
   * are refused by the parser. Strings and names are bounded only by the input, which the caller
   * already holds in memory (a category may be a long string).
   */
  private static final ObjectReader READER =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxStringLength(Integer.MAX_VALUE)
                          .maxNameLength(Integer.MAX_VALUE)
                          .build())
                  .build())
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> TOP_FIELDS =
      Set.of(
          "format",
          "schemaVersion",
          "kllK",
          "exactCategoryLimit",
          "frequentItemsMapSize",
          "rows",
          "columns");
  private static final Set<String> NUMERIC_FIELDS =
      Set.of("name", "type", "count", "missing", "min", "max", "mean", "m2", "kll");
  private static final Set<String> CATEGORICAL_FIELDS =
      Set.of("name", "type", "count", "missing", "categories", "frequentItems");
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
      root = READER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ProfileFormatException(
          "Not a profile: the bytes are not valid JSON ("
              + bounded(String.valueOf(e.getOriginalMessage()))
              + ")",
          e);
    } catch (IOException e) {
      throw new ProfileFormatException(
          "Not a profile: " + bounded(String.valueOf(e.getMessage())), e);
    }
    if (root == null || !root.isObject()) {
      throw new ProfileFormatException("Not a profile: expected a JSON object");
    }
    if (!FORMAT.equals(root.path("format").asText(null))) {
      throw new ProfileFormatException(
          "Not a profile: \"format\" must be \""
              + FORMAT
              + "\", was "
              + bounded(String.valueOf(root.get("format"))));
    }
    JsonNode v = root.get("schemaVersion");
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new ProfileFormatException("Profile has no integral \"schemaVersion\"");
    }
    int version = v.intValue();
    if (version > Profile.SCHEMA_VERSION) {
      throw new ProfileFormatException(
          "Profile has schemaVersion "
              + version
              + ", newer than this version of mlops4j reads (up to "
              + Profile.SCHEMA_VERSION
              + "): upgrade mlops4j to read it, or write it with the older version");
    }
    if (version < 1) {
      throw new ProfileFormatException("Profile has an invalid schemaVersion " + version);
    }
    try {
      return readV1(root, bytes.length);
    } catch (ProfileFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      // schema validation (IllegalArgumentException), or anything a sketch library throws on
      // bytes the checks let through: still a corrupt profile, never another exception type
      throw new ProfileFormatException(
          "Corrupt profile: " + bounded(e.getClass().getSimpleName() + ": " + e.getMessage()), e);
    }
  }

  private static Profile readV1(JsonNode root, int inputBytes) {
    checkFields(root, TOP_FIELDS, "the profile");
    ProfileSchema.Builder sb =
        ProfileSchema.builder()
            .kllK(intField(root, "kllK"))
            .exactCategoryLimit(intField(root, "exactCategoryLimit"))
            .frequentItemsMapSize(intField(root, "frequentItemsMapSize"));
    long rows = longField(root, "rows");
    JsonNode cols = root.get("columns");
    if (cols == null || !cols.isArray()) {
      throw new ProfileFormatException("Profile has no \"columns\" array");
    }
    if ((long) cols.size() * MIN_COLUMN_BYTES > inputBytes) {
      // a valid column takes at least MIN_COLUMN_BYTES (its four required fields): refuse an
      // array of anything smaller before building per-column state for it
      throw new ProfileFormatException(
          "Profile declares " + cols.size() + " columns in " + inputBytes + " bytes");
    }
    for (JsonNode c : cols) {
      if (!c.isObject()) {
        throw new ProfileFormatException(
            "Profile \"columns\" must hold objects, found " + bounded(c.toString()));
      }
      String name = textField(c, "name");
      ColumnType type;
      try {
        type = ColumnType.valueOf(textField(c, "type"));
      } catch (IllegalArgumentException e) {
        throw new ProfileFormatException(
            "Column '"
                + bounded(name)
                + "' has an unknown type "
                + bounded(c.get("type").toString())
                + "; known: NUMERIC, CATEGORICAL, BINARY",
            e);
      }
      checkFields(
          c,
          type == ColumnType.NUMERIC ? NUMERIC_FIELDS : CATEGORICAL_FIELDS,
          "column '" + bounded(name) + "'");
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
        throw new ProfileFormatException(
            "Column '" + name + "' has count " + count + " but the profile has " + rows + " rows");
      }
      if (missing > count) {
        throw new ProfileFormatException(
            "Column '"
                + name
                + "' has more missing values ("
                + missing
                + ") than values ("
                + count
                + ")");
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

  /** Refuses fields this version does not write: a tampered or misread document. */
  private static void checkFields(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new ProfileFormatException(
            "Profile: "
                + where
                + " has an unknown field \""
                + bounded(f)
                + "\"; format version "
                + Profile.SCHEMA_VERSION
                + " knows "
                + new TreeSet<>(known));
      }
    }
  }

  private static NumericSketch readNumeric(
      ProfileSchema schema, String name, JsonNode c, long present, long missing) {
    if (present == 0) {
      for (String f : new String[] {"min", "max", "mean", "m2", "kll"}) {
        if (c.has(f)) {
          throw new ProfileFormatException(
              "Column '" + name + "' has no values but a \"" + f + "\" field");
        }
      }
      return NumericSketch.restore(
          schema.kllK(), 0, missing, 0, 0, 0, 0, SketchImages.emptyKll(schema.kllK()));
    }
    double min = doubleField(c, "min");
    double max = doubleField(c, "max");
    double mean = doubleField(c, "mean");
    double m2 = m2Field(c);
    if (!(min <= max) || !(m2 >= 0)) {
      throw new ProfileFormatException(
          "Column '"
              + name
              + "' has inconsistent moments: min "
              + min
              + ", max "
              + max
              + ", m2 "
              + m2);
    }
    // the mean lies in [min, max] and m2 / n is at most ((max - min) / 2)^2 (Popoviciu), up to
    // rounding: a little slack for the Welford and Chan updates
    double slack = 64 * Math.ulp(Math.max(Math.abs(min), Math.abs(max)));
    double range = max - min;
    double m2Bound = (double) present * (range / 2) * (range / 2);
    if (!(mean >= min - slack && mean <= max + slack)
        || !(m2 <= m2Bound * (1 + 1e-9) + slack * slack * present)
        || (m2 == Double.POSITIVE_INFINITY && m2Bound < Double.MAX_VALUE / 2)) {
      throw new ProfileFormatException(
          "Column '"
              + name
              + "' has moments that no values in ["
              + min
              + ", "
              + max
              + "] have: mean "
              + mean
              + ", m2 "
              + m2
              + " over "
              + present
              + " values");
    }
    KllDoublesSketch kll =
        SketchImages.kll(
            base64(c, name, "kll"),
            schema.kllK(),
            present,
            min,
            max,
            "Column '" + name + "': \"kll\"");
    return NumericSketch.restore(schema.kllK(), present, missing, min, max, mean, m2, kll);
  }

  private static CategorySketch readCategorical(
      ProfileSchema schema, String name, JsonNode c, long present, long missing) {
    JsonNode counts = c.get("categories");
    JsonNode items = c.get("frequentItems");
    if ((counts == null) == (items == null)) {
      throw new ProfileFormatException(
          "Column '"
              + name
              + "' must have exactly one of"
              + " \"categories\" and \"frequentItems\"");
    }
    if (counts != null) {
      if (!counts.isObject()) {
        throw new ProfileFormatException("Column '" + name + "': \"categories\" must be an object");
      }
      if (counts.size() > schema.exactCategoryLimit()) {
        throw new ProfileFormatException(
            "Column '"
                + name
                + "' has "
                + counts.size()
                + " categories; at most "
                + schema.exactCategoryLimit()
                + " are counted exactly");
      }
      LinkedHashMap<String, Long> map = new LinkedHashMap<>();
      long sum = 0;
      for (Map.Entry<String, JsonNode> e : counts.properties()) {
        JsonNode n = e.getValue();
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0) {
          throw new ProfileFormatException(
              "Column '"
                  + name
                  + "': the count of a category must"
                  + " be a positive integer, was "
                  + bounded(n.toString()));
        }
        map.put(e.getKey(), n.longValue());
        sum = Math.addExact(sum, n.longValue());
      }
      if (sum != present) {
        throw new ProfileFormatException(
            "Column '"
                + name
                + "' has "
                + map.size()
                + " categories counting "
                + sum
                + " values; expected "
                + present
                + " values");
      }
      return CategorySketch.restoreExact(
          schema.exactCategoryLimit(), schema.frequentItemsMapSize(), missing, map);
    }
    ItemsSketch<String> sketch =
        SketchImages.frequentItems(
            base64(c, name, "frequentItems"),
            Integer.numberOfTrailingZeros(schema.frequentItemsMapSize()),
            present,
            "Column '" + name + "': \"frequentItems\"");
    return CategorySketch.restoreSketch(
        schema.exactCategoryLimit(), schema.frequentItemsMapSize(), missing, sketch);
  }

  private static byte[] base64(JsonNode c, String column, String field) {
    try {
      return B64D.decode(textField(c, field));
    } catch (IllegalArgumentException e) {
      throw new ProfileFormatException(
          "Column '" + column + "': \"" + field + "\" is not valid base64", e);
    }
  }

  /**
   * At most {@value #MAX_QUOTED} characters of an untrusted value for a message, with an ellipsis
   * and the full length when cut.
   */
  static String bounded(String s) {
    if (s.length() <= MAX_QUOTED) {
      return s;
    }
    int end = MAX_QUOTED;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "... (" + s.length() + " characters)";
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
      throw new ProfileFormatException(
          "Profile field \"" + name + "\" must be a string, was " + bounded(f.toString()));
    }
    return f.textValue();
  }

  private static long longField(JsonNode node, String name) {
    JsonNode f = field(node, name);
    if (!f.isIntegralNumber() || !f.canConvertToLong() || f.longValue() < 0) {
      throw new ProfileFormatException(
          "Profile field \""
              + name
              + "\" must be a non-negative integer, was "
              + bounded(f.toString()));
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
      throw new ProfileFormatException(
          "Profile field \"" + name + "\" must be a finite number, was " + bounded(f.toString()));
    }
    return f.doubleValue();
  }

  /**
   * The sum of squared deviations: a non-negative number, or {@code "Infinity"} when it exceeds the
   * range of a double (values beyond about 10<sup>154</sup> in magnitude).
   */
  private static double m2Field(JsonNode node) {
    JsonNode f = field(node, "m2");
    if (f.isTextual() && "Infinity".equals(f.textValue())) {
      return Double.POSITIVE_INFINITY;
    }
    return doubleField(node, "m2");
  }
}
