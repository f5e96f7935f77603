package io.github.mlops4j.registry;

import io.github.mlops4j.artifacts.ArtifactCorruptedException;
import io.github.mlops4j.artifacts.ArtifactNotFoundException;
import io.github.mlops4j.artifacts.ArtifactStore;
import io.github.mlops4j.registry.internal.DetachedLoading;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.protos.core.ModelProto;

/**
 * Loads Tribuo models safely: whole file read once, SHA-256 checked against the registry, then a
 * protobuf file is checked by {@link ProtobufModelCheck} (every class name in it, at every depth,
 * in the allowed packages) and a Java-serialized one read through the serialization filter, and
 * only then handed to Tribuo.
 */
final class TribuoLoader {
  private static final Logger LOG = LoggerFactory.getLogger(TribuoLoader.class);

  private final List<String> allowedClassPrefixes;
  private final @Nullable String javaSerialFilter;
  private final ProtobufModelCheck protobufCheck;
  private final FormatLoaders formats;

  TribuoLoader(
      List<String> allowedClassPrefixes,
      @Nullable String javaSerialFilter,
      List<ModelFormatLoader> explicitLoaders) {
    this.allowedClassPrefixes = List.copyOf(allowedClassPrefixes);
    this.javaSerialFilter = javaSerialFilter;
    this.protobufCheck = new ProtobufModelCheck(allowedClassPrefixes, javaSerialFilter);
    this.formats = new FormatLoaders(explicitLoaders);
  }

  static {
    DetachedLoading.install(new Detached());
  }

  <T extends Output<T>> Model<T> load(
      ModelVersion v, ArtifactStore artifacts, Class<T> outputType) {
    return load(v, () -> verifiedBytes(v, artifacts), outputType);
  }

  /**
   * Loads {@code v} from {@code bytes}, read at most once and only after the format checks pass;
   * the supplier verifies them (size and SHA-256) before it returns.
   */
  <T extends Output<T>> Model<T> load(
      ModelVersion v, Supplier<byte[]> verified, Class<T> outputType) {
    String format = v.format();
    boolean java = format.equals(ModelArtifact.TRIBUO_JAVA_SERIALIZED);
    if (!java && !format.equals(ModelArtifact.TRIBUO_PROTOBUF)) {
      ModelFormatLoader other = formats.find(format);
      if (other != null) {
        return other.load(v, verified.get(), outputType);
      }
      String module = FormatLoaders.moduleOf(format);
      if (module != null) {
        throw new RegistryException(
            v.modelName(),
            v.version(),
            "Version "
                + v.version()
                + " of '"
                + ProtobufModelCheck.cut(v.modelName())
                + "' is a '"
                + format
                + "' model, not a Tribuo model, and no loader for that format is on the class"
                + " path: add "
                + module);
      }
      throw new RegistryException(
          v.modelName(),
          v.version(),
          "Version "
              + v.version()
              + " of '"
              + v.modelName()
              + "' is a '"
              + format
              + "' artifact, not a Tribuo model; read it with"
              + " openArtifact(...)");
    }
    if (java && javaSerialFilter == null) {
      throw new UnsafeModelException(
          v.modelName(),
          v.version(),
          "Version "
              + v.version()
              + " of '"
              + v.modelName()
              + "' is a Java-serialized model, which this registry refuses"
              + " to load; re-register it in Tribuo's protobuf format, or allow Java serialization"
              + " with ModelRegistry.builder().allowJavaSerialization(filter) for trusted files only");
    }
    byte[] bytes = verified.get();
    Model<?> model = java ? fromJava(v, bytes) : fromProtobuf(v, bytes);
    if (!model.validate(outputType)) {
      // Tribuo's own ClassCastException quotes the whole provenance (kilobytes): keep it for
      // the debug log and give the caller one line.
      String actual = outputTypeName(model);
      LOG.debug(
          "Version {} of '{}' is a {} model, not {}: {}",
          v.version(),
          v.modelName(),
          actual,
          outputType.getName(),
          model);
      throw new RegistryException(
          v.modelName(),
          v.version(),
          ProtobufModelCheck.cut(v.modelName())
              + " v"
              + v.version()
              + " is a "
              + actual
              + " model, not "
              + outputType.getSimpleName()
              + "; load it with loadTribuo(version, "
              + actual
              + ".class)");
    }
    return model.castModel(outputType);
  }

  /** The simple class name of the model's outputs, e.g. {@code Label}, or "unknown-output". */
  private static <T extends Output<T>> String outputTypeName(Model<T> model) {
    for (com.oracle.labs.mlrg.olcut.util.Pair<Integer, T> p : model.getOutputIDInfo()) {
      Class<?> type = p.getB().getClass();
      // Regression domains hold DimensionTuple, a Regressor: name the topmost Output class.
      while (type.getSuperclass() != null && Output.class.isAssignableFrom(type.getSuperclass())) {
        type = type.getSuperclass();
      }
      return type.getSimpleName();
    }
    return "unknown-output";
  }

