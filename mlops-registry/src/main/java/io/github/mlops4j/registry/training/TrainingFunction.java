package io.github.mlops4j.registry.training;

import io.github.mlops4j.tracking.Run;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * The host's training code: given fresh data, returns a trained Tribuo model. It runs inside the
 * retraining's tracked run, which it may use to log params and metrics.
 *
 * @param <T> the output type
 * @since 0.1.0
 */
@FunctionalInterface
public interface TrainingFunction<T extends Output<T>> {
  /** Trains a model on {@code data}; throwing fails the retraining and leaves the champion. */
  Model<T> train(Dataset<T> data, Run run);
}
