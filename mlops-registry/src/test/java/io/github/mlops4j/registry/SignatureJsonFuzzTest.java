package io.github.mlops4j.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** The stored signature JSON on arbitrary text: a signature or a {@link RegistryException}. */
class SignatureJsonFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void read(byte[] input) {
    try {
      SignatureJson.read(new String(input, StandardCharsets.UTF_8));
    } catch (RegistryException e) {
      // documented: corrupt signature
    }
  }
}
