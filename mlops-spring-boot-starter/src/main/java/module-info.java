/**
 * mlops4j for Spring Boot: auto-configuration of the store, tracker, registry, feature store and
 * served models, actuator health and info, graceful drain, and Micrometer observations.
 *
 * <p>mlops-registry, mlops-serving, spring-boot-actuator and Micrometer are optional: each piece is
 * configured only when its module is present.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.spring {
  exports io.github.mlops4j.spring;
  exports io.github.mlops4j.spring.actuate;

  requires transitive io.github.mlops4j;
  requires static transitive io.github.mlops4j.registry;
  requires static transitive io.github.mlops4j.serving;
  requires static io.github.mlops4j.console;
  requires static jakarta.servlet;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.context;
  requires transitive spring.beans;
  requires spring.core;
  requires java.sql;
  requires org.slf4j;
  requires static transitive spring.boot.actuator;
  requires static micrometer.core;
  requires static transitive micrometer.observation;
  requires static micrometer.commons;
  requires static transitive org.jspecify;
}
