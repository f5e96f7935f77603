package io.github.mlops4j.registry.training;

/**
 * Receives every step of every retraining, on the thread running it.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RetrainingListener {
  /** Called for each step; an exception thrown here is logged and ignored. */
  void onStep(RetrainingEvent event);
}
