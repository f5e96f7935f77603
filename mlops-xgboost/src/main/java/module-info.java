/**
 * mlops4j XGBoost: models saved by XGBoost (JSON or UBJ), registered, served, evaluated and
 * batch-scored like Tribuo models, with xgboost4j.
 *
 * <p>Provides the registry's {@code ModelFormatLoader} for the {@code xgboost} format: with this
 * module on the class path, {@code ModelRegistry.loadTribuo} and every service built on it load
 * XGBoost versions. {@code ml.dmlc:xgboost4j_2.12} has no module name (its file name gives none),
 * so it stays on the class path: on the module path this module reads the unnamed module ({@code
 * --add-reads io.github.mlops4j.xgboost=ALL-UNNAMED}).
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
  requires com.fasterxml.jackson.core;
  requires com.oracle.labs.mlrg.olcut;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  provides io.github.mlops4j.registry.ModelFormatLoader with
      io.github.mlops4j.xgboost.XgboostLoader;
}
