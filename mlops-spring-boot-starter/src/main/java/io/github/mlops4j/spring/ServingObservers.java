package io.github.mlops4j.spring;

import io.github.mlops4j.serving.PredictionObserver;
import org.jspecify.annotations.Nullable;

/**
 * Gives each served model its {@link PredictionObserver} (a Micrometer observation per call when an
 * {@code ObservationRegistry} exists). A bean of this type replaces the starter's.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ServingObservers {
  /** The observer of {@code model}'s predictions, or null for none. */
  @Nullable PredictionObserver forModel(String model);
}
