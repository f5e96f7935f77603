package io.github.mlops4j.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import io.github.mlops4j.artifacts.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.protos.core.ModelProto;

/**
 * Loads Tribuo models safely: whole file read once, SHA-256 checked against the registry, model
 * class checked against the allowed packages, and only then handed to Tribuo.
 */
final class TribuoLoader {
  private final List<String> allowedClassPrefixes;
  private final @Nullable String javaSerialFilter;

  TribuoLoader(List<String> allowedClassPrefixes, @Nullable String javaSerialFilter) {
    this.allowedClassPrefixes = List.copyOf(allowedClassPrefixes);
    this.javaSerialFilter = javaSerialFilter;
  }

  <T extends Output<T>> Model<T> load(ModelVersion v, ArtifactStore artifacts,
      Class<T> outputType) {
    String format = v.format();
    boolean java = format.equals(ModelArtifact.TRIBUO_JAVA_SERIALIZED);
    if (!java && !format.equals(ModelArtifact.TRIBUO_PROTOBUF)) {
      throw new RegistryException(v.modelName(), v.version(), "Version " + v.version() + " of '"
          + v.modelName() + "' is a '" + format + "' artifact, not a Tribuo model; read it with"
          + " openArtifact(...)");
    }
    if (java && javaSerialFilter == null) {
      throw new UnsafeModelException(v.modelName(), v.version(), "Version " + v.version()
          + " of '" + v.modelName() + "' is a Java-serialized model, which this registry refuses"
          + " to load; re-register it in Tribuo's protobuf format, or allow Java serialization"
          + " with ModelRegistry.builder().allowJavaSerialization(filter) for trusted files only");
    }
    byte[] bytes = verifiedBytes(v, artifacts);
    Model<?> model = java ? fromJava(v, bytes) : fromProtobuf(v, bytes);
    try {
      return model.castModel(outputType);
    } catch (ClassCastException e) {
      throw new RegistryException(v.modelName(), v.version(), "Version " + v.version() + " of '"
          + v.modelName() + "' does not predict " + outputType.getSimpleName() + ": "
          + e.getMessage(), e);
    }
  }

  /** Reads the artifact and checks its digest; nothing is parsed before this returns. */
  static byte[] verifiedBytes(ModelVersion v, ArtifactStore artifacts) {
    Path path = artifacts.path(v.digest());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ModelIntegrityException(v.modelName(), v.version(), "The artifact of version "
          + v.version() + " of '" + v.modelName() + "' is missing: " + path);
    } catch (IOException e) {
      throw new RegistryException(v.modelName(), v.version(), "Cannot read " + path + ": " + e, e);
    }
    String actual = sha256(bytes);
    if (bytes.length != v.sizeBytes() || !actual.equals(v.digest())) {
      throw new ModelIntegrityException(v.modelName(), v.version(), "The artifact of version "
          + v.version() + " of '" + v.modelName() + "' failed its integrity check: expected "
          + v.sizeBytes() + " bytes with SHA-256 " + v.digest() + ", found " + bytes.length
          + " bytes with SHA-256 " + actual + " (" + path + "). It was not loaded.");
    }
    return bytes;
  }

  private Model<?> fromProtobuf(ModelVersion v, byte[] bytes) {
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new RegistryException(v.modelName(), v.version(), "Version " + v.version()
          + " is not a Tribuo protobuf model: " + e.getMessage(), e);
    }
    checkClass(v, proto.getClassName());
    try {
      return Model.deserialize(proto);
    } catch (RuntimeException e) {
      throw new RegistryException(v.modelName(), v.version(), "Tribuo could not load version "
          + v.version() + " of '" + v.modelName() + "': " + e.getMessage(), e);
    }
  }

  private Model<?> fromJava(ModelVersion v, byte[] bytes) {
    ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(javaSerialFilter);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      Object o = in.readObject();
      if (!(o instanceof Model<?> model)) {
        throw new UnsafeModelException(v.modelName(), v.version(), "Version " + v.version()
            + " holds a " + o.getClass().getName() + ", not a Tribuo model");
      }
      checkClass(v, model.getClass().getName());
      return model;
    } catch (InvalidClassException e) {
      throw new UnsafeModelException(v.modelName(), v.version(), "The serialization filter"
          + " refused a class in version " + v.version() + " of '" + v.modelName() + "': "
          + e.getMessage());
    } catch (IOException | ClassNotFoundException e) {
      throw new RegistryException(v.modelName(), v.version(), "Cannot deserialize version "
          + v.version() + " of '" + v.modelName() + "': " + e, e);
    }
  }

  private void checkClass(ModelVersion v, String className) {
    for (String prefix : allowedClassPrefixes) {
      if (className.startsWith(prefix)) {
        return;
      }
    }
    throw new UnsafeModelException(v.modelName(), v.version(), "Version " + v.version() + " of '"
        + v.modelName() + "' names model class " + className + ", outside the allowed packages "
        + allowedClassPrefixes + "; it was not loaded");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
