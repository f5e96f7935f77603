package io.github.mlops4j.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One registered version of a model: an immutable snapshot read from the registry.
 *
 * @since 0.1.0
 */
public final class ModelVersion {
  private final String modelName;
  private final int version;
  private final @Nullable String runId;
  private final String digest;
  private final long sizeBytes;
  private final String format;
  private final @Nullable ModelSignature signature;
  private final String description;
  private final ModelStatus status;
  private final Instant createdTime;
  private final String createdBy;
  private final Map<String, String> tags;
  private final List<String> aliases;

  ModelVersion(
      String modelName,
      int version,
      @Nullable String runId,
      String digest,
      long sizeBytes,
      String format,
      @Nullable ModelSignature signature,
      String description,
      ModelStatus status,
      Instant createdTime,
      String createdBy,
      Map<String, String> tags,
      List<String> aliases) {
    this.modelName = Objects.requireNonNull(modelName);
    this.version = version;
    this.runId = runId;
    this.digest = Objects.requireNonNull(digest);
    this.sizeBytes = sizeBytes;
    this.format = Objects.requireNonNull(format);
    this.signature = signature;
    this.description = Objects.requireNonNull(description);
    this.status = Objects.requireNonNull(status);
    this.createdTime = Objects.requireNonNull(createdTime);
    this.createdBy = Objects.requireNonNull(createdBy);
    this.tags = Map.copyOf(tags);
    this.aliases = List.copyOf(aliases);
  }

  public String modelName() {
    return modelName;
  }

  /** The version number: 1, 2, 3 ... per model, without gaps. */
  public int version() {
    return version;
  }

  /** The tracking run that produced this version. */
  public Optional<String> runId() {
    return Optional.ofNullable(runId);
  }

  /** SHA-256 of the model artifact (64 lowercase hex), checked before every load. */
  public String digest() {
    return digest;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  /** The artifact format, e.g. {@link ModelArtifact#TRIBUO_PROTOBUF} or {@code onnx}. */
  public String format() {
    return format;
  }

  /** Input features and output domain; always present for Tribuo models. */
  public Optional<ModelSignature> signature() {
    return Optional.ofNullable(signature);
  }

  public String description() {
    return description;
  }

  public ModelStatus status() {
    return status;
  }

  public Instant createdTime() {
    return createdTime;
  }

  /** The actor that registered it. */
  public String createdBy() {
    return createdBy;
  }

  public Map<String, String> tags() {
    return tags;
  }

  /** Aliases pointing at this version when it was read, sorted. */
  public List<String> aliases() {
    return aliases;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelVersion v
        && modelName.equals(v.modelName)
        && version == v.version
        && Objects.equals(runId, v.runId)
        && digest.equals(v.digest)
        && format.equals(v.format)
        && Objects.equals(signature, v.signature)
        && description.equals(v.description)
        && status == v.status
        && createdTime.equals(v.createdTime)
        && createdBy.equals(v.createdBy)
        && tags.equals(v.tags)
        && aliases.equals(v.aliases)
        && sizeBytes == v.sizeBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelName, version, digest, status, tags, aliases);
  }

  @Override
  public String toString() {
    return modelName
        + " v"
        + version
        + " ("
        + format
        + ", "
        + status
        + (aliases.isEmpty() ? "" : ", " + String.join(", ", aliases))
        + ")";
  }
}
