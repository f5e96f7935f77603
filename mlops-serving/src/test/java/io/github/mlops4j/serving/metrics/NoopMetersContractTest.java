package io.github.mlops4j.serving.metrics;

import io.github.mlops4j.serving.testing.ServingMetersContract;

/** The {@link ServingMeters} contract on {@link ServingMeters#noop()}. */
class NoopMetersContractTest extends ServingMetersContract {
  @Override
  protected ServingMeters meters() {
    return ServingMeters.noop();
  }
}
