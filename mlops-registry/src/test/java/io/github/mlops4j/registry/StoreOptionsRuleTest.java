package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.testing.ApiRules;
import org.junit.jupiter.api.Test;

/** The registry's builder takes {@code clock(Clock)} and the store settings from StoreOptions. */
class StoreOptionsRuleTest {
  @Test
  void theRegistryBuilderDeclaresNoCopyOfTheSharedSetters() {
    assertThat(ApiRules.storeOptionSettersLiveOnce(ModelRegistry.class)).contains("Builder");
  }
}
