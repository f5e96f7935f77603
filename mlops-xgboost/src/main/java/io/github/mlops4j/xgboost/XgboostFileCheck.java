package io.github.mlops4j.xgboost;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an XGBoost model file before XGBoost's native code sees it, and refuses what is not a model
 * saved by {@code Booster.save_model} as JSON or UBJ (Universal Binary JSON): the legacy binary
 * format, anything whose first byte is not an opening brace, a document that is not well formed to
 * its last byte, nesting deeper than {@link #MAX_DEPTH}, strings or keys longer than {@link
 * #MAX_STRING} bytes, duplicate keys, lengths or counts that run past the end of the file, and a
 * model without {@code learner.objective.name} and {@code learner.learner_model_param.num_feature}.
 *
 * <p>JSON is parsed by Jackson's streaming parser under {@link StreamReadConstraints}; UBJ by a
 * bounded structural walk of its markers (every value's type marker, length and count is checked
 * against the bytes left; typed arrays of fixed-size numbers are skipped without reading them;
 * typed arrays of containers are refused, XGBoost does not write them). Tree contents (split
 * indices, thresholds) are not checked: XGBoost checks them when it loads the model.
 */
final class XgboostFileCheck {
  /** XGBoost nests objects six or seven deep (learner, booster, model, trees, tree, arrays). */
  static final int MAX_DEPTH = 32;

  /** The longest string or key, in bytes. */
  static final int MAX_STRING = 1 << 20;

  static final int MAX_FEATURES = 1 << 20;
  static final int MAX_CLASSES = 1 << 16;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxStringLength(MAX_STRING)
                  .maxNameLength(MAX_STRING)
                  .maxNumberLength(1_000)
                  .build())
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  /** The two encodings XGBoost saves models in. */
  enum Encoding {
    JSON,
    UBJ
  }

  /**
   * What the file says about the model.
   *
   * @param featureNames the saved feature names, empty when the model was saved without them
   * @param booster {@code gbtree}, {@code dart} or {@code gblinear}
   */
  record Info(
      Encoding encoding,
      String objective,
      int numClass,
      int numFeature,
      int numTarget,
      List<String> featureNames,
      String booster) {

    /** Whether the objective gives class probabilities. */
    boolean classification() {
      return objective.equals("binary:logistic") || objective.equals("multi:softprob");
    }

    /** How many classes a classifier has. */
    int classes() {
      return objective.equals("binary:logistic") ? 2 : numClass;
    }

    /** Why the objective is not served, or null if it is. */
    @Nullable String unsupported() {
      if (classification()) {
        return objective.equals("multi:softprob") && numClass < 2
            ? "objective multi:softprob with num_class " + numClass
            : null;
      }
      if (objective.startsWith("binary:") || objective.startsWith("multi:")) {
        return "objective "
            + objective
            + " gives no class probabilities; save the model trained with binary:logistic or"
            + " multi:softprob";
      }
      if (objective.startsWith("reg:")
          || objective.startsWith("count:")
          || objective.startsWith("survival:")) {
        return numTarget == 1 ? null : "objective " + objective + " with " + numTarget + " targets";
      }
      return "objective "
          + cut(objective)
          + " is not served (classification: binary:logistic,"
          + " multi:softprob; regression: reg:*, count:*, survival:*)";
    }
  }

  private @Nullable String objective;
  private @Nullable String numClass;
  private @Nullable String numFeature;
  private @Nullable String numTarget;
  private @Nullable String booster;
  private final List<String> featureNames = new ArrayList<>();

  private XgboostFileCheck() {}

  /**
   * Checks a whole file.
   *
   * @param maxBytes the largest file accepted
   * @throws IllegalArgumentException naming what is wrong, in a bounded message
   */
  static Info check(byte[] bytes, long maxBytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("the file is empty");
    }
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException(
          "the file has " + bytes.length + " bytes, over the limit of " + maxBytes);
    }
    if (bytes[0] != '{') {
      throw new IllegalArgumentException(
          "not an XGBoost model saved as JSON or UBJ (the first byte is not '{'); the legacy"
              + " binary format is not read: save the model with save_model(\"model.json\") or"
              + " save_model(\"model.ubj\")");
    }
    int i = 1;
    while (i < bytes.length && isJsonSpace(bytes[i])) {
      i++;
    }
    XgboostFileCheck check = new XgboostFileCheck();
    // XGBoost reads a file that starts with '{' and then '"' as JSON, any other as UBJ
    Encoding encoding = i < bytes.length && bytes[i] == '"' ? Encoding.JSON : Encoding.UBJ;
    if (encoding == Encoding.JSON) {
      check.json(bytes);
    } else {
      new Ubj(bytes, check).document();
    }
    return check.info(encoding);
  }

  private static boolean isJsonSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private void json(byte[] bytes) {
    try (JsonParser p = JSON.createParser(bytes)) {
      p.nextToken(); // START_OBJECT: the first byte is '{'
      while (true) {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw new IllegalArgumentException("the JSON document ends before its last '}'");
        }
        if (t == JsonToken.END_OBJECT && p.getParsingContext().inRoot()) {
          break;
        }
        if (t.isScalarValue()) {
          JsonStreamContext ctx = p.getParsingContext();
          if (ctx.getNestingDepth() == 3) {
            String[] path = new String[3];
            JsonStreamContext c = ctx;
            for (int d = 2; d >= 0; d--) {
              path[d] = c.inArray() ? "[]" : String.valueOf(c.getCurrentName());
              c = c.getParent();
            }
            scalar(path, t == JsonToken.VALUE_NULL ? null : p.getText());
          }
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("content after the JSON document");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + cut(String.valueOf(e.getMessage())));
    }
  }

  /** A scalar at depth 3: {@code path} holds the keys from the root ({@code "[]"} in arrays). */
  void scalar(String[] path, @Nullable String text) {
    if (!path[0].equals("learner")) {
      return;
    }
    String where = path[1] + "." + path[2];
    switch (where) {
      case "objective.name" -> objective = text;
      case "learner_model_param.num_class" -> numClass = text;
      case "learner_model_param.num_feature" -> numFeature = text;
      case "learner_model_param.num_target" -> numTarget = text;
      case "gradient_booster.name" -> booster = text;
      case "feature_names.[]" -> {
        if (text == null || featureNames.size() >= MAX_FEATURES) {
          throw new IllegalArgumentException(
              "learner.feature_names holds a null or too many names");
        }
        featureNames.add(text);
      }
      default -> {
        // not needed
      }
    }
  }

  private Info info(Encoding encoding) {
    String o = objective;
    if (o == null) {
      throw new IllegalArgumentException("no learner.objective.name: not an XGBoost model");
    }
    int features = number(numFeature, "num_feature", 1, MAX_FEATURES, null);
    int classes = number(numClass, "num_class", 0, MAX_CLASSES, 0);
    int targets = number(numTarget, "num_target", 1, MAX_CLASSES, 1);
    if (!featureNames.isEmpty()) {
      if (featureNames.size() != features) {
        throw new IllegalArgumentException(
            "learner.feature_names holds "
                + featureNames.size()
                + " names for num_feature "
                + features);
      }
      if (new HashSet<>(featureNames).size() != features) {
        throw new IllegalArgumentException("learner.feature_names holds duplicate names");
      }
      for (String n : featureNames) {
        if (n.isBlank()) {
          throw new IllegalArgumentException("learner.feature_names holds a blank name");
        }
      }
    }
    return new Info(
        encoding,
        o,
        classes,
        features,
        targets,
        List.copyOf(featureNames),
        booster == null ? "gbtree" : booster);
  }

  private static int number(
      @Nullable String text, String what, int min, int max, @Nullable Integer absent) {
    if (text == null) {
      if (absent == null) {
        throw new IllegalArgumentException(
            "no learner.learner_model_param." + what + ": not an XGBoost model");
      }
      return absent;
    }
    long v;
    try {
      v = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "learner.learner_model_param." + what + " is not an integer: " + cut(text));
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "learner.learner_model_param."
              + what
              + " is "
              + v
              + ", outside ["
              + min
              + ", "
              + max
              + "]");
    }
    return (int) v;
  }

  static String cut(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "... (" + s.length() + " chars)";
  }

  /** A bounded walk of a UBJ document (big-endian, as XGBoost writes it). */
  private static final class Ubj {
    private final byte[] b;
    private final XgboostFileCheck sink;
    private final String[] path = new String[MAX_DEPTH + 1];
    private int pos;

    Ubj(byte[] b, XgboostFileCheck sink) {
      this.b = b;
      this.sink = sink;
    }

    void document() {
      pos = 1; // '{'
      object(1);
      if (pos != b.length) {
        throw new IllegalArgumentException(
            "UBJ: " + (b.length - pos) + " bytes after the end of the document");
      }
    }

    private int next() {
      if (pos >= b.length) {
        throw new IllegalArgumentException("UBJ: the document ends early, at byte " + pos);
      }
      return b[pos++] & 0xff;
    }

    private int peek() {
      if (pos >= b.length) {
        throw new IllegalArgumentException("UBJ: the document ends early, at byte " + pos);
      }
      return b[pos] & 0xff;
    }

    private long readInt(int bytes) {
      need(bytes);
      long v = 0;
      for (int i = 0; i < bytes; i++) {
        v = (v << 8) | (b[pos++] & 0xff);
      }
      return v;
    }

    private void need(long bytes) {
      if (bytes > b.length - pos) {
        throw new IllegalArgumentException(
            "UBJ: a value of " + bytes + " bytes runs past the end, at byte " + pos);
      }
    }

    /** An integer value of marker {@code m}, or null if {@code m} is no integer marker. */
    private @Nullable Long integer(int m) {
      return switch (m) {
        case 'i' -> (long) (byte) readInt(1);
        case 'U' -> readInt(1);
        case 'I' -> (long) (short) readInt(2);
        case 'l' -> (long) (int) readInt(4);
        case 'L' -> readInt(8);
        default -> null;
      };
    }

    /** A length or count: an integer value, at least 0 and at most {@code max}. */
    private long length(long max) {
      int at = pos;
      Long v = integer(next());
      if (v == null) {
        throw new IllegalArgumentException("UBJ: expected a length at byte " + at);
      }
      if (v < 0 || v > max) {
        throw new IllegalArgumentException("UBJ: length " + v + " at byte " + at + " is invalid");
      }
      return v;
    }

    private String string() {
      int len = (int) length(MAX_STRING);
      need(len);
      String s = new String(b, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }

    private static int fixedSize(int m) {
      return switch (m) {
        case 'Z', 'N', 'T', 'F' -> 0;
        case 'i', 'U', 'C' -> 1;
        case 'I' -> 2;
        case 'l', 'd' -> 4;
        case 'L', 'D' -> 8;
        default -> -1;
      };
    }

    private void value(int m, int depth) {
      switch (m) {
        case '{' -> object(depth + 1);
        case '[' -> array(depth + 1);
        case 'S', 'H' -> {
          String s = string();
          scalar(depth, s);
        }
        case 'Z' -> scalar(depth, null);
        case 'T', 'F', 'C', 'd', 'D' -> {
          int size = fixedSize(m);
          need(size);
          pos += size;
          scalar(depth, m == 'T' ? "true" : m == 'F' ? "false" : "");
        }
        default -> {
          Long v = integer(m);
          if (v == null) {
            throw new IllegalArgumentException(
                "UBJ: unknown type marker " + m + " at byte " + (pos - 1));
          }
          scalar(depth, Long.toString(v));
        }
      }
    }

    private void scalar(int depth, @Nullable String text) {
      if (depth == 3) {
        sink.scalar(new String[] {path[0], path[1], path[2]}, text);
      }
    }

    private void enter(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("UBJ: nested deeper than " + MAX_DEPTH);
      }
    }

    /** The {@code $type} and {@code #count} of an optimized container; {-1, -1} if absent. */
    private long[] header() {
      long type = -1;
      long count = -1;
      if (peek() == '$') {
        pos++;
        type = next();
        if (type == '{'
            || type == '['
            || (fixedSize((int) type) < 0 && type != 'S' && type != 'H')) {
          throw new IllegalArgumentException("UBJ: unsupported container type " + type);
        }
        if (peek() != '#') {
          throw new IllegalArgumentException("UBJ: a typed container without a count");
        }
      }
      if (peek() == '#') {
        pos++;
        int size = type < 0 ? 1 : Math.max(fixedSize((int) type), 1);
        count =
            length(
                (b.length - pos) / size
                    + (type >= 0 && fixedSize((int) type) == 0 ? MAX_STRING : 0));
      }
      return new long[] {type, count};
    }

    private void object(int depth) {
      enter(depth);
      long[] h = header();
      Set<String> keys = new HashSet<>();
      for (long i = 0; h[1] < 0 || i < h[1]; i++) {
        if (h[1] < 0 && peek() == '}') {
          pos++;
          return;
        }
        String key = string();
        if (!keys.add(key)) {
          throw new IllegalArgumentException("UBJ: duplicate key '" + cut(key) + "'");
        }
        if (depth <= path.length) {
          path[depth - 1] = key;
        }
        value(h[0] >= 0 ? (int) h[0] : next(), depth);
      }
    }

    private void array(int depth) {
      enter(depth);
      path[depth - 1] = "[]";
      long[] h = header();
      int type = (int) h[0];
      if (type >= 0 && fixedSize(type) >= 0 && depth != 3) {
        long bytes = h[1] * fixedSize(type);
        need(bytes);
        pos += (int) bytes; // numbers or constants of no interest: skipped unread
        return;
      }
      for (long i = 0; h[1] < 0 || i < h[1]; i++) {
        if (h[1] < 0) {
          int m = peek();
          if (m == ']') {
            pos++;
            return;
          }
          if (m == 'N') {
            pos++;
            continue;
          }
        }
        value(type >= 0 ? type : next(), depth);
      }
    }
  }
}
