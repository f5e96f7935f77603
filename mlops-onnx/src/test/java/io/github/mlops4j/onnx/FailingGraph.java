package io.github.mlops4j.onnx;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A copy of {@code classifier.onnx} that loads and binds like it but fails in every run, whatever
 * the input: a {@code Gather} of column 7 of its 4-column input (out of bounds, which onnxruntime
 * finds only at run time) is added to the input before the classifier. A genuine model fault on
 * input inside every range, for tests of what blames a version.
 */
final class FailingGraph {
  private FailingGraph() {}

  static Path write(Path file) {
    try {
      OnnxMl.ModelProto model =
          OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Fixtures.file("classifier.onnx")));
      OnnxMl.GraphProto graph = model.getGraph();
      String input = graph.getInput(0).getName();
      OnnxMl.GraphProto.Builder g = graph.toBuilder().clearNode();
      g.addInitializer(
          OnnxMl.TensorProto.newBuilder()
              .setName("bad_column")
              .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
              .addDims(1)
              .addInt64Data(7));
      g.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setOpType("Gather")
              .addInput(input)
              .addInput("bad_column")
              .addOutput("gathered")
              .addAttribute(
                  OnnxMl.AttributeProto.newBuilder()
                      .setName("axis")
                      .setType(OnnxMl.AttributeProto.AttributeType.INT)
                      .setI(1)));
      g.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setOpType("Add")
              .addInput(input)
              .addInput("gathered")
              .addOutput("shifted"));
      for (OnnxMl.NodeProto n : graph.getNodeList()) {
        OnnxMl.NodeProto.Builder b = n.toBuilder();
        for (int i = 0; i < b.getInputCount(); i++) {
          if (b.getInput(i).equals(input)) {
            b.setInput(i, "shifted");
          }
        }
        g.addNode(b);
      }
      Files.write(file, model.toBuilder().setGraph(g).build().toByteArray());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
