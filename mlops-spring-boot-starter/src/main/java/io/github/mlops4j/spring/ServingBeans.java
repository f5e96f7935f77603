package io.github.mlops4j.spring;

import io.github.mlops4j.serving.InferenceService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link InferenceService} bean per {@code mlops.serving.models.<name>}, named and
 * qualified by the model name, and checks the models' settings once {@link MlopsProperties} is
 * bound, before any bean uses it (so before the store opens).
 *
 * <p>Only the model names are read here, as Boot's map binding finds them; the settings are bound
 * once, with the rest of {@code mlops.*}, for the properties bean.
 */
final class ServingBeans
    implements BeanDefinitionRegistryPostProcessor, BeanPostProcessor, EnvironmentAware {
  private Environment environment = new org.springframework.core.env.StandardEnvironment();
  private List<String> names = List.of();

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    // the keys as the properties bean's map binding makes them, without binding each Model
    Map<String, Object> models =
        Binder.get(environment)
            .bind("mlops.serving.models", Bindable.mapOf(String.class, Object.class))
            .orElse(Map.of());
    names = List.copyOf(models.keySet());
    BeanFactory beans = (BeanFactory) registry;
    models
        .keySet()
        .forEach(
            name -> {
              if (name.isBlank()) {
                throw new InvalidConfigurationPropertyValueException(
                    "mlops.serving.models", name, "a model name must not be blank");
              }
              RootBeanDefinition bd = new RootBeanDefinition(InferenceService.class);
              bd.setInstanceSupplier(() -> beans.getBean(ServedModels.class).start(name));
              bd.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
              bd.setDestroyMethodName("close");
              bd.setDependsOn("mlopsServedModels");
              registry.registerBeanDefinition(name, bd);
            });
  }

  /** Checks the bound settings of every registered model as soon as the properties are bound. */
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof MlopsProperties properties) {
      checkAll(names, properties.getServing().getModels());
    }
    return bean;
  }

  static void checkAll(List<String> names, Map<String, MlopsProperties.Model> models) {
    for (String name : names) {
      MlopsProperties.Model settings = models.get(name);
      if (settings == null) {
        throw new InvalidConfigurationPropertyValueException(
            "mlops.serving.models." + name, name, "sets no property a served model has");
      }
      check(name, settings);
    }
  }

  /** Refuses invalid settings before anything is built, naming the property. */
  static void check(String name, MlopsProperties.Model m) {
    String p = "mlops.serving.models." + name + ".";
    if (name.isBlank()) {
      throw new InvalidConfigurationPropertyValueException(
          "mlops.serving.models", name, "a model name must not be blank");
    }
    if (m.getAlias() != null && m.getVersion() != null) {
      throw new InvalidConfigurationPropertyValueException(
          p + "version", m.getVersion(), "set " + p + "alias or " + p + "version, not both");
    }
    if (m.getAlias() != null && m.getAlias().isBlank()) {
      throw new InvalidConfigurationPropertyValueException(
          p + "alias", m.getAlias(), "must not be blank");
    }
    if (m.getVersion() != null && m.getVersion() < 1) {
      throw new InvalidConfigurationPropertyValueException(
          p + "version", m.getVersion(), "must be at least 1");
    }
    Duration t = m.getTimeout();
    if (t != null && (t.isNegative() || t.isZero())) {
      throw new InvalidConfigurationPropertyValueException(p + "timeout", t, "must be positive");
    }
    if (m.getMaxConcurrency() != null && m.getMaxConcurrency() < 1) {
      throw new InvalidConfigurationPropertyValueException(
          p + "max-concurrency", m.getMaxConcurrency(), "must be at least 1");
    }
    if (!Double.isFinite(m.getFillValue())) {
      throw new InvalidConfigurationPropertyValueException(
          p + "fill-value", m.getFillValue(), "must be a finite number");
    }
    for (String ref : m.getFeatures()) {
      int colon = ref.indexOf(':');
      if (colon <= 0 || colon == ref.length() - 1) {
        throw new InvalidConfigurationPropertyValueException(
            p + "features", abbreviate(ref), "write each feature as view:feature");
      }
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "... (" + s.length() + " chars)";
  }

  @Override
  public void postProcessBeanFactory(
      org.springframework.beans.factory.config.ConfigurableListableBeanFactory beanFactory) {}
}
