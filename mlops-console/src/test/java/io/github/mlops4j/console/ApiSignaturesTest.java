package io.github.mlops4j.console;

import io.github.mlops4j.testing.ApiSignatures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** No public signature of this module mentions an internal or package-private type. */
class ApiSignaturesTest {
  @Test
  void publicSignaturesMentionNoInternalType() {
    ApiSignatures.assertLeaksExactly(ConsoleHandler.class, Set.of());
  }
}
