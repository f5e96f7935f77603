package io.github.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

  @Test
  void closeRunsTheRemovalOnce() {
    AtomicInteger removals = new AtomicInteger();
    Subscription s = Subscription.onClose(removals::incrementAndGet);
    s.close();
    s.close();
    assertThat(removals).hasValue(1);
  }

  @Test
  void closeDeclaresNoCheckedException() throws NoSuchMethodException {
    Method close = Subscription.class.getMethod("close");
    assertThat(close.getExceptionTypes()).isEmpty();
    assertThat(AutoCloseable.class).isAssignableFrom(Subscription.class);
  }

  @Test
  void aNullRemovalIsRefused() {
    assertThatNullPointerException().isThrownBy(() -> Subscription.onClose(null));
  }
}
