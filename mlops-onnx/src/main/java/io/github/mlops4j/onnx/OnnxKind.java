package io.github.mlops4j.onnx;

import org.jspecify.annotations.Nullable;

/** The kinds of ONNX models served: the signature's output type and Tribuo's output class. */
enum OnnxKind {
  CLASSIFICATION("Label", "org.tribuo.classification.Label"),
  REGRESSION("Regressor", "org.tribuo.regression.Regressor");

  private final String outputType;
  private final String outputClass;

  OnnxKind(String outputType, String outputClass) {
    this.outputType = outputType;
    this.outputClass = outputClass;
  }

  String outputType() {
    return outputType;
  }

  String outputClass() {
    return outputClass;
  }

  static @Nullable OnnxKind of(String outputType) {
    for (OnnxKind k : values()) {
      if (k.outputType.equals(outputType)) {
        return k;
      }
    }
    return null;
  }
}
