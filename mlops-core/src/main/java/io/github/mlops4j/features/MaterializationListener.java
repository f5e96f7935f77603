package io.github.mlops4j.features;

import java.time.Instant;

/**
 * Receives what each {@link FeatureStore#materialize} call did: register it with {@link
 * FeatureStore#addListener}. Called on the thread that materialized, after every view's transaction
 * committed, so keep it short. An exception it throws is logged and affects neither the
 * materialization nor the other listeners.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface MaterializationListener {
  /**
   * Called once per view a materialization moved (views already at or past its end are left out).
   *
   * @param materialization what was materialized for one view
   * @param time the feature store clock's time when the call returned
   */
  void onMaterialized(Materialization materialization, Instant time);
}
