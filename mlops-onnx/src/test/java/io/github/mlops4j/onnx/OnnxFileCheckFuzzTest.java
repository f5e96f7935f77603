package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the check that reads an ONNX file's protobuf before onnxruntime does: any bytes either
 * pass (with at least one tensor counted or none) or fail with an {@link IllegalArgumentException}
 * whose message is short; never another exception, an {@code Error} or a hang. The seed corpus (the
 * fixture graphs, hostile files from {@link OnnxFiles}) is in {@code
 * src/test/resources/io/github/mlops4j/onnx/OnnxFileCheckFuzzTestInputs/check/}.
 */
class OnnxFileCheckFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void check(byte[] bytes) {
    try {
      int tensors = OnnxFileCheck.check(bytes, 1 << 20);
      assertThat(tensors).isNotNegative();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1_000);
    }
  }
}
