package io.github.mlops4j.xgboost;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hostile and broken model files, made from the fixtures; each with a fragment of the message that
 * refuses it. Also the seed corpus of {@link XgboostFileCheckFuzzTest}.
 */
final class XgboostFiles {
  private XgboostFiles() {}

  static String json() {
    return new String(Fixtures.bytes("classifier.json"), StandardCharsets.UTF_8);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Crafted file name to (bytes, message fragment). */
  static Map<String, Map.Entry<byte[], String>> crafted() {
    Map<String, Map.Entry<byte[], String>> out = new LinkedHashMap<>();
    byte[] ubj = Fixtures.bytes("classifier.ubj");
    String json = json();
    out.put("empty", Map.entry(new byte[0], "empty"));
    out.put(
        "legacy-binary",
        Map.entry(utf8("binf\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), "legacy binary format"));
    out.put("leading-space", Map.entry(utf8(" " + json), "first byte"));
    out.put("truncated-json", Map.entry(utf8(json.substring(0, json.length() / 2)), "JSON"));
    out.put("truncated-ubj", Map.entry(Arrays.copyOf(ubj, ubj.length / 2), "UBJ"));
    out.put("trailing-json", Map.entry(utf8(json + "{}"), "after the JSON document"));
    out.put(
        "trailing-ubj",
        Map.entry(Arrays.copyOf(ubj, ubj.length + 3), "bytes after the end of the document"));
    out.put(
        "deep-json",
        Map.entry(utf8("{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"), "depth"));
    out.put("deep-ubj", Map.entry(deepUbj(5_000), "nested deeper than"));
    out.put("huge-length-ubj", Map.entry(hugeLengthUbj(), "invalid"));
    out.put(
        "duplicate-key",
        Map.entry(utf8("{\"learner\":{},\"learner\":{}}"), "Duplicate field 'learner'"));
    out.put("no-learner", Map.entry(utf8("{\"version\":[1,7,4]}"), "not an XGBoost model"));
    out.put(
        "huge-num-feature",
        Map.entry(
            utf8(json.replace("\"num_feature\":\"5\"", "\"num_feature\":\"99999999999\"")),
            "num_feature is 99999999999"));
    out.put(
        "logitraw",
        Map.entry(
            utf8(json.replace("\"binary:logistic\"", "\"binary:logitraw\"")),
            "gives no class probabilities"));
    out.put(
        "rank",
        Map.entry(utf8(json.replace("\"binary:logistic\"", "\"rank:pairwise\"")), "not served"));
    out.put(
        "names-count",
        Map.entry(
            utf8(json.replace("\"calls\"]", "\"calls\",\"extra\"]")), "6 names for num_feature 5"));
    return out;
  }

  /** {@code depth} objects nested in UBJ, each under key "a". */
  static byte[] deepUbj(int depth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('{');
    for (int i = 0; i < depth; i++) {
      out.writeBytes(new byte[] {'i', 1, 'a', '{'});
    }
    for (int i = 0; i <= depth; i++) {
      out.write('}');
    }
    return out.toByteArray();
  }

  /** A UBJ string that declares 2^62 bytes. */
  static byte[] hugeLengthUbj() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'{', 'i', 7});
    out.writeBytes(utf8("learner"));
    out.writeBytes(new byte[] {'S', 'L', 0x40, 0, 0, 0, 0, 0, 0, 0, 'x', '}'});
    return out.toByteArray();
  }
}
