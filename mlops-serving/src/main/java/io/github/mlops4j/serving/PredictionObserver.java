package io.github.mlops4j.serving;

import org.jspecify.annotations.Nullable;

/**
 * Sees each {@link InferenceService#predict} call from its start to its end, on the caller's
 * thread: the seam for tracing (a Micrometer {@code Observation} per call, a span where the host
 * has a tracer) and log correlation, which the after-the-fact {@link
 * io.github.mlops4j.serving.metrics.ServingMeters} cannot give. Set one with {@link
 * InferenceService.Builder#observer}; a service without one pays a single null check per call.
 *
 * <p>Both methods run on the predict path: they must be thread-safe and cheap, and should not
 * throw. An exception from {@link #onStart} fails the call before it starts; one from {@link
 * #onEnd} is logged (once per service) and never replaces the prediction or the call's own error.
 * {@link #onEnd} is called exactly once for every {@link #onStart} that returned, also when the
 * call fails (with an {@code Error} too). Lists ({@code predictAll}, and each pass of a {@code
 * BatchJob} chunk over the model) are seen through {@link #onStartList} and {@link #onEndList},
 * which by default observe nothing, with the same guarantees.
 *
 * @since 0.1.0
 */
public interface PredictionObserver {
  /**
   * A call of {@code model}'s service starts.
   *
   * @return a context handed back to {@link #onEnd} (null if none is needed)
   */
  @Nullable Object onStart(String model);

  /**
   * The call ended: with {@code prediction} (its id, version and route) or with {@code error} (an
   * {@link InvalidInputException}, {@link OverloadedException}, {@link DeadlineExceededException},
   * {@link ModelUnavailableException} or another failure); exactly one of the two is non-null.
   */
  void onEnd(@Nullable Object context, @Nullable Prediction prediction, @Nullable Throwable error);

  /**
   * A call that predicts a list starts: {@link InferenceService#predictAll} ({@code batchJob}
   * false) or one pass of a {@code BatchJob} chunk over the model ({@code batchJob} true; a chunk
   * whose model call failed as a whole is retried in a second pass).
   *
   * @param size the number of requests in the list
   * @return a context handed back to {@link #onEndList} (null if none is needed); by default null
   * @since 0.1.0
   */
  default @Nullable Object onStartList(String model, int size, boolean batchJob) {
    return null;
  }

  /**
   * The list call ended. {@code error} is what it threw, else null: for {@code predictAll} the
   * failure of its first failed request; a batch pass keeps each row's own outcome and has an error
   * only when it failed as a whole. By default does nothing.
   *
   * @since 0.1.0
   */
  default void onEndList(@Nullable Object context, @Nullable Throwable error) {}
}
