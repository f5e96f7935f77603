package io.github.mlops4j.registry.internal;

import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.registry.ModelVersion;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Loads a version in a JVM that has no registry (a Spark executor) from bytes read on another JVM,
 * with the registry's own checks: the bytes are checked against the version's size and SHA-256
 * again, then loaded exactly as {@code ModelRegistry.loadTribuo} loads them (protobuf class
 * allowlist, the Java serialization filter if allowed, the {@code ModelFormatLoader}s found on the
 * class path for other formats). Installed by the registry's loader. Not API.
 */
public final class DetachedLoading {
  /**
   * A version as a serializable value, to ship to another JVM.
   *
   * @param signatureJson the signature in the registry's stored form, or null
   * @param status the {@code ModelStatus} name
   */
  public record VersionData(
      String modelName,
      int version,
      @Nullable String runId,
      String digest,
      long sizeBytes,
      String format,
      @Nullable String signatureJson,
      String description,
      String status,
      long createdMillis,
      String createdBy,
      Map<String, String> tags,
      List<String> aliases)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** What the registry installs. */
  public interface Access {
    VersionData describe(ModelVersion v);

    ModelVersion version(VersionData data);

    byte[] verifiedBytes(ModelVersion v, ArtifactStore artifacts);

    <T extends Output<T>> Model<T> load(
        ModelVersion v,
        byte[] bytes,
        List<String> allowedClassPrefixes,
        @Nullable String javaSerialFilter,
        Class<T> outputType);
  }

  private static volatile @Nullable Access access;

  private DetachedLoading() {}

  /**
   * Installs the registry's side; only once, and only from the registry's loader.
   *
   * @throws IllegalStateException if installed already or called from elsewhere
   */
  public static synchronized void install(Access a) {
    Class<?> caller =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
    if (!caller.getName().equals("io.github.mlops4j.registry.TribuoLoader")) {
      throw new IllegalStateException("Only the registry installs detached loading");
    }
    if (access != null) {
      throw new IllegalStateException("DetachedLoading is installed already");
    }
    access = Objects.requireNonNull(a, "access");
  }

  /** The version as a value to ship. */
  public static VersionData describe(ModelVersion v) {
    return access().describe(v);
  }

  /** The version a shipped value describes. */
  public static ModelVersion version(VersionData data) {
    return access().version(data);
  }

  /**
   * Reads the artifact of {@code v} once and checks its size and SHA-256, as {@code
   * ModelRegistry.loadTribuo} does before it parses anything.
   *
   * @throws RuntimeException a {@code ModelIntegrityException} if it is missing or changed, a
   *     {@code RegistryException} if it cannot be read or is too large to load
   */
  public static byte[] verifiedBytes(ModelVersion v, ArtifactStore artifacts) {
    return access().verifiedBytes(v, artifacts);
  }

  /**
   * Loads {@code v} from {@code bytes} with a registry's loading settings.
   *
   * @throws RuntimeException what {@code ModelRegistry.loadTribuo} throws for the same file: a
   *     {@code ModelIntegrityException} if the bytes are not the recorded artifact, an {@code
   *     UnsafeModelException}, a {@code RegistryException}
   */
  public static <T extends Output<T>> Model<T> load(
      ModelVersion v,
      byte[] bytes,
      List<String> allowedClassPrefixes,
      @Nullable String javaSerialFilter,
      Class<T> outputType) {
    return access().load(v, bytes, allowedClassPrefixes, javaSerialFilter, outputType);
  }

  private static Access access() {
    Access a = access;
    if (a == null) {
      try {
        Class.forName(
            "io.github.mlops4j.registry.TribuoLoader",
            true,
            DetachedLoading.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("The registry's loader is missing", e);
      }
      a = access;
      if (a == null) {
        throw new IllegalStateException("The registry's loader did not install itself");
      }
    }
    return a;
  }
}
