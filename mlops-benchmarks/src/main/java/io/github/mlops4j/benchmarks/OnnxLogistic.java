package io.github.mlops4j.benchmarks;

import io.github.mlops4j.onnx.OnnxArtifact;
import io.github.mlops4j.registry.ModelArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;

/**
 * A logistic regression of the {@link LogisticFixture} workload exported to ONNX by Tribuo ({@link
 * ONNXExportable}): one float input {@code [N, 20]} whose columns are Tribuo's feature ids (names
 * in lexical order: {@code f0, f1, f10, ...}) and one float output {@code [N, 2]} of class
 * probabilities (softmax) in Tribuo's label id order.
 *
 * <p>Why an export and not a file made in Python: the ONNX benchmarks then run the very workload
 * and weights of the Tribuo serving benchmarks (same rows, same trainer, same seed), the graph is
 * made in the same run (no binary to commit or regenerate), and Tribuo's export is a real ONNX
 * producer (the issue names it as the second source of fixtures).
 */
final class OnnxLogistic {
  private final Path file;
  private final String[] columns;
  private final String[] labels;

  private OnnxLogistic(Path file, String[] columns, String[] labels) {
    this.file = file;
    this.columns = columns;
    this.labels = labels;
  }

  /** The exported graph. */
  Path file() {
    return file;
  }

  /** The feature of each input column (a copy). */
  String[] columns() {
    return columns.clone();
  }

  /** The label of each probability column (a copy). */
  String[] labels() {
    return labels.clone();
  }

  /** Trains on {@code rows} rows seeded {@code seed} and exports the model to {@code file}. */
  static OnnxLogistic train(int rows, long seed, Path file) {
    return export(LogisticFixture.train(rows, seed), file);
  }

  /** Exports {@code model} (a Tribuo linear model) to {@code file}. */
  static OnnxLogistic export(Model<Label> model, Path file) {
    try {
      ((ONNXExportable) model).saveONNXModel("io.github.mlops4j.benchmarks", 1, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] columns = new String[model.getFeatureIDMap().size()];
    for (int c = 0; c < columns.length; c++) {
      columns[c] = model.getFeatureIDMap().get(c).getName();
    }
    String[] labels = new String[model.getOutputIDInfo().size()];
    for (int j = 0; j < labels.length; j++) {
      labels[j] = model.getOutputIDInfo().getOutput(j).getLabel();
    }
    return new OnnxLogistic(file, columns, labels);
  }

  /** The artifact to register: the graph's columns and labels named. */
  ModelArtifact artifact() {
    return OnnxArtifact.of(file).columns(columns).classification(labels).toArtifact();
  }

  /** The values of {@code x} (indexed like {@link LogisticFixture#NAMES}) in column order. */
  double[] inColumnOrder(double[] x) {
    double[] out = new double[columns.length];
    for (int c = 0; c < columns.length; c++) {
      out[c] = x[Integer.parseInt(columns[c].substring(1))];
    }
    return out;
  }
}
