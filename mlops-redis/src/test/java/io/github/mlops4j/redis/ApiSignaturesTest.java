package io.github.mlops4j.redis;

import io.github.mlops4j.testing.ApiSignatures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** No public signature of this module mentions an internal or package-private type. */
class ApiSignaturesTest {
  @Test
  void publicSignaturesMentionNoInternalType() {
    ApiSignatures.assertLeaksExactly(RedisOnlineStore.class, Set.of());
  }
}
