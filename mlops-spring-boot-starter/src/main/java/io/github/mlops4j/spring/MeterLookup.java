package io.github.mlops4j.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;

/**
 * Keeps Micrometer types out of the auto-configuration's signatures (a class of its own, not a
 * member class: Spring reads every member class of a configuration class on each start).
 */
final class MeterLookup {
  private MeterLookup() {}

  static @Nullable Object registry(BeanFactory beanFactory) {
    return beanFactory
        .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)
        .getIfUnique();
  }
}
