package io.github.mlops4j.serving;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/**
 * Turns a Tribuo prediction of one output type into {@link Prediction#output()} and {@link
 * Prediction#scores()}. Each output type has its own class, so only the Tribuo modules a served
 * model needs must be on the class path.
 */
abstract class OutputAdapter<T extends Output<T>> {
  /** The Tribuo output class to load the model with. */
  abstract Class<T> type();

  /** The placeholder output of examples built for prediction. */
  abstract T unknown();

  /**
   * True if the prediction holds an answer that {@link #output} and {@link #scores} can report: an
   * output at all, and for numbers a finite one. Tribuo gives no label, an infinite or NaN value,
   * or no cluster when the computation overflowed, e.g. for a value far outside the training range.
   */
  abstract boolean usable(org.tribuo.@Nullable Prediction<T> p);

  abstract String output(org.tribuo.Prediction<T> p);

  abstract Map<String, Double> scores(org.tribuo.Prediction<T> p);

  /**
   * The adapter of a signature's output type: {@code Label}, {@code Regressor} (Tribuo reports
   * regression domains as {@code DimensionTuple}), {@code Event}, {@code ClusterID}.
   *
   * @throws IllegalArgumentException for any other type
   */
  static OutputAdapter<?> forType(String outputType) {
    return switch (outputType) {
      case "Label" -> new LabelAdapter();
      case "Regressor", "DimensionTuple" -> new RegressorAdapter();
      case "Event" -> new EventAdapter();
      case "ClusterID" -> new ClusterAdapter();
      default ->
          throw new IllegalArgumentException(
              "Output type '"
                  + outputType
                  + "' is not served; serve Label, Regressor, Event or ClusterID models");
    };
  }
}
