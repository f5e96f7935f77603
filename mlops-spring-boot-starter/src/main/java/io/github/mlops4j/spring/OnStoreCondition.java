package io.github.mlops4j.spring;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Turns {@link MlopsAutoConfiguration} on: {@code mlops.workspace} set to anything but {@code
 * false}, or {@code mlops.store=datasource} (as {@code @ConditionalOnProperty} reads them). One
 * condition reading the environment, rather than a nested condition whose member classes are read
 * from their class files on every context start.
 *
 * <p>A class of its own, not a member class of the auto-configuration: Spring reads every member
 * class of a configuration class from its class file on each start to see whether it is one. It
 * reads only the environment, so it is decided once, when the configuration class is parsed, and
 * not again when its beans are registered.
 */
final class OnStoreCondition extends SpringBootCondition implements ConfigurationCondition {
  @Override
  public ConfigurationPhase getConfigurationPhase() {
    return ConfigurationPhase.PARSE_CONFIGURATION;
  }

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConditionMessage.Builder message = ConditionMessage.forCondition("mlops4j store");
    Environment env = context.getEnvironment();
    String workspace = env.getProperty("mlops.workspace");
    if (workspace != null && !"false".equalsIgnoreCase(workspace)) {
      return ConditionOutcome.match(message.found("property").items("mlops.workspace"));
    }
    if ("datasource".equalsIgnoreCase(env.getProperty("mlops.store"))) {
      return ConditionOutcome.match(message.found("property").items("mlops.store=datasource"));
    }
    return ConditionOutcome.noMatch(
        message.didNotFind("property").items("mlops.workspace", "mlops.store=datasource"));
  }
}
