package io.github.mlops4j.spring;

import org.jspecify.annotations.Nullable;

/**
 * The prediction timers of {@link PredictionMeterHandler}, seen without Micrometer's meter types,
 * so that {@link PredictionObservations} can record into them directly where no observation handler
 * other than that one would see a prediction (see {@link DirectTimers}).
 */
interface PredictionTimers {
  /** The monotonic time the timers measure with. */
  long now();

  /**
   * The timer kept for calls with {@code key} that failed with {@code error} (null: none), or null
   * while no observation with those values has been stopped by the handler.
   */
  @Nullable Object timer(PredictionContext.Key key, @Nullable Class<?> error);

  /** Records {@code nanos} into {@code timer}, a value of {@link #timer}. */
  void record(Object timer, long nanos);
}
