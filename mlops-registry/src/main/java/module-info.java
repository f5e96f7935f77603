/**
 * mlops4j registry: model versions, aliases, audit trail, rollback, safe model loading, training
 * and validation gates.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.registry {
  exports io.github.mlops4j.registry;
  exports io.github.mlops4j.registry.training;
  exports io.github.mlops4j.registry.validation;
  exports io.github.mlops4j.registry.internal to
      io.github.mlops4j.onnx,
      io.github.mlops4j.serving,
      io.github.mlops4j.xgboost,
      io.github.mlops4j.spark;

  uses io.github.mlops4j.registry.ModelFormatLoader;

  requires transitive io.github.mlops4j;
  requires transitive org.tribuo.core;
  requires org.tribuo.classification.core;
  requires org.tribuo.regression.core;
  requires org.tribuo.data;
  requires com.oracle.labs.mlrg.olcut;
  requires com.oracle.labs.mlrg.olcut.config.protobuf;
  requires com.google.protobuf;
  requires java.sql;
  requires org.slf4j;
  requires com.zaxxer.hikari;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.statistics.distribution;
  requires org.apache.commons.statistics.inference;
  requires static org.postgresql.jdbc; // optional: pushed changes on PostgreSQL
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
}
