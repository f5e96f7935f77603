/**
 * mlops4j XGBoost: models saved by XGBoost (JSON or UBJ), registered, served, evaluated and
 * batch-scored like Tribuo models, with xgboost4j.
 *
 * <p>Provides the registry's {@code ModelFormatLoader} for the {@code xgboost} format: with this
 * module on the class path, {@code ModelRegistry.loadTribuo} and every service built on it load
 * XGBoost versions.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.github.mlops4j.xgboost {
  exports io.github.mlops4j.xgboost;

  requires transitive io.github.mlops4j.registry;
  requires transitive org.tribuo.core;
  requires org.tribuo.classification.core;
  requires org.tribuo.regression.core;
  requires ml.dmlc.xgboost4j;
  requires com.fasterxml.jackson.core;
  requires com.oracle.labs.mlrg.olcut;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  provides io.github.mlops4j.registry.ModelFormatLoader with
      io.github.mlops4j.xgboost.XgboostLoader;
}
