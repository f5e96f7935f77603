/**
 * mlops4j console: a read-only web console for a workspace's runs, models, feature views and drift
 * reports, served by the JDK's HTTP server ({@link io.github.mlops4j.console.ConsoleServer}) or
 * mounted in a host ({@link io.github.mlops4j.console.ConsoleHandler}).
 *
 * @since 0.1.0
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.console {
  exports io.github.mlops4j.console;

  requires transitive io.github.mlops4j.registry;
  requires transitive io.github.mlops4j.monitoring;
  requires transitive jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
}
