package io.github.mlops4j.xgboost;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.registry.ModelArtifact;
import io.github.mlops4j.registry.ModelSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An XGBoost model file to register (saved by {@code save_model("model.json")} or {@code
 * save_model("model.ubj")}): which features feed it, and what its output means. {@link
 * #toArtifact()} checks the file as {@link XgboostLoader} will, loads it once in XGBoost, and gives
 * the {@link ModelArtifact} to register with the signature stored in the registry. Immutable: each
 * setter returns a copy. It touches no xgboost4j class until {@link #toArtifact()}, which fails
 * with an {@link XgboostModelException} naming the artifact to add when xgboost4j is missing.
 *
 * <pre>{@code
 * ModelVersion v = registry.register("churn",
 *     XgboostArtifact.of(Path.of("churn.json"))        // feature names saved with the model
 *         .classification("no", "yes")                 // class 0, class 1
 *         .toArtifact(),
 *     run.id());
 * }</pre>
 *
 * <p>Features: the model's saved {@code feature_names}, in column order; a model saved without them
 * needs {@link #columns}, whose {@code i}-th name is column {@code i} (given both, they must be
 * equal). Output: the model's objective decides: {@code binary:logistic} and {@code multi:softprob}
 * are classifiers (declare {@link #classification} with one label per class, in class-index order),
 * {@code reg:*}, {@code count:*} and {@code survival:*} are regressors (declare {@link
 * #regression()}); a declaration that disagrees with the objective is refused.
 *
 * @since 0.1.0
 */
public final class XgboostArtifact {
  /** The output name of a regressor registered with {@link #regression()}. */
  public static final String DEFAULT_REGRESSION_OUTPUT = "value";

  private final Path file;
  private final @Nullable List<String> columns;
  private final @Nullable XgboostKind kind;
  private final List<String> outputs;
  private final XgboostLoader loader;

  private XgboostArtifact(
      Path file,
      @Nullable List<String> columns,
      @Nullable XgboostKind kind,
      List<String> outputs,
      XgboostLoader loader) {
    this.file = file;
    this.columns = columns;
    this.kind = kind;
    this.outputs = outputs;
    this.loader = loader;
  }

  /** An XGBoost file; say next what it predicts ({@link #classification}, {@link #regression}). */
  public static XgboostArtifact of(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "XGBoost file " + file + " does not exist or is not a file");
    }
    return new XgboostArtifact(file, null, null, List.of(), new XgboostLoader());
  }

  /** The model's columns are these features, in order (needed when it has no feature names). */
  public XgboostArtifact columns(String... featureNames) {
    return new XgboostArtifact(file, names(featureNames, "feature"), kind, outputs, loader);
  }

  /**
   * A classifier ({@code binary:logistic}, {@code multi:softprob}) whose classes 0, 1, ... get
   * these labels.
   */
  public XgboostArtifact classification(String... labels) {
    List<String> l = names(labels, "label");
    if (l.size() < 2) {
      throw new IllegalArgumentException("A classifier needs at least 2 labels, got " + l.size());
    }
    return new XgboostArtifact(file, columns, XgboostKind.CLASSIFICATION, l, loader);
  }

  /** A regressor whose output is named {@value #DEFAULT_REGRESSION_OUTPUT}. */
  public XgboostArtifact regression() {
    return regression(DEFAULT_REGRESSION_OUTPUT);
  }

  /** A regressor whose output is named {@code outputName}. */
  public XgboostArtifact regression(String outputName) {
    List<String> o = names(new String[] {outputName}, "output");
    return new XgboostArtifact(file, columns, XgboostKind.REGRESSION, o, loader);
  }

  /** The limits to check the file against (default: {@link XgboostLoader}'s defaults). */
  public XgboostArtifact checkedWith(XgboostLoader loader) {
    return new XgboostArtifact(
        file, columns, kind, outputs, Objects.requireNonNull(loader, "loader"));
  }

  /**
   * Checks the file, reads its signature, loads it once in XGBoost, and gives the artifact to
   * register (format {@value XgboostLoader#FORMAT}); add a description or tags to it as to any
   * artifact.
   *
   * @throws IllegalStateException if neither {@link #classification} nor {@link #regression} was
   *     called
   * @throws XgboostModelException if the file fails a check, XGBoost refuses it, its objective,
   *     classes or features do not fit what was declared, or xgboost4j is not on the class path
   */
  public ModelArtifact toArtifact() {
    XgboostKind k = kind;
    if (k == null) {
      throw new IllegalStateException(
          "Say what the model predicts first: classification(labels...) or regression()");
    }
    byte[] bytes;
    try {
      // a byte array holds at most 2 GiB: refuse a bigger file before reading it
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 8) {
        throw new XgboostModelException(
            null, null, file + " is " + size + " bytes, more than a model file can be read into");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    XgboostFileCheck.Info info = loader.checkFile(null, 0, bytes);
    List<String> features = features(info);
    String mismatch = XgboostLoader.mismatch(info, k, features, outputs);
    if (mismatch != null) {
      throw new XgboostModelException(
          null,
          null,
          "The XGBoost file " + file.getFileName() + " cannot be registered: " + mismatch);
    }
    try {
      XgboostLoader.openPool(null, 0, bytes, info, 1, 1).close();
    } catch (NoClassDefFoundError e) {
      throw XgboostLoader.missingRuntime(null, 0, e);
    }
    List<FeatureSpec> inputs = new ArrayList<>();
    for (String f : features) {
      inputs.add(new FeatureSpec(f, FeatureSpec.Type.REAL));
    }
    return ModelArtifact.file(file, XgboostLoader.FORMAT)
        .signature(new ModelSignature(inputs, k.outputType(), outputs));
  }

  private List<String> features(XgboostFileCheck.Info info) {
    List<String> given = columns;
    if (info.featureNames().isEmpty()) {
      if (given == null) {
        throw new XgboostModelException(
            null,
            null,
            "The XGBoost file "
                + file.getFileName()
                + " was saved without feature names: name its "
                + info.numFeature()
                + " columns with columns(...)");
      }
      return given;
    }
    if (given != null && !given.equals(info.featureNames())) {
      throw new XgboostModelException(
          null,
          null,
          "The XGBoost file "
              + file.getFileName()
              + " names its features "
              + XgboostFileCheck.cut(info.featureNames().toString())
              + ", not "
              + XgboostFileCheck.cut(given.toString()));
    }
    return info.featureNames();
  }

  private static List<String> names(String[] names, String what) {
    List<String> list = List.of(names);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("Give at least one " + what + " name");
    }
    if (new HashSet<>(list).size() != list.size()) {
      throw new IllegalArgumentException("Duplicate " + what + " names");
    }
    for (String n : list) {
      if (n.isBlank()) {
        throw new IllegalArgumentException("A " + what + " name is blank");
      }
    }
    return list;
  }
}
