package io.github.mlops4j.registry.internal;

import java.util.List;

/**
 * A classifier of a native runtime (ONNX) that predicts rows of numbers given as one row-major
 * matrix, answering each row's label and scores in arrays: the path of a batch file's chunk,
 * without a Tribuo example or prediction per row. Its answers are those {@code predict(List)} gives
 * for the same rows as examples.
 */
public interface DenseClassifier {
  /** The feature names of the matrix's columns, in order. */
  List<String> denseColumns();

  /** The labels, in the order of the scores {@link #predictDense} gives (distinct). */
  List<String> denseLabels();

  /**
   * Predicts {@code n} rows of {@code data} (row-major over {@link #denseColumns()}, at most {@link
   * DenseBatches#MAX_CELLS} values), in one run of the runtime.
   *
   * @param chosen receives, for each row, the index into {@link #denseLabels()} of its label
   * @param scores receives, for each row {@code i} and label {@code j}, its score at {@code i *
   *     labels + j}
   * @throws RuntimeException whatever {@code predict(List)} would throw for these rows
   */
  void predictDense(double[] data, int n, int[] chosen, double[] scores);
}
