package io.github.mlops4j.maven;

import io.github.mlops4j.testing.ApiSignatures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** No public signature of the goals mentions a package-private type. */
class ApiSignaturesTest {
  @Test
  void publicSignaturesMentionNoInternalType() {
    ApiSignatures.assertLeaksExactly(GateMojo.class, Set.of());
  }
}
