package io.github.mlops4j.onnx;

import io.github.mlops4j.registry.ModelArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An ONNX file to register: which features feed the graph, and what its outputs mean. {@link
 * #toArtifact()} checks the file as {@link OnnxLoader} will, opens it in onnxruntime, reads the
 * signature from the graph and gives the {@link ModelArtifact} to register. Immutable: each setter
 * returns a copy. It touches no onnxruntime class until {@link #toArtifact()}, which fails with an
 * {@link OnnxModelException} naming the artifact to add when onnxruntime is missing.
 *
 * <pre>{@code
 * ModelVersion v = registry.register("churn",
 *     OnnxArtifact.of(Path.of("churn.onnx"))
 *         .columns("tenure", "age", "spend", "visits")     // the columns of input "float_input"
 *         .classification("no", "yes")                     // class 0, class 1
 *         .toArtifact(),
 *     run.id());
 * }</pre>
 *
 * <p>Inputs: without {@link #columns}, the graph must have one input per feature ({@code [N]} or
 * {@code [N, 1]} tensors), named like the features. With it, the graph has one input {@code [N, F]}
 * and column {@code i} is the {@code i}-th name. Inputs are float, double, int64 or int32 tensors
 * (an integer input refuses a value that is not a whole number of its type, it does not round); a
 * graph with a string input is refused (encode the category outside the graph and name its one-hot
 * columns {@code field@category}). Outputs: a classifier's class probabilities are its first float
 * tensor {@code [N, C]} or sequence of maps (scikit-learn's ZipMap), its label the first int64 or
 * string tensor {@code [N]}; a regressor's value is its first float tensor, or the one {@link
 * #regression(String) named}.
 *
 * @since 0.1.0
 */
public final class OnnxArtifact {
  private final Path file;
  private final @Nullable List<String> columns;
  private final @Nullable OnnxKind kind;
  private final List<String> outputs;
  private final OnnxLoader loader;

  private OnnxArtifact(
      Path file,
      @Nullable List<String> columns,
      @Nullable OnnxKind kind,
      List<String> outputs,
      OnnxLoader loader) {
    this.file = file;
    this.columns = columns;
    this.kind = kind;
    this.outputs = outputs;
    this.loader = loader;
  }

  /** An ONNX file; say next what its outputs are ({@link #classification}, {@link #regression}). */
  public static OnnxArtifact of(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("ONNX file " + file + " does not exist or is not a file");
    }
    return new OnnxArtifact(file, null, null, List.of(), new OnnxLoader());
  }

  /** The graph has one input {@code [N, F]}: its columns are these features, in order. */
  public OnnxArtifact columns(String... featureNames) {
    List<String> names = distinct(List.of(featureNames), "feature");
    return new OnnxArtifact(file, names, kind, outputs, loader);
  }

  /**
   * A classifier whose classes, in the order of its probability columns (scikit-learn's {@code
   * classes_}), get these labels.
   */
  public OnnxArtifact classification(String... labels) {
    List<String> l = distinct(List.of(labels), "label");
    if (l.size() < 2) {
      throw new IllegalArgumentException("A classifier needs at least 2 labels, got " + l.size());
    }
    return new OnnxArtifact(file, columns, OnnxKind.CLASSIFICATION, l, loader);
  }

  /** A regressor whose value is the graph's first float output. */
  public OnnxArtifact regression() {
    return new OnnxArtifact(file, columns, OnnxKind.REGRESSION, List.of(), loader);
  }

  /** A regressor whose value is the float output {@code outputName}. */
  public OnnxArtifact regression(String outputName) {
    Objects.requireNonNull(outputName, "outputName");
    return new OnnxArtifact(file, columns, OnnxKind.REGRESSION, List.of(outputName), loader);
  }

  /** The limits to check the file against (default: {@link OnnxLoader}'s defaults). */
  public OnnxArtifact checkedWith(OnnxLoader loader) {
    return new OnnxArtifact(file, columns, kind, outputs, Objects.requireNonNull(loader, "loader"));
  }

  /**
   * Checks the file, reads its signature from the graph, and gives the artifact to register (format
   * {@value OnnxLoader#FORMAT}); add a description or tags to it as to any artifact.
   *
   * @throws IllegalStateException if neither {@link #classification} nor {@link #regression} was
   *     called
   * @throws OnnxModelException if the file fails a check, onnxruntime refuses it, or its graph does
   *     not fit the features and outputs given
   */
  public ModelArtifact toArtifact() {
    OnnxKind k = kind;
    if (k == null) {
      throw new IllegalStateException(
          "Say what the outputs are first: classification(labels...) or regression()");
    }
    byte[] bytes;
    try {
      // a byte array holds at most 2 GiB: refuse a bigger file before reading it
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 8) {
        throw new OnnxModelException(
            null, null, file + " is " + size + " bytes, more than a model file can be read into");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    loader.checkFile(null, 0, bytes);
    try {
      return ModelArtifact.file(file, OnnxLoader.FORMAT)
          .signature(OnnxGraphReader.signature(file, columns, k, outputs, bytes));
    } catch (NoClassDefFoundError e) {
      throw OnnxLoader.missingRuntime(null, 0, e);
    }
  }

  private static List<String> distinct(List<String> names, String what) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("Give at least one " + what + " name");
    }
    if (new HashSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException("Duplicate " + what + " names in " + names);
    }
    for (String n : names) {
      if (n.isBlank()) {
        throw new IllegalArgumentException("A " + what + " name is blank");
      }
    }
    return List.copyOf(names);
  }
}