  /** The largest artifact read into memory: the largest Java array, less a header margin. */
  static final long MAX_LOADED_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Reads the artifact through the store and checks its size and SHA-256; nothing is parsed before
   * this returns. The store's stream verifies the digest when it reaches the end (see {@link
   * ArtifactStore#open}); reading one byte past the recorded size makes it reach the end, so a
   * longer, shorter or altered object is refused without hashing the bytes a second time.
   */
  static byte[] verifiedBytes(ModelVersion v, ArtifactStore artifacts) {
    if (v.sizeBytes() > MAX_LOADED_BYTES) {
      throw new RegistryException(
          v.modelName(),
          v.version(),
          "The artifact of version "
              + v.version()
              + " of '"
              + v.modelName()
              + "' is "
              + v.sizeBytes()
              + " bytes, more than can be loaded into memory ("
              + MAX_LOADED_BYTES
              + "). It was not loaded.");
    }
    byte[] bytes;
    try (InputStream in = artifacts.open(v.digest())) {
      bytes = in.readNBytes((int) Math.min(v.sizeBytes() + 1, MAX_LOADED_BYTES));
    } catch (ArtifactNotFoundException e) {
      throw new ModelIntegrityException(
          v.modelName(),
          v.version(),
          "The artifact of version "
              + v.version()
              + " of '"
              + v.modelName()
              + "' is missing from "
              + artifacts.location()
              + " (SHA-256 "
              + v.digest()
              + ")");
    } catch (ArtifactCorruptedException e) {
      throw integrityFailure(v, "SHA-256 " + e.actual() + " (" + e.path() + ")");
    } catch (IOException e) {
      throw new RegistryException(
          v.modelName(),
          v.version(),
          "Cannot read the artifact " + v.digest() + " from " + artifacts.location() + ": " + e,
          e);
    }
    if (bytes.length != v.sizeBytes()) {
      throw integrityFailure(
          v, bytes.length > v.sizeBytes() ? "more bytes" : bytes.length + " bytes");
    }
    return bytes;
  }

  private static ModelIntegrityException integrityFailure(ModelVersion v, String found) {
    return new ModelIntegrityException(
        v.modelName(),
        v.version(),
        "The artifact of version "
            + v.version()
            + " of '"
            + v.modelName()
            + "' failed its integrity check: expected "
            + v.sizeBytes()
            + " bytes with SHA-256 "
            + v.digest()
            + ", found "
            + found
            + ". It was not loaded.");
  }

  /**
   * Checks a protobuf model file before Tribuo sees it.
   *
   * @throws UnsafeModelException if the file is empty, malformed, or fails a check
   */
  ModelProto checkProtobuf(ModelVersion v, byte[] bytes) {
    return protobufCheck.check(v.modelName(), v.version(), bytes);
  }

  private Model<?> fromProtobuf(ModelVersion v, byte[] bytes) {
    ModelProto proto = checkProtobuf(v, bytes);
    try {
      return Model.deserialize(proto);
    } catch (RuntimeException e) {
      throw new RegistryException(
          v.modelName(),
          v.version(),
          "Tribuo could not load version "
              + v.version()
              + " of '"
              + v.modelName()
              + "': "
              + e.getMessage(),
          e);
    }
  }

  private Model<?> fromJava(ModelVersion v, byte[] bytes) {
    Object o;
    try {
      o = readFiltered(bytes, Objects.requireNonNull(javaSerialFilter));
    } catch (FilterRefusal e) {
      throw new UnsafeModelException(
          v.modelName(),
          v.version(),
          "The serialization filter"
              + " refused version "
              + v.version()
              + " of '"
              + v.modelName()
              + "': "
              + e.getMessage()
              + "; it was not loaded");
    } catch (IOException | ClassNotFoundException e) {
      throw new RegistryException(
          v.modelName(),
          v.version(),
          "Cannot deserialize version "
              + v.version()
              + " of '"
              + v.modelName()
              + "': "
              + ProtobufModelCheck.cut(e.toString()),
          e);
    }
    if (!(o instanceof Model<?> model)) {
      throw new UnsafeModelException(
          v.modelName(),
          v.version(),
          "Version "
              + v.version()
              + " holds "
              + (o == null ? "null" : "a " + ProtobufModelCheck.cut(o.getClass().getName()))
              + ", not a Tribuo model");
    }
    checkClass(v, model.getClass().getName());
    return model;
  }

