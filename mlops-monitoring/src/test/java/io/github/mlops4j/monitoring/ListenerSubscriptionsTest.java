package io.github.mlops4j.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mlops4j.Subscription;
import io.github.mlops4j.testing.ExceptionRules;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every public {@code addListener} of this module returns the shared {@link Subscription}. */
class ListenerSubscriptionsTest {

  @Test
  void everyAddListenerReturnsASubscription() {
    List<String> addListeners = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Class<?> type : ExceptionRules.classesBeside(Monitor.class)) {
      for (Method m : type.getDeclaredMethods()) {
        if (m.getName().equals("addListener") && Modifier.isPublic(m.getModifiers())
            && Modifier.isPublic(type.getModifiers())) {
          addListeners.add(type.getSimpleName());
          if (m.getReturnType() != Subscription.class) {
            wrong.add(type.getName() + ".addListener returns " + m.getReturnType());
          }
        }
      }
    }
    assertThat(addListeners).contains("Monitor");
    assertThat(wrong).isEmpty();
  }
}
