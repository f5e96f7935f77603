package io.github.mlops4j.features;

import io.github.mlops4j.testing.OnlineStoreContract;

/** The online store contract on the third-party-style in-memory store used by other tests. */
class InMemoryOnlineStoreTest extends OnlineStoreContract {
  @Override
  protected OnlineStore store() {
    return new InMemoryOnlineStore();
  }
}
