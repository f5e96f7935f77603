package io.github.mlops4j.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;

/**
 * What to register as a model version: a Tribuo model (stored in Tribuo's protobuf form, with its
 * signature read from the model) or any file with a format name, plus an optional description, tags
 * and signature. Immutable: each setter returns a copy.
 *
 * <pre>{@code
 * registry.register("churn", ModelArtifact.tribuo(model).description("weekly retrain"), runId);
 * registry.register("churn", ModelArtifact.file(onnxFile, "onnx").signature(signature), runId);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ModelArtifact {
  /** Tribuo's protobuf model format ({@code Model.serialize()}), the safe default. */
  public static final String TRIBUO_PROTOBUF = "tribuo-protobuf";

  /**
   * Java-serialized Tribuo models: loaded only when the registry allows it, and then through an
   * {@link java.io.ObjectInputFilter} allowlist.
   */
  public static final String TRIBUO_JAVA_SERIALIZED = "tribuo-java-serialized";

  private final @Nullable Model<?> model;
  private final @Nullable Path file;
  private final String format;
  private final String description;
  private final Map<String, String> tags;
  private final @Nullable ModelSignature signature;

  private ModelArtifact(
      @Nullable Model<?> model,
      @Nullable Path file,
      String format,
      String description,
      Map<String, String> tags,
      @Nullable ModelSignature signature) {
    this.model = model;
    this.file = file;
    this.format = format;
    this.description = description;
    this.tags = Map.copyOf(tags);
    this.signature = signature;
  }

  /** A Tribuo model, stored in protobuf form; its signature comes from its domains. */
  public static ModelArtifact tribuo(Model<?> model) {
    Objects.requireNonNull(model, "model");
    return new ModelArtifact(model, null, TRIBUO_PROTOBUF, "", Map.of(), ModelSignature.of(model));
  }

  /**
   * A model file of any format ({@code onnx}, {@code xgboost}, {@link #TRIBUO_PROTOBUF}, ...),
   * stored as it is.
   */
  public static ModelArtifact file(Path file, String format) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Model file " + file + " does not exist or is not a file");
    }
    if (!format.matches("[A-Za-z0-9][A-Za-z0-9_.+\\-]{0,63}")) {
      throw new IllegalArgumentException(
          "Bad model format name '"
              + format
              + "': use 1 to 64 letters, digits, '_', '.', '+' or '-'");
    }
    return new ModelArtifact(null, file, format, "", Map.of(), null);
  }

  public ModelArtifact description(String description) {
    return new ModelArtifact(
        model, file, format, Objects.requireNonNull(description), tags, signature);
  }

  public ModelArtifact tag(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(tags);
    copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new ModelArtifact(model, file, format, description, copy, signature);
  }

  public ModelArtifact signature(ModelSignature signature) {
    return new ModelArtifact(
        model, file, format, description, tags, Objects.requireNonNull(signature, "signature"));
  }

  @Nullable Model<?> model() {
    return model;
  }

  @Nullable Path file() {
    return file;
  }

  String format() {
    return format;
  }

  String description() {
    return description;
  }

  Map<String, String> tags() {
    return tags;
  }

  @Nullable ModelSignature signatureOrNull() {
    return signature;
  }
}
