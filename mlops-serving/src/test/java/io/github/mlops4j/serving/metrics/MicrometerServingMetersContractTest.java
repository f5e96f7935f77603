package io.github.mlops4j.serving.metrics;

import io.github.mlops4j.serving.testing.ServingMetersContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The {@link ServingMeters} contract on {@link MicrometerServingMeters}. */
class MicrometerServingMetersContractTest extends ServingMetersContract {
  @Override
  protected ServingMeters meters() {
    return MicrometerServingMeters.of(new SimpleMeterRegistry());
  }
}
