package io.github.mlops4j.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Hand-written ONNX protobuf messages for hostile-input tests. */
final class OnnxFiles {
  private OnnxFiles() {}

  /** A model whose graph has one float initializer of the given dims, and no data. */
  static byte[] withInitializer(long... dims) {
    return model(graph(field(5, tensor(dims, false))));
  }

  /** A model with a 4-float initializer stored in an external file. */
  static byte[] withExternalData() {
    return model(graph(field(5, tensor(new long[] {4}, true))));
  }

  /** A model with a Constant node whose tensor attribute declares the given dims. */
  static byte[] withConstant(long... dims) {
    byte[] attribute = concat(string(1, "value"), field(5, tensor(dims, false)));
    byte[] node = concat(string(2, "c"), string(4, "Constant"), field(5, attribute));
    return model(graph(field(1, node)));
  }

  static byte[] model(byte[] graph) {
    return concat(varint(1, 8), field(7, graph));
  }

  static byte[] graph(byte[] body) {
    return concat(string(2, "g"), body);
  }

  private static byte[] tensor(long[] dims, boolean external) {
    byte[] t = new byte[0];
    for (long d : dims) {
      t = concat(t, varint(1, d));
    }
    t = concat(t, varint(2, 1), string(8, "w"));
    if (external) {
      t = concat(t, field(13, concat(string(1, "location"), string(2, "/etc/passwd"))));
      t = concat(t, varint(14, 1));
    }
    return t;
  }

  private static byte[] varint(int field, long value) {
    return write(out -> out.writeInt64(field, value));
  }

  private static byte[] string(int field, String value) {
    return write(out -> out.writeString(field, value));
  }

  private static byte[] field(int field, byte[] message) {
    return write(out -> out.writeBytes(field, ByteString.copyFrom(message)));
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] write(Writer w) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      w.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
