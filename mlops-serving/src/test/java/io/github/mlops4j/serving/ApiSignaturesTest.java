package io.github.mlops4j.serving;

import io.github.mlops4j.testing.ApiSignatures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No public or protected signature of this module's API mentions a type from an {@code *.internal}
 * package or a package-private type (see {@link ApiSignatures}).
 */
class ApiSignaturesTest {
  /** Known leaks, each with the reason it stays; an entry that no longer occurs fails the test. */
  private static final Set<String> ALLOWED = Set.of();

  @Test
  void publicSignaturesMentionNoInternalType() {
    ApiSignatures.assertLeaksExactly(InferenceService.class, ALLOWED);
  }
}
