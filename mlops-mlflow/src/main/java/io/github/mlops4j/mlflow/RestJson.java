package io.github.mlops4j.mlflow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Request parameters (a JSON body merged over the query string) and JSON output, with the checks
 * MLflow's protobuf parsing makes: a field of the wrong type is an {@code INVALID_PARAMETER_VALUE}.
 */
final class RestJson {
  /** Deepest nesting of a request body; MLflow's requests nest three levels at most. */
  static final int MAX_DEPTH = 32;

  static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_DEPTH)
                      .maxNumberLength(400)
                      .build())
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  private RestJson() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads at most {@code max} bytes; more is an error that names the limit. */
  static byte[] readBounded(InputStream in, long max) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
        if (total > max) {
          throw RestError.invalid("Request body is over the limit of " + max + " bytes");
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw new RestError(RestError.Code.BAD_REQUEST, "Could not read the request body: " + e);
    }
    return out.toByteArray();
  }

  /** The parameters of a request: the JSON body's fields over the query string's. */
  static ObjectNode params(String rawQuery, byte[] body) {
    ObjectNode params = object();
    if (!rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq), true);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
        JsonNode old = params.get(key);
        if (old == null) {
          params.put(key, value);
        } else if (old instanceof ArrayNode a) {
          a.add(value);
        } else {
          ArrayNode a = params.putArray(key);
          a.add(old);
          a.add(value);
        }
      }
    }
    if (body.length > 0) {
      JsonNode root;
      try (JsonParser p = MAPPER.createParser(body)) {
        root = MAPPER.readTree(p);
        if (p.nextToken() != null) {
          throw RestError.invalid("Malformed JSON request body: content after the JSON value");
        }
      } catch (StreamConstraintsException e) {
        throw RestError.invalid(
            "Malformed JSON request body: over a limit (nesting at most "
                + MAX_DEPTH
                + " levels): "
                + RestError.cut(String.valueOf(e.getOriginalMessage())));
      } catch (IOException e) {
        throw new RestError(
            RestError.Code.BAD_REQUEST,
            "Malformed JSON request body: "
                + RestError.cut(
                    String.valueOf(
                        e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? j.getOriginalMessage()
                            : e.getMessage())));
      }
      if (root == null || root.isNull() || root.isMissingNode()) {
        return params;
      }
      if (!(root instanceof ObjectNode o)) {
        throw RestError.invalid("Request body must be a JSON object, not " + root.getNodeType());
      }
      params.setAll(o);
    }
    return params;
  }

  /**
   * Decodes percent-encoding once, strictly: a {@code %} not followed by two hex digits, or bytes
   * that are not UTF-8, are refused. {@code +} is a space only in a query ({@code form}).
   */
  static String decode(String s, boolean form) {
    if (s.indexOf('%') < 0 && (!form || s.indexOf('+') < 0)) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw badEncoding(s);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw badEncoding(s);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+' && form) {
        out.write(' ');
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw badEncoding(s);
    }
  }

  private static RestError badEncoding(String s) {
    return new RestError(
        RestError.Code.BAD_REQUEST, "Malformed percent-encoding in '" + RestError.cut(s) + "'");
  }

  // ---------------------------------------------------------------- typed access

  static @Nullable String optString(JsonNode params, String field) {
    JsonNode n = params.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw RestError.invalid(
          "Invalid value for parameter '" + field + "': expected a string, got " + n.getNodeType());
    }
    return n.textValue();
  }

  static String string(JsonNode params, String field) {
    String s = optString(params, field);
    if (s == null || s.isEmpty()) {
      throw RestError.invalid("Missing value for required parameter '" + field + "'");
    }
    return s;
  }

  /** An int64 given as a JSON integer or as a decimal string (protobuf's JSON form). */
  static @Nullable Long optLong(JsonNode params, String field) {
    JsonNode n = params.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (n.isTextual()) {
      try {
        return Long.parseLong(n.textValue().trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw RestError.invalid(
        "Invalid value for parameter '"
            + field
            + "': expected a 64-bit integer, got "
            + RestError.cut(n.toString()));
  }

  static long longOr(JsonNode params, String field, long dflt) {
    Long v = optLong(params, field);
    return v == null ? dflt : v;
  }

  /** A double as a JSON number or a string ({@code "NaN"}, {@code "Infinity"}, decimal). */
  static double dbl(JsonNode params, String field) {
    JsonNode n = params.get(field);
    if (n == null || n.isNull()) {
      throw RestError.invalid("Missing value for required parameter '" + field + "'");
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      String t = n.textValue().trim();
      switch (t) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(t);
          } catch (NumberFormatException e) {
            // fall through
          }
      }
    }
    throw RestError.invalid(
        "Invalid value for parameter '"
            + field
            + "': expected a number, got "
            + RestError.cut(n.toString()));
  }

  static boolean bool(JsonNode params, String field) {
    JsonNode n = params.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual() && (n.textValue().equals("true") || n.textValue().equals("false"))) {
      return Boolean.parseBoolean(n.textValue());
    }
    throw RestError.invalid(
        "Invalid value for parameter '"
            + field
            + "': expected true or false, got "
            + n.getNodeType());
  }

  /** A repeated field: a JSON array, or one value (a query string's single occurrence). */
  static List<JsonNode> list(JsonNode params, String field) {
    JsonNode n = params.get(field);
    List<JsonNode> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(out::add);
    } else {
      out.add(n);
    }
    return out;
  }

  static List<String> strings(JsonNode params, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : list(params, field)) {
      if (!n.isTextual()) {
        throw RestError.invalid(
            "Invalid value for parameter '"
                + field
                + "': expected strings, got "
                + n.getNodeType());
      }
      out.add(n.textValue());
    }
    return out;
  }

  /** A repeated message field: every element must be a JSON object. */
  static List<JsonNode> objects(JsonNode params, String field) {
    List<JsonNode> out = list(params, field);
    for (JsonNode n : out) {
      if (!n.isObject()) {
        throw RestError.invalid(
            "Invalid value for parameter '"
                + field
                + "': expected a list of objects, got an element of type "
                + n.getNodeType());
      }
    }
    return out;
  }
}
