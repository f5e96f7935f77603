package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.testing.ApiRules;
import org.junit.jupiter.api.Test;

/** Every public {@code addListener} of this module returns the shared {@link Subscription}. */
class ListenerSubscriptionsTest {

  @Test
  void everyAddListenerReturnsASubscription() {
    assertThat(ApiRules.addListenersReturnSubscriptions(Monitor.class)).contains("Monitor");
  }
}