  /**
   * Reads one Java-serialized object through the filter {@code pattern}, merged with the JVM-wide
   * filter ({@code jdk.serialFilter}) if there is one: a class or limit either refuses is refused.
   *
   * @throws FilterRefusal if the filter refused something; the message says what, where and under
   *     which pattern
   */
  static @Nullable Object readFiltered(byte[] bytes, String pattern)
      throws IOException, ClassNotFoundException {
    ObjectInputFilter ours = ObjectInputFilter.Config.createFilter(pattern);
    ObjectInputFilter jvm = ObjectInputFilter.Config.getSerialFilter();
    ObjectInputFilter merged = jvm == null ? ours : ObjectInputFilter.merge(ours, jvm);
    String[] refusal = new String[1];
    ObjectInputFilter recording =
        info -> {
          ObjectInputFilter.Status status = merged.checkInput(info);
          if (status == ObjectInputFilter.Status.REJECTED && refusal[0] == null) {
            Class<?> c = info.serialClass();
            refusal[0] =
                (c == null ? "an object" : "class " + ProtobufModelCheck.cut(c.getName()))
                    + " at depth "
                    + info.depth()
                    + " (references "
                    + info.references()
                    + ", array length "
                    + info.arrayLength()
                    + ", stream bytes "
                    + info.streamBytes()
                    + ") under the filter '"
                    + ProtobufModelCheck.cut(pattern)
                    + "'"
                    + (jvm == null ? "" : " and the JVM-wide jdk.serialFilter");
          }
          return status;
        };
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(recording);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (refusal[0] != null) {
        throw new FilterRefusal("it refused " + refusal[0]);
      }
      throw e;
    }
  }

  /** The serialization filter refused part of a stream. */
  static final class FilterRefusal extends InvalidClassException {
    private static final long serialVersionUID = 1L;

    FilterRefusal(String reason) {
      super(reason);
    }
  }

  private void checkClass(ModelVersion v, String className) {
    for (String prefix : allowedClassPrefixes) {
      if (className.startsWith(prefix)) {
        return;
      }
    }
    throw new UnsafeModelException(
        v.modelName(),
        v.version(),
        "Version "
            + v.version()
            + " of '"
            + v.modelName()
            + "' names model class "
            + ProtobufModelCheck.cut(className)
            + ", outside the allowed packages "
            + allowedClassPrefixes
            + "; it was not loaded");
  }

  /** What {@link DetachedLoading} does, with this package's access. */
  private static final class Detached implements DetachedLoading.Access {
    @Override
    public DetachedLoading.VersionData describe(ModelVersion v) {
      return new DetachedLoading.VersionData(
          v.modelName(),
          v.version(),
          v.runId().orElse(null),
          v.digest(),
          v.sizeBytes(),
          v.format(),
          v.signature().map(SignatureJson::write).orElse(null),
          v.description(),
          v.status().name(),
          v.createdTime().toEpochMilli(),
          v.createdBy(),
          new java.util.HashMap<>(v.tags()),
          new java.util.ArrayList<>(v.aliases()));
    }

    @Override
    public ModelVersion version(DetachedLoading.VersionData d) {
      return new ModelVersion(
          d.modelName(),
          d.version(),
          d.runId(),
          d.digest(),
          d.sizeBytes(),
          d.format(),
          d.signatureJson() == null ? null : SignatureJson.read(d.signatureJson()),
          d.description(),
          ModelStatus.valueOf(d.status()),
          java.time.Instant.ofEpochMilli(d.createdMillis()),
          d.createdBy(),
          d.tags(),
          d.aliases());
    }

    @Override
    public byte[] verifiedBytes(ModelVersion v, ArtifactStore artifacts) {
      return TribuoLoader.verifiedBytes(v, artifacts);
    }

    @Override
    public <T extends Output<T>> Model<T> load(
        ModelVersion v,
        byte[] bytes,
        List<String> allowedClassPrefixes,
        @Nullable String javaSerialFilter,
        Class<T> outputType) {
      TribuoLoader loader = new TribuoLoader(allowedClassPrefixes, javaSerialFilter, List.of());
      return loader.load(v, () -> checked(v, bytes), outputType);
    }

    /** {@code bytes} if they are the artifact the registry recorded (size and SHA-256). */
    private static byte[] checked(ModelVersion v, byte[] bytes) {
      if (bytes.length != v.sizeBytes()) {
        throw integrityFailure(v, bytes.length + " bytes");
      }
      String actual = io.github.mlops4j.internal.Sha256.of(bytes);
      if (!actual.equals(v.digest())) {
        throw integrityFailure(v, "SHA-256 " + actual);
      }
      return bytes;
    }
  }
}
