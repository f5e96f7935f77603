package io.github.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The protobuf walk sees every tensor: initializers, constants, subgraphs. */
class OnnxFileCheckTest {
  private static byte[] seed(String name) throws IOException {
    try (InputStream in =
        OnnxFileCheckTest.class.getResourceAsStream("OnnxFileCheckFuzzTestInputs/check/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void constantsInsideSubgraphsAreCounted() throws IOException {
    // an If node whose two branches each hold a Constant of 2 floats (8 bytes)
    byte[] subgraph = seed("subgraph");
    assertThat(OnnxFileCheck.check(subgraph, 16)).isEqualTo(2);
    assertThatThrownBy(() -> OnnxFileCheck.check(subgraph, 15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes, over the limit of 15");
  }

  @Test
  void hostileSeedsAreRefusedWithTheirReason() throws IOException {
    assertThatThrownBy(() -> OnnxFileCheck.check(seed("huge-initializer"), 1L << 30))
        .hasMessageContaining("4398046511104 bytes");
    assertThatThrownBy(() -> OnnxFileCheck.check(seed("external-data"), 1L << 30))
        .hasMessageContaining("external data");
    assertThatThrownBy(() -> OnnxFileCheck.check(seed("truncated"), 1L << 30))
        .hasMessageContaining("not a well-formed ONNX model");
    assertThatThrownBy(() -> OnnxFileCheck.check(new byte[0], 1L << 30))
        .hasMessageContaining("empty");
  }

  @Test
  void fixtureGraphsPass() throws IOException {
    for (String f : new String[] {"classifier", "zipmap", "inputs", "regressor"}) {
      assertThat(OnnxFileCheck.check(seed(f), 1L << 30)).isZero(); // weights are attributes
    }
  }
}
