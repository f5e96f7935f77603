/**
 * mlops4j core: experiment tracking, dataset versions and lineage, the feature store, artifacts and
 * the workspace store.
 *
 * <p>Exports only API packages. The {@code *.internal} packages are not API; five of them are
 * exported to the mlops4j modules that share them, and to no one else.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"module", "requires-automatic"})
module io.github.mlops4j {
  exports io.github.mlops4j;
  exports io.github.mlops4j.artifacts;
  exports io.github.mlops4j.data;
  exports io.github.mlops4j.features;
  exports io.github.mlops4j.governance;
  exports io.github.mlops4j.store;
  exports io.github.mlops4j.tracking;
  exports io.github.mlops4j.internal to
      io.github.mlops4j.registry,
      io.github.mlops4j.console,
      io.github.mlops4j.monitoring,
      io.github.mlops4j.serving,
      io.github.mlops4j.redis,
      io.github.mlops4j.s3,
      io.github.mlops4j.mlflow,
      io.github.mlops4j.openlineage,
      io.github.mlops4j.spark;
  exports io.github.mlops4j.artifacts.internal to
      io.github.mlops4j.registry,
      io.github.mlops4j.s3;
  exports io.github.mlops4j.governance.internal to
      io.github.mlops4j.registry;
  exports io.github.mlops4j.features.internal to
      io.github.mlops4j.spark;
  exports io.github.mlops4j.store.internal to
      io.github.mlops4j.registry,
      io.github.mlops4j.monitoring;

  requires transitive java.sql;
  requires java.logging;
  requires org.slf4j;
  requires org.xerial.sqlitejdbc;
  requires com.zaxxer.hikari;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.databind;
  requires static transitive org.jspecify;
  // Optional: only hosts that log Tribuo provenance use TribuoProvenance, and they have Tribuo.
  requires static org.tribuo.core;
  requires static com.oracle.labs.mlrg.olcut;

  uses io.github.mlops4j.artifacts.ArtifactStoreProvider;
}
