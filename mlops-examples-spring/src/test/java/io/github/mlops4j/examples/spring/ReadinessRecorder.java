package io.github.mlops4j.examples.spring;

import io.github.mlops4j.serving.InferenceService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;

/**
 * Records, in order, the application's readiness when the {@code churn} service has loaded its
 * first version (the bean is initialized) and each readiness change Spring publishes. Registered as
 * a component class of the test's context (no annotation: component scans never pick it up).
 */
final class ReadinessRecorder
    implements BeanPostProcessor, ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {
  /** One entry: what happened and the readiness then. */
  record Step(String what, ReadinessState readiness) {}

  static final List<Step> STEPS = new CopyOnWriteArrayList<>();

  private final ObjectProvider<ApplicationAvailability> availability;

  ReadinessRecorder(ObjectProvider<ApplicationAvailability> availability) {
    this.availability = availability;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String name) {
    if (bean instanceof InferenceService && name.equals("churn")) {
      STEPS.add(new Step("churn loaded", availability.getObject().getReadinessState()));
    }
    return bean;
  }

  @Override
  public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
    STEPS.add(new Step("readiness changed", event.getState()));
  }
}
