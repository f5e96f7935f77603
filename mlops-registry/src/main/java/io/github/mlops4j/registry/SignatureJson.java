package io.github.mlops4j.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The persisted form of a {@link ModelSignature} (column {@code model_versions.signature}):
 *
 * <pre>{"schemaVersion":1,"inputs":[{"name":"tenure","type":"REAL"}],"outputType":"Label",
 * "outputLabels":["no","yes"]}</pre>
 *
 * <p>Schema version 2 adds feature type {@code INTEGER}; a signature is written in version 1 unless
 * it has an {@code INTEGER} feature, so that releases that read only version 1 keep reading every
 * signature they can understand, and refuse the others with the advice to upgrade rather than as
 * corrupt. Reading takes both; type {@code INTEGER} in a version 1 document is corrupt.
 */
final class SignatureJson {
  /** The newest schema version, read and written. */
  static final int SCHEMA_VERSION = 2;

  /** The schema version of signatures without an {@code INTEGER} feature. */
  static final int SCHEMA_VERSION_1 = 1;

  /**
   * Reading refuses duplicate keys and bounds the document: nesting 16 (the format needs 3), 64
   * MiB, strings of 1 MiB, names of 1,000 characters, numbers of 100 digits.
   */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(16)
                          .maxDocumentLength(64L << 20)
                          .maxStringLength(1 << 20)
                          .maxNameLength(1_000)
                          .maxNumberLength(100)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .build();

  private SignatureJson() {}

  static String write(ModelSignature signature) {
    ObjectNode root = MAPPER.createObjectNode();
    boolean integer =
        signature.inputs().stream().anyMatch(f -> f.type() == FeatureSpec.Type.INTEGER);
    root.put("schemaVersion", integer ? SCHEMA_VERSION : SCHEMA_VERSION_1);
    ArrayNode inputs = root.putArray("inputs");
    for (FeatureSpec f : signature.inputs()) {
      inputs.addObject().put("name", f.name()).put("type", f.type().name());
    }
    root.put("outputType", signature.outputType());
    ArrayNode labels = root.putArray("outputLabels");
    signature.outputLabels().forEach(labels::add);
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write signature", e);
    }
  }

  static ModelSignature read(String json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      int version = root.path("schemaVersion").asInt(-1);
      if (version != SCHEMA_VERSION && version != SCHEMA_VERSION_1) {
        throw new RegistryException(
            null,
            null,
            "Model signature has schema version "
                + version
                + "; this version of mlops4j reads versions "
                + SCHEMA_VERSION_1
                + " to "
                + SCHEMA_VERSION
                + ". Upgrade mlops4j.");
      }
      List<FeatureSpec> inputs = new ArrayList<>();
      for (JsonNode f : root.path("inputs")) {
        FeatureSpec.Type type = FeatureSpec.Type.valueOf(f.path("type").asText());
        if (type == FeatureSpec.Type.INTEGER && version == SCHEMA_VERSION_1) {
          throw new IllegalArgumentException(
              "feature type INTEGER needs schema version " + SCHEMA_VERSION);
        }
        inputs.add(new FeatureSpec(f.path("name").asText(), type));
      }
      List<String> labels = new ArrayList<>();
      root.path("outputLabels").forEach(l -> labels.add(l.asText()));
      return new ModelSignature(inputs, root.path("outputType").asText(), labels);
    } catch (JsonProcessingException e) {
      throw new RegistryException(
          null,
          null,
          "Corrupt model signature: "
              + ProtobufModelCheck.cut(String.valueOf(e.getOriginalMessage())),
          e);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          null,
          null,
          "Corrupt model signature: " + ProtobufModelCheck.cut(String.valueOf(e.getMessage())),
          e);
    }
  }
}
