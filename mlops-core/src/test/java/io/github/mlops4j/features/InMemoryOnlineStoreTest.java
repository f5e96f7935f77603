package io.github.mlops4j.features;

/** The online store contract on the third-party-style in-memory store used by other tests. */
class InMemoryOnlineStoreTest extends OnlineStoreContract {
  @Override
  OnlineStore store() {
    return new InMemoryOnlineStore();
  }
}
