package io.github.mlops4j.serving;

import io.github.mlops4j.serving.metrics.ServingMeters;
import io.github.mlops4j.serving.testing.ServingMetersContract;

/**
 * The {@link ServingMeters} contract on the in-memory implementation of {@link
 * ServingMetersSpiTest}, written the way a user of another metrics library would.
 */
class RecordingMetersContractTest extends ServingMetersContract {
  @Override
  protected ServingMeters meters() {
    return new ServingMetersSpiTest.Recording();
  }
}
