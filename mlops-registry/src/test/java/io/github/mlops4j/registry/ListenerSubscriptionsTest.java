package io.github.mlops4j.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.testing.ApiRules;
import org.junit.jupiter.api.Test;

/** Every public {@code addListener} of this module returns the shared {@link Subscription}. */
class ListenerSubscriptionsTest {

  @Test
  void everyAddListenerReturnsASubscription() {
    assertThat(ApiRules.addListenersReturnSubscriptions(ModelRegistry.class))
        .contains("ModelRegistry", "RetrainingLoop");
  }
}
