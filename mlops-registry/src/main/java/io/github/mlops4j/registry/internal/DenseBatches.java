package io.github.mlops4j.registry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;
import org.tribuo.Prediction;

/**
 * Turns Tribuo examples into the dense row-major input of a native runtime (ONNX, XGBoost), in
 * calls of bounded size.
 */
public final class DenseBatches {
  /** The most input values (rows times columns) given to a runtime in one call. */
  public static final int MAX_CELLS = 1 << 22;

  /** Receives one cell of the dense input. */
  @FunctionalInterface
  public interface Cell {
    void set(int index, double value);
  }

  private DenseBatches() {}

  /**
   * Predicts {@code examples} with {@code run}, one call per slice of at most {@link #MAX_CELLS}
   * values, so the input array of a wide model and a long batch stays bounded (and its size never
   * overflows an {@code int}).
   */
  public static <T extends Output<T>> List<Prediction<T>> predict(
      Iterable<Example<T>> examples,
      int columns,
      Function<List<Example<T>>, List<Prediction<T>>> run) {
    List<Example<T>> batch = new ArrayList<>();
    examples.forEach(batch::add);
    int step = Math.max(1, MAX_CELLS / Math.max(1, columns));
    if (batch.size() <= step) {
      return batch.isEmpty() ? List.of() : run.apply(batch);
    }
    List<Prediction<T>> out = new ArrayList<>(batch.size());
    for (int from = 0; from < batch.size(); from += step) {
      out.addAll(run.apply(batch.subList(from, Math.min(batch.size(), from + step))));
    }
    return out;
  }

  /**
   * Gives each feature of each row that names a column to {@code cell}, at {@code row * columns +
   * column}; features without a column are ignored, cells without a feature are not touched.
   */
  public static <T extends Output<T>> void fill(
      List<Example<T>> batch, Map<String, Integer> columnOf, int columns, Cell cell) {
    for (int r = 0; r < batch.size(); r++) {
      int offset = r * columns;
      for (Feature feature : batch.get(r)) {
        Integer c = columnOf.get(feature.getName());
        if (c != null) {
          cell.set(offset + c, feature.getValue());
        }
      }
    }
  }
}
