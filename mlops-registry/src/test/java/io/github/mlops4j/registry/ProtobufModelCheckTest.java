package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tribuo.classification.sgd.protos.ClassificationLinearSGDProto;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.protos.core.TribuoCore;

/** The protobuf pre-check on its own: class names, payload types and LibLinear's Java bytes. */
class ProtobufModelCheckTest {
  private static final String LIBLINEAR = "tribuo.common.liblinear.LibLinearModelProto";

  /** Tribuo's LibLinear message, as in tribuo-liblinear.proto (the module is not a dependency). */
  private static final Descriptor LIBLINEAR_MODEL = libLinearModelProto();

  private static Descriptor libLinearModelProto() {
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("tribuo-liblinear.proto")
            .setPackage("tribuo.common.liblinear")
            .setSyntax("proto3")
            .addDependency(TribuoCore.getDescriptor().getName())
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("LibLinearModelProto")
                    .addField(
                        FieldDescriptorProto.newBuilder()
                            .setName("metadata")
                            .setNumber(1)
                            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                            .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                            .setTypeName(".tribuo.core.ModelDataProto"))
                    .addField(
                        FieldDescriptorProto.newBuilder()
                            .setName("models")
                            .setNumber(2)
                            .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                            .setType(FieldDescriptorProto.Type.TYPE_BYTES)))
            .build();
    try {
      return FileDescriptor.buildFrom(file, new FileDescriptor[] {TribuoCore.getDescriptor()})
          .findMessageTypeByName("LibLinearModelProto");
    } catch (com.google.protobuf.Descriptors.DescriptorValidationException e) {
      throw new AssertionError(e);
    }
  }

  private static ProtobufModelCheck check(String javaSerialFilter) {
    return new ProtobufModelCheck(
        List.of("org.tribuo."),
        javaSerialFilter,
        name -> name.equals(LIBLINEAR) ? LIBLINEAR_MODEL : ProtobufModelCheck.tribuoType(name));
  }

  /** A LibLinear model file around {@code blob}, with a real model's metadata. */
  private static byte[] libLinear(byte[] blob) throws Exception {
    ModelProto churn = Models.churn(1).serialize();
    ModelDataProto metadata =
        churn.getSerializedData().unpack(ClassificationLinearSGDProto.class).getMetadata();
    DynamicMessage payload =
        DynamicMessage.newBuilder(LIBLINEAR_MODEL)
            .setField(LIBLINEAR_MODEL.findFieldByName("metadata"), metadata)
            .addRepeatedField(LIBLINEAR_MODEL.findFieldByName("models"), ByteString.copyFrom(blob))
            .build();
    return ModelProto.newBuilder()
        .setVersion(0)
        .setClassName("org.tribuo.classification.liblinear.LibLinearClassificationModel")
        .setSerializedData(
            Any.newBuilder()
                .setTypeUrl("type.googleapis.com/" + LIBLINEAR)
                .setValue(payload.toByteString()))
        .build()
        .toByteArray();
  }

  @Test
  void aLibLinearModel_isRefusedUnlessJavaSerializationIsAllowed() throws Exception {
    byte[] model = libLinear(ModelFiles.javaSerialized("not a model"));
    assertThatThrownBy(() -> check(null).check("m", 1, model))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("LibLinear")
        .hasMessageContaining("allowJavaSerialization");
    assertThatThrownBy(() -> check(ModelRegistry.TRIBUO_SERIAL_FILTER).check("m", 1, model))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("embeds a java.lang.String where a LibLinear model belongs");
  }

  @Test
  void aLibLinearModelsJavaBytes_areReadThroughTheFilterFirst() throws Exception {
    byte[] evil =
        libLinear(
            ModelFiles.patch(
                ModelFiles.javaSerialized(new GoodSerializable()),
                "GoodSerializable",
                "EvilSerializable"));
    assertThatThrownBy(() -> check(ModelRegistry.TRIBUO_SERIAL_FILTER).check("m", 1, evil))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("filter refused")
        .hasMessageContaining("EvilSerializable");
    assertThat(System.getProperty("mlops4j.test.EvilSerializable.initialized")).isNull();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHashSetBombInsideALibLinearModel_isRefusedByTheFilter() throws Exception {
    byte[] bomb = libLinear(ModelFiles.hashSetBomb(40));
    assertThatThrownBy(() -> check(ModelRegistry.TRIBUO_SERIAL_FILTER).check("m", 1, bomb))
        .isInstanceOf(UnsafeModelException.class)
        .hasMessageContaining("at depth 25");
  }

  @Test
  void classNames_mustBeWellFormedAndInAnAllowedPackage() {
    ProtobufModelCheck check = check(null);
    assertThat(check.allowed("org.tribuo.RealIDInfo")).isTrue();
    assertThat(check.allowed("org.tribuo.classification.LabelFactory$LabelFactoryProvenance"))
        .isTrue();
    assertThat(check.allowed(ProtobufModelCheck.OLCUT_PROVENANCE + "primitives.IntProvenance"))
        .isTrue();
    assertThat(check.allowedModelClass(ProtobufModelCheck.OLCUT_PROVENANCE + "ListProvenance"))
        .as("a model class must be in the registry's packages")
        .isFalse();
    for (String bad :
        List.of(
            "",
            "org.tribuo.",
            "org.tribuo..X",
            "org.tribuo.X;",
            "org.tribuo.X\n",
            "org.tribuo.[X",
            "[Lorg.tribuo.X;",
            "org.tribuoX.Evil",
            "com.example.Evil",
            "org.tribuo.X/Y",
            "org.tribuo." + "a".repeat(ProtobufModelCheck.MAX_CLASS_NAME))) {
      assertThat(check.allowed(bad)).as(bad).isFalse();
    }
  }

  @Test
  void messages_quoteAtMostAHundredCharactersOfAValue() {
    assertThat(ProtobufModelCheck.cut("x".repeat(5000)))
        .hasSizeLessThan(130)
        .endsWith("… (5000 characters)");
    assertThat(ProtobufModelCheck.cut("a\nb\u0000")).isEqualTo("a\\u000ab\\u0000");
  }
}
