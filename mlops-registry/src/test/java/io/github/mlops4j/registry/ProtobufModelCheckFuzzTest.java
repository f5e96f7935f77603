package io.github.mlops4j.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * The protobuf model pre-check on arbitrary bytes: it accepts a file or throws {@link
 * UnsafeModelException}, never another exception, an {@code Error} or a hang. The corpus holds real
 * models (a logistic regression, a linear regression) and hostile variants of them.
 */
class ProtobufModelCheckFuzzTest {
  private static final ProtobufModelCheck CHECK =
      new ProtobufModelCheck(List.of("org.tribuo."), ModelRegistry.TRIBUO_SERIAL_FILTER);

  @FuzzTest(maxDuration = "60s")
  void check(byte[] input) {
    try {
      CHECK.check("fuzz", 1, input);
    } catch (UnsafeModelException e) {
      // documented: the file was refused before Tribuo saw it
    }
  }
}
