/**
 * Registering and loading XGBoost models: {@link io.github.mlops4j.xgboost.XgboostArtifact} reads a
 * saved model's signature at registration; {@link io.github.mlops4j.xgboost.XgboostLoader} loads
 * registered versions for the registry and the services built on it.
 */
@NullMarked
package io.github.mlops4j.xgboost;

import org.jspecify.annotations.NullMarked;
