package io.github.mlops4j.spring;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;

/**
 * Decides, once every singleton of the context exists, whether the starter's {@code
 * mlops.prediction} observations may be timed straight into {@link PredictionMeterHandler}'s
 * timers, without creating an {@code Observation} per call. That is so only when Spring Boot's
 * observation auto-configuration built the application's one {@code ObservationRegistry} from
 * beans, and those beans would do nothing with a prediction but hand it to that handler:
 *
 * <ul>
 *   <li>the registry bean is Boot's own ({@code ObservationAutoConfiguration}), and its handler
 *       grouping is Boot's (meter handlers in one first-matching group);
 *   <li>every {@code ObservationHandler} bean is a {@code MeterObservationHandler}, and the first
 *       of them (in Boot's order) that takes a prediction is the starter's handler;
 *   <li>the only {@code ObservationFilter} and {@code ObservationPredicate} bean is Boot's {@code
 *       PropertiesObservationFilterPredicate} ({@code management.observations.*}), and it leaves
 *       {@code mlops.prediction} enabled; its common key values reach the timers, which are
 *       registered by a full observation on the first call with each value set;
 *   <li>there is no {@code GlobalObservationConvention} and no {@code
 *       ObservationRegistryCustomizer} bean.
 * </ul>
 *
 * Anything else (a tracer, a user's handler, filter, predicate, convention or customizer, a
 * registry the application builds itself, an unknown Boot version) keeps the full observation for
 * every call. Handlers that code adds to the registry directly, rather than as beans, cannot be
 * seen: {@code mlops.observations.direct-timers=false} keeps the full observation then.
 */
final class DirectTimers implements SmartInitializingSingleton {
  private static final Logger LOG = LoggerFactory.getLogger(DirectTimers.class);
  private static final String BOOT = "org.springframework.boot.actuate.autoconfigure.observation.";
  private static final String BOOT_CONFIGURATION = BOOT + "ObservationAutoConfiguration";
  private static final String BOOT_FILTER = BOOT + "PropertiesObservationFilterPredicate";
  private static final List<String> BOOT_GROUPINGS =
      List.of(
          BOOT_CONFIGURATION + "$OnlyMetricsConfiguration",
          BOOT_CONFIGURATION + "$MetricsWithTracingConfiguration");

  private final ConfigurableListableBeanFactory beans;

  DirectTimers(ConfigurableListableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public void afterSingletonsInstantiated() {
    PredictionObservations observations =
        beans.getBeanProvider(PredictionObservations.class).getIfUnique();
    PredictionMeterHandler handler =
        beans.getBeanProvider(PredictionMeterHandler.class).getIfUnique();
    if (observations == null || handler == null) {
      return;
    }
    String why = whyNot(beans, observations.registry(), handler);
    if (why == null) {
      observations.timeDirectly(handler);
      LOG.debug("mlops.prediction is timed without an Observation per call");
    } else {
      observations.timeDirectly(null);
      LOG.debug("mlops.prediction stays a full Observation per call: {}", why);
    }
  }

  /**
   * Why predictions observed in {@code registry} must stay full observations, or null if timing
   * them directly with {@code handler} records the same and nothing else would see them.
   */
  static @Nullable String whyNot(
      ConfigurableListableBeanFactory beans,
      ObservationRegistry registry,
      PredictionMeterHandler handler) {
    String[] registries = beans.getBeanNamesForType(ObservationRegistry.class);
    if (registries.length != 1
        || beans.getBean(registries[0]) != registry
        || !declaredBy(beans, registries[0], List.of(BOOT_CONFIGURATION))) {
      return "the ObservationRegistry is not the one of Boot's ObservationAutoConfiguration";
    }
    Class<?> grouping = type(BOOT + "ObservationHandlerGrouping");
    String[] groupings = grouping == null ? new String[0] : beans.getBeanNamesForType(grouping);
    if (groupings.length != 1 || !declaredBy(beans, groupings[0], BOOT_GROUPINGS)) {
      return "the observation handlers are not grouped by Boot's metrics grouping";
    }
    Class<?> customizer = type(BOOT + "ObservationRegistryCustomizer");
    if (customizer != null && beans.getBeanNamesForType(customizer).length > 0) {
      return "an ObservationRegistryCustomizer bean exists";
    }
    if (beans.getBeanNamesForType(GlobalObservationConvention.class).length > 0) {
      return "a GlobalObservationConvention bean exists";
    }
    PredictionContext probe = new PredictionContext("probe");
    probe.setName(PredictionObservations.PREDICTION);
    for (ObservationFilter f : beans.getBeanProvider(ObservationFilter.class)) {
      if (!f.getClass().getName().equals(BOOT_FILTER)) {
        return "ObservationFilter " + f.getClass().getName() + " exists";
      }
    }
    for (ObservationPredicate p : beans.getBeanProvider(ObservationPredicate.class)) {
      if (!p.getClass().getName().equals(BOOT_FILTER)) {
        return "ObservationPredicate " + p.getClass().getName() + " exists";
      }
      if (!p.test(PredictionObservations.PREDICTION, probe)) {
        return "management.observations.enable turns mlops.prediction off";
      }
    }
    ObservationHandler<?> first = null;
    for (ObservationHandler<?> h :
        beans.getBeanProvider(ObservationHandler.class).orderedStream().toList()) {
      if (!(h instanceof MeterObservationHandler)) {
        return "ObservationHandler " + h.getClass().getName() + " exists";
      }
      if (first == null && h.supportsContext(probe)) {
        first = h;
      }
    }
    if (first != handler) {
      return "another MeterObservationHandler comes before the starter's for predictions";
    }
    return null;
  }

  /** True if bean {@code name} is made by a factory method of one of {@code classes}. */
  private static boolean declaredBy(
      ConfigurableListableBeanFactory beans, String name, List<String> classes) {
    BeanDefinition d = beans.getMergedBeanDefinition(name);
    MethodMetadata m = d instanceof AnnotatedBeanDefinition a ? a.getFactoryMethodMetadata() : null;
    return m != null && classes.contains(m.getDeclaringClassName());
  }

  private static @Nullable Class<?> type(String name) {
    ClassLoader loader = DirectTimers.class.getClassLoader();
    if (!ClassUtils.isPresent(name, loader)) {
      return null;
    }
    return ClassUtils.resolveClassName(name, loader);
  }
}
