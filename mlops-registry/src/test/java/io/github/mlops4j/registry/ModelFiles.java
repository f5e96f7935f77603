package io.github.mlops4j.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tribuo.protos.core.ModelProto;

/**
 * Crafts hostile model files from real ones: rewrites messages anywhere in a Tribuo protobuf model
 * file, through every {@code Any} payload, and patches bytes.
 */
final class ModelFiles {
  static final String ANY = "google.protobuf.Any";

  private ModelFiles() {}

  /**
   * Applies {@code change} to every message of the file, innermost first (an {@code Any} is changed
   * after its payload was changed and packed again).
   */
  static byte[] transform(byte[] model, UnaryOperator<Message> change) {
    try {
      DynamicMessage root = DynamicMessage.parseFrom(ModelProto.getDescriptor(), model);
      return transform(root, change).toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Message transform(Message m, UnaryOperator<Message> change)
      throws InvalidProtocolBufferException {
    Descriptor type = m.getDescriptorForType();
    if (type.getFullName().equals(ANY)) {
      String url = (String) m.getField(type.findFieldByName("type_url"));
      if (url.isEmpty()) {
        return change.apply(m);
      }
      Descriptor payload =
          Objects.requireNonNull(
              ProtobufModelCheck.tribuoType(url.substring(url.lastIndexOf('/') + 1)), url);
      Message inner =
          transform(
              DynamicMessage.parseFrom(
                  payload, (ByteString) m.getField(type.findFieldByName("value"))),
              change);
      return change.apply(
          m.toBuilder().setField(type.findFieldByName("value"), inner.toByteString()).build());
    }
    Message.Builder b = m.toBuilder();
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.isRepeated()) {
        for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
          b.setRepeatedField(f, i, transform((Message) m.getRepeatedField(f, i), change));
        }
      } else if (m.hasField(f)) {
        b.setField(f, transform((Message) m.getField(f), change));
      }
    }
    return change.apply(b.build());
  }

  /** Every string field named {@code fieldFullName} has {@code change} applied to its value. */
  static byte[] rewriteStrings(byte[] model, String fieldFullName, UnaryOperator<String> change) {
    return transform(
        model,
        m -> {
          FieldDescriptor f = field(m, fieldFullName);
          if (f == null) {
            return m;
          }
          Message.Builder b = m.toBuilder();
          if (f.isRepeated()) {
            for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
              b.setRepeatedField(f, i, change.apply((String) m.getRepeatedField(f, i)));
            }
          } else {
            b.setField(f, change.apply((String) m.getField(f)));
          }
          return b.build();
        });
  }

  /** The values of every string field named {@code fieldFullName}, in file order. */
  static List<String> strings(byte[] model, String fieldFullName) {
    List<String> out = new ArrayList<>();
    rewriteStrings(
        model,
        fieldFullName,
        s -> {
          out.add(s);
          return s;
        });
    return out;
  }

  /** Adds an unknown varint field 999 to every message of type {@code typeFullName}. */
  static byte[] withUnknownField(byte[] model, String typeFullName) {
    return transform(
        model,
        m ->
            !m.getDescriptorForType().getFullName().equals(typeFullName)
                ? m
                : m.toBuilder()
                    .setUnknownFields(
                        UnknownFieldSet.newBuilder()
                            .addField(999, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                            .build())
                    .build());
  }

  /** Converts a message to the generated class of its type (same descriptor). */
  static <T extends Message> T as(Message m, T defaultInstance) {
    try {
      @SuppressWarnings("unchecked")
      T t = (T) defaultInstance.getParserForType().parseFrom(m.toByteString());
      return t;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Converts a generated message back to a dynamic one. */
  static Message dynamic(Message m) {
    try {
      return DynamicMessage.parseFrom(m.getDescriptorForType(), m.toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Replaces every occurrence of {@code from} by {@code to} (same length) in the bytes. */
  static byte[] patch(byte[] bytes, String from, String to) {
    byte[] a = from.getBytes(StandardCharsets.UTF_8);
    byte[] b = to.getBytes(StandardCharsets.UTF_8);
    if (a.length != b.length) {
      throw new IllegalArgumentException("'" + from + "' and '" + to + "' differ in length");
    }
    byte[] out = bytes.clone();
    int found = 0;
    for (int i = 0; i + a.length <= out.length; i++) {
      if (java.util.Arrays.equals(out, i, i + a.length, a, 0, a.length)) {
        System.arraycopy(b, 0, out, i, b.length);
        found++;
      }
    }
    if (found == 0) {
      throw new IllegalArgumentException("'" + from + "' is not in the bytes");
    }
    return out;
  }

  static byte[] javaSerialized(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The classic deserialization "hash bomb": {@code levels} of HashSets, each holding the two sets
   * of the next level, so hashing the root visits 2^levels sets.
   */
  static byte[] hashSetBomb(int levels) {
    java.util.Set<Object> root = new java.util.HashSet<>();
    java.util.Set<Object> s1 = root;
    java.util.Set<Object> s2 = new java.util.HashSet<>();
    for (int i = 0; i < levels; i++) {
      java.util.Set<Object> t1 = new java.util.HashSet<>();
      java.util.Set<Object> t2 = new java.util.HashSet<>();
      t1.add("foo");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return javaSerialized(root);
  }

  private static FieldDescriptor field(Message m, String fullName) {
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      if (f.getFullName().equals(fullName) && f.getType() == FieldDescriptor.Type.STRING) {
        return f;
      }
    }
    return null;
  }
}
