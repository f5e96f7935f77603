/**
 * mlops4j monitoring: drift statistics, drift detection, streaming profiles, Micrometer metrics and
 * alerts.
 *
 * <p>DataSketches 6.2.0 has neither a descriptor nor an {@code Automatic-Module-Name}, so it is
 * required by the name the module system derives from its file name, {@code datasketches.java}.
 * Upgrading DataSketches to a release that names its module means changing that line here.
 *
 * @since 0.1.0
 */
@SuppressWarnings("requires-automatic")
module io.github.mlops4j.monitoring {
  exports io.github.mlops4j.monitoring;
  exports io.github.mlops4j.monitoring.drift;
  exports io.github.mlops4j.monitoring.metrics;
  exports io.github.mlops4j.monitoring.profile;
  exports io.github.mlops4j.monitoring.stats;

  requires transitive io.github.mlops4j;
  requires org.slf4j;
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.statistics.distribution;
  requires org.apache.commons.statistics.inference;
  requires datasketches.java;
  requires org.apache.datasketches.memory;
  requires static micrometer.core;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
}
