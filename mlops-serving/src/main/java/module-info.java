/**
 * mlops4j serving: online prediction with hot swap, routing, validation, deadlines and metrics;
 * batch scoring.
 *
 * <p>{@code io.github.mlops4j.serving.internal} is exported to mlops-spark only. Micrometer,
 * mlops-monitoring and the Tribuo prediction types beyond {@code tribuo-core} are optional: only
 * the classes that use them need them at run time.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.serving {
  exports io.github.mlops4j.serving;
  exports io.github.mlops4j.serving.batch;
  exports io.github.mlops4j.serving.metrics;
  exports io.github.mlops4j.serving.monitoring;
  exports io.github.mlops4j.serving.routing;
  exports io.github.mlops4j.serving.internal to
      io.github.mlops4j.spark;

  requires transitive io.github.mlops4j;
  requires transitive io.github.mlops4j.registry;
  requires transitive org.tribuo.core;
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.csv;
  requires ch.randelshofer.fastdoubleparser;
  requires static org.tribuo.classification.core;
  requires static org.tribuo.regression.core;
  requires static org.tribuo.anomaly.core;
  requires static org.tribuo.clustering.core;
  requires static micrometer.core;
  requires static io.github.mlops4j.monitoring;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
}
