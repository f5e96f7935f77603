package io.github.mlops4j.redis;

import io.github.mlops4j.features.OnlineStore;
import io.github.mlops4j.testing.OnlineStoreContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The online store contract on a real redis-server; each test in a namespace of its own. */
class RedisOnlineStoreContractTest extends OnlineStoreContract {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  @Override
  protected OnlineStore store() {
    return RedisOnlineStore.builder()
        .uri(REDIS.uri())
        .namespace("contract-" + NAMESPACES.incrementAndGet())
        .build();
  }
}
