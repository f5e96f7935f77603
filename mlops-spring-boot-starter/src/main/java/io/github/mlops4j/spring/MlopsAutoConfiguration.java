package io.github.mlops4j.spring;

import io.github.mlops4j.features.FeatureLookupObserver;
import io.github.mlops4j.features.FeatureStore;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.serving.InferenceService;
import io.github.mlops4j.store.Store;
import io.github.mlops4j.tracking.Tracker;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of mlops4j, active when {@code mlops.workspace} is set (an embedded workspace)
 * or {@code mlops.store=datasource} (the application's {@code DataSource}): one shared {@link
 * Store}, a {@link Tracker} and a {@link FeatureStore}; with mlops-registry a {@link
 * ModelRegistry}; with mlops-serving one {@link InferenceService} bean per {@code
 * mlops.serving.models.<name>}, named and qualified by the model name. Each bean backs off when the
 * application defines its own.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
    })
// the condition is not API: a class of its own, package-private (see OnStoreCondition)
@SuppressWarnings("exports")
@Conditional(OnStoreCondition.class)
@EnableConfigurationProperties(MlopsProperties.class)
public class MlopsAutoConfiguration {
  /** Configured by Spring. */
  public MlopsAutoConfiguration() {}

  /** The store every component shares. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Store.class)
  public Store mlopsStore(MlopsProperties properties, ObjectProvider<DataSource> dataSource) {
    if (properties.getStore() == MlopsProperties.StoreKind.DATASOURCE) {
      DataSource ds = dataSource.getIfAvailable();
      if (ds == null) {
        throw new InvalidConfigurationPropertyValueException(
            "mlops.store", "datasource", "the application has no single DataSource bean");
      }
      Store.Builder b = Store.builder().dataSource(ds);
      Path artifacts = properties.getArtifacts();
      if (artifacts != null) {
        b.artifactRoot(artifacts);
      }
      return b.build();
    }
    Path workspace = properties.getWorkspace();
    if (workspace == null) {
      throw new InvalidConfigurationPropertyValueException(
          "mlops.workspace", null, "required with mlops.store=embedded");
    }
    try {
      return Store.open(workspace);
    } catch (RuntimeException e) {
      throw new InvalidConfigurationPropertyValueException(
          "mlops.workspace", workspace, String.valueOf(e.getMessage()));
    }
  }

  /** Experiment tracking on the shared store. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Tracker.class)
  public Tracker mlopsTracker(Store store) {
    return Tracker.builder().store(store).build();
  }

  /**
   * Features on the shared store, its online reads seen by the application's single {@link
   * FeatureLookupObserver} bean, if any (the starter's observations, see {@link
   * FeatureObservationConfiguration}).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(FeatureStore.class)
  public FeatureStore mlopsFeatureStore(
      Store store, ObjectProvider<FeatureLookupObserver> lookupObserver) {
    FeatureStore.Builder b = FeatureStore.builder().store(store);
    lookupObserver.ifUnique(b::lookupObserver);
    return b.build();
  }

  /**
   * The id of each run started through the tracker in SLF4J's MDC while it runs, with {@code
   * mlops.observations.mdc=true}.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "mlops.observations", name = "mdc", havingValue = "true")
  @ConditionalOnBean(Tracker.class)
  public io.github.mlops4j.Subscription mlopsRunMdc(Tracker tracker) {
    return tracker.addListener(new RunMdc());
  }

  /**
   * The read-only console of mlops-console, mounted as a servlet at {@code mlops.console.path} with
   * {@code mlops.console.enabled=true} in a servlet web application.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {"io.github.mlops4j.console.ConsoleHandler", "jakarta.servlet.http.HttpServlet"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnProperty(prefix = "mlops.console", name = "enabled", havingValue = "true")
  static class ConsoleConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "mlopsConsole")
    ServletRegistrationBean<ConsoleServlet> mlopsConsole(
        MlopsProperties properties,
        Tracker tracker,
        FeatureStore features,
        ObjectProvider<ModelRegistry> registry) {
      String path = ConsoleServlet.checkPath(properties.getConsole().getPath());
      io.github.mlops4j.console.ConsoleHandler.Builder b =
          io.github.mlops4j.console.ConsoleHandler.builder().tracker(tracker).features(features);
      registry.ifAvailable(b::registry);
      ServletRegistrationBean<ConsoleServlet> bean =
          new ServletRegistrationBean<>(new ConsoleServlet(b.build()), path + "/*");
      bean.setName("mlopsConsole");
      return bean;
    }
  }

  /** The registry, with mlops-registry on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ModelRegistry.class)
  static class RegistryConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ModelRegistry.class)
    ModelRegistry mlopsModelRegistry(Store store, MlopsProperties properties) {
      if (properties.getRegistryPollInterval().isNegative()) {
        throw new InvalidConfigurationPropertyValueException(
            "mlops.registry-poll-interval",
            properties.getRegistryPollInterval(),
            "must not be negative");
      }
      return ModelRegistry.builder()
          .store(store)
          .pollInterval(properties.getRegistryPollInterval())
          .build();
    }
  }

  /** Served models, with mlops-serving on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({ModelRegistry.class, InferenceService.class})
  static class ServingConfiguration {
    @Bean
    static ServingBeans mlopsServingBeans() {
      return new ServingBeans();
    }

    @Bean
    ServedModels mlopsServedModels(
        MlopsProperties properties,
        ModelRegistry registry,
        ObjectProvider<FeatureStore> features,
        ObjectProvider<Tracker> tracker,
        ObjectProvider<ServingObservers> observers,
        ApplicationEventPublisher publisher,
        org.springframework.beans.factory.BeanFactory beanFactory) {
      if (properties.getServing().getShutdownTimeout().isNegative()) {
        throw new InvalidConfigurationPropertyValueException(
            "mlops.serving.shutdown-timeout",
            properties.getServing().getShutdownTimeout(),
            "must not be negative");
      }
      Object meters = null;
      if (isPresent("io.micrometer.core.instrument.MeterRegistry")) {
        meters = MeterLookup.registry(beanFactory);
      }
      return new ServedModels(
          properties,
          registry,
          features.getIfAvailable(),
          tracker.getIfAvailable(),
          meters,
          observers.getIfAvailable(),
          publisher);
    }
  }

  /** Observations, with Micrometer's Observation API and an ObservationRegistry bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({ObservationRegistry.class, InferenceService.class})
  @ConditionalOnBean(ObservationRegistry.class)
  @ConditionalOnProperty(
      prefix = "mlops.observations",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class ObservationConfiguration {
    @Bean
    @ConditionalOnMissingBean(ServingObservers.class)
    PredictionObservations mlopsPredictionObservations(ObservationRegistry observations) {
      return new PredictionObservations(observations);
    }

    /**
     * Times predictions from a cache of timers: a {@code MeterObservationHandler} ordered first, so
     * Boot's grouping hands it the prediction observations and every other one to its default
     * handler (which Boot still creates: this configuration is processed after Boot's).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.observation.MeterObservationHandler")
    @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
    static class MeterHandlerConfiguration {
      @Bean
      @Order(Ordered.HIGHEST_PRECEDENCE)
      @ConditionalOnMissingBean(PredictionMeterHandler.class)
      PredictionMeterHandler mlopsPredictionMeterHandler(
          io.micrometer.core.instrument.MeterRegistry meters) {
        return new PredictionMeterHandler(meters);
      }

      /**
       * Times predictions straight into the handler's timers, without an {@code Observation} per
       * call, where nothing else would see them (decided once the context's singletons exist; see
       * {@link DirectTimers}).
       */
      @Bean
      @ConditionalOnProperty(
          prefix = "mlops.observations",
          name = "direct-timers",
          havingValue = "true",
          matchIfMissing = true)
      static DirectTimers mlopsDirectPredictionTimers(
          org.springframework.beans.factory.config.ConfigurableListableBeanFactory beans) {
        return new DirectTimers(beans);
      }
    }

    /** Adds a {@code mlops.retraining} observation to every {@code RetrainingLoop} bean. */
    @Bean
    @ConditionalOnClass(name = "io.github.mlops4j.registry.training.RetrainingLoop")
    static org.springframework.beans.factory.config.BeanPostProcessor mlopsRetrainingObservations(
        ObjectProvider<ObservationRegistry> observations) {
      return new org.springframework.beans.factory.config.BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
          if (bean instanceof io.github.mlops4j.registry.training.RetrainingLoop<?> loop) {
            loop.addListener(new RetrainingObservations(observations.getObject()));
          }
          return bean;
        }
      };
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnBean({PredictionObservations.class, ModelRegistry.class})
    io.github.mlops4j.Subscription mlopsRegistryObservations(
        PredictionObservations observations, ModelRegistry registry) {
      return observations.observeRegistry(registry);
    }
  }

  /**
   * An {@code mlops.features.lookup} observation per online feature read, with Micrometer's
   * Observation API and an ObservationRegistry bean, unless {@code mlops.observations.enabled} or
   * {@code mlops.observations.feature-lookups} is false. Needs neither mlops-serving nor
   * mlops-registry.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ObservationRegistry.class)
  @ConditionalOnBean(ObservationRegistry.class)
  @ConditionalOnProperty(
      prefix = "mlops.observations",
      name = {"enabled", "feature-lookups"},
      havingValue = "true",
      matchIfMissing = true)
  static class FeatureObservationConfiguration {
    @Bean
    @ConditionalOnMissingBean(FeatureLookupObserver.class)
    FeatureLookupObservations mlopsFeatureLookupObservations(ObservationRegistry observations) {
      return new FeatureLookupObservations(observations);
    }
  }

  static boolean isPresent(String className) {
    return org.springframework.util.ClassUtils.isPresent(
        className, MlopsAutoConfiguration.class.getClassLoader());
  }
}
