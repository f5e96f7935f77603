package io.github.mlops4j.registry.validation;

import io.github.mlops4j.data.DatasetVersion;
import io.github.mlops4j.internal.KeyCharacters;
import io.github.mlops4j.registry.EvaluationRecord;
import io.github.mlops4j.registry.ModelRegistry;
import io.github.mlops4j.registry.ModelSignature;
import io.github.mlops4j.registry.ModelVersion;
import io.github.mlops4j.tracking.Run;
import io.github.mlops4j.tracking.Tracker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;

/**
 * Evaluates models on a {@link Holdout}: predicts every row once, then computes every metric
 * overall and per slice from those predictions, and records the result in a tracking run and in the
 * model version's evaluation records.
 *
 * <pre>{@code
 * Evaluation e = ModelEvaluator.evaluate(registry, "churn", "champion", holdout);
 * double recall = e.slices().get("region=north").metrics().get("recall:yes");
 * ModelEvaluator.record(registry, tracker, e);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ModelEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(ModelEvaluator.class);

  /** The experiment evaluation runs are logged in. */
  public static final String EXPERIMENT = "model-validation";

  private ModelEvaluator() {}

  /**
   * Evaluates a Tribuo model.
   *
   * @throws ValidationException if the holdout's columns do not match the model's features, the
   *     model's output type is not supported, or a slice has no rows
   */
  public static <T extends Output<T>> Evaluation evaluate(Model<T> model, Holdout<T> holdout) {
    return evaluate(model, holdout, null, null, ModelSignature.of(model));
  }

  /**
   * Evaluates a registered version: {@code reference} is a version number or an alias.
   *
   * @throws ValidationException if the reference does not resolve, or as {@link #evaluate(Model,
   *     Holdout)}
   */
  public static <T extends Output<T>> Evaluation evaluate(
      ModelRegistry registry, String name, String reference, Holdout<T> holdout) {
    ModelVersion version = resolve(registry, name, reference);
    return evaluate(registry, version, holdout);
  }

  /** Evaluates a registered version, checking the holdout against the version's signature. */
  public static <T extends Output<T>> Evaluation evaluate(
      ModelRegistry registry, ModelVersion version, Holdout<T> holdout) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(holdout, "holdout");
    Class<T> outputClass = outputClass(holdout.dataset());
    ModelSignature signature = version.signature().orElse(null);
    if (signature != null && !signature.outputType().equals(outputClass.getSimpleName())) {
      throw new ValidationException(
          version
              + " predicts "
              + signature.outputType()
              + " but holdout '"
              + holdout.name()
              + "' holds "
              + outputClass.getSimpleName()
              + " labels; use a holdout of the model's output type");
    }
    Model<T> model = registry.loadTribuo(version, outputClass);
    try {
      return evaluate(
          model,
          holdout,
          version.modelName(),
          version.version(),
          signature == null ? ModelSignature.of(model) : signature);
    } finally {
      // an ONNX session or XGBoost boosters hold native memory until closed
      if (model instanceof AutoCloseable closeable) {
        closeQuietly(closeable, version);
      }
    }
  }

  private static void closeQuietly(AutoCloseable model, ModelVersion version) {
    try {
      model.close();
    } catch (Exception e) {
      LOG.warn("Closing the model of {} after its evaluation failed", version, e);
    }
  }

  static ModelVersion resolve(ModelRegistry registry, String name, String reference) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reference, "reference");
    Map<String, Integer> aliases = registry.aliases(name); // throws ModelNotFoundException
    return registry
        .resolve(name, reference)
        .orElseThrow(
            () ->
                new ValidationException(
                    "Model '"
                        + name
                        + "' has no version or alias '"
                        + reference
                        + "'; its aliases are "
                        + aliases
                        + ". Set the alias or pass an existing version number"));
  }

  @SuppressWarnings("unchecked")
  static <T extends Output<T>> Class<T> outputClass(Dataset<T> data) {
    return (Class<T>) data.getOutputFactory().getUnknownOutput().getClass();
  }

  static <T extends Output<T>> Evaluation evaluate(
      Model<T> model,
      Holdout<T> holdout,
      @Nullable String name,
      @Nullable Integer version,
      ModelSignature signature) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(holdout, "holdout");
    checkColumns(signature, holdout, name == null ? "the model" : name + " v" + version);
    List<Prediction<T>> predictions = model.predict(holdout.dataset());
    Scores scores = Scores.of(model, predictions);
    Map<String, Double> metrics = Metrics.all(scores);
    Map<String, int[]> rows = sliceRows(holdout);
    Map<String, SliceMetrics> slices = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : rows.entrySet()) {
      Scores sub = scores.subset(e.getValue());
      slices.put(e.getKey(), new SliceMetrics(e.getKey(), sub.n, Metrics.all(sub)));
    }
    return new Evaluation(name, version, holdout, scores, metrics, slices, rows);
  }

  /** Compares data columns with the model's features, naming what is missing or unknown. */
  static void checkColumns(ModelSignature signature, Holdout<?> holdout, String model) {
    Set<String> expected = new TreeSet<>();
    signature.inputNames().forEach(n -> expected.add(Holdout.column(n)));
    Set<String> actual = new TreeSet<>(holdout.featureColumns());
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<String> unknown = new TreeSet<>(actual);
    unknown.removeAll(expected);
    unknown.removeAll(holdout.sliceColumns()); // grouping columns the model ignores
    if (!missing.isEmpty() || !unknown.isEmpty()) {
      StringBuilder m =
          new StringBuilder("Holdout '")
              .append(holdout.name())
              .append("' does not match the features of ")
              .append(model)
              .append(':');
      if (!missing.isEmpty()) {
        m.append(" missing feature columns ").append(missing).append(';');
      }
      if (!unknown.isEmpty()) {
        m.append(" columns the model does not know ")
            .append(unknown)
            .append(
                " (leave them out with Holdout.Builder.ignoreColumns(...) or --ignore-column);");
      }
      m.append(" the model expects ").append(expected);
      throw new ValidationException(m.toString());
    }
  }

  /** Row positions of every slice, column slices first expanded per value (sorted). */
  static <T extends Output<T>> Map<String, int[]> sliceRows(Holdout<T> holdout) {
    Map<String, int[]> out = new LinkedHashMap<>();
    List<Holdout.SliceSpec<T>> specs = holdout.sliceSpecs();
    if (specs.isEmpty()) {
      return out;
    }
    Dataset<T> data = holdout.dataset();
    int n = data.size();
    for (Holdout.SliceSpec<T> spec : specs) {
      if (spec.column() != null) {
        String column = spec.column();
        Map<String, IntList> byValue = new TreeMap<>();
        String[] values = holdout.sliceValues(column); // read when the holdout was built
        for (int row = 0; row < values.length; row++) {
          byValue.computeIfAbsent(values[row], k -> new IntList()).add(row);
        }
        byValue.forEach((value, list) -> out.put(column + "=" + value, list.toArray()));
      } else {
        IntList list = new IntList();
        int i = 0;
        for (Example<T> ex : data) {
          if (Objects.requireNonNull(spec.predicate()).test(ex)) {
            list.add(i);
          }
          i++;
        }
        if (list.size == 0) {
          throw new ValidationException(
              "Slice '"
                  + spec.name()
                  + "' of holdout '"
                  + holdout.name()
                  + "' has no rows among its "
                  + n
                  + "; fix the predicate or"
                  + " remove the slice");
        }
        out.put(spec.name(), list.toArray());
      }
    }
    return out;
  }

  /**
   * Logs an evaluation of a registered version to a new run of experiment {@value #EXPERIMENT}
   * (metrics, the holdout as input with its digest, slice metrics as {@code
   * slice/<slice>/<metric>}) and attaches the same numbers to the version as an {@link
   * EvaluationRecord}. In tracking keys, characters other than letters, digits, {@code _ - . /} and
   * space are replaced by {@code _}.
   *
   * @throws IllegalArgumentException if the evaluation is not of a registered version
   */
  public static EvaluationRecord record(
      ModelRegistry registry, Tracker tracker, Evaluation evaluation) {
    return record(registry, tracker, evaluation, Map.of());
  }

  static EvaluationRecord record(
      ModelRegistry registry, Tracker tracker, Evaluation evaluation, Map<String, String> tags) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tracker, "tracker");
    String name =
        evaluation
            .modelName()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Only evaluations of registered versions can be recorded"));
    int version = evaluation.version().orElseThrow();
    DatasetVersion dataset = evaluation.dataset();
    Map<String, Double> all = flatten(evaluation);
    String runId;
    try (Run run =
        tracker
            .newRun(EXPERIMENT)
            .name(name + "-v" + version + "-" + dataset.name())
            .tags(tags)
            .start()) {
      run.logParam("model", name);
      run.logParam("version", Integer.toString(version));
      run.logParam("dataset", dataset.name());
      run.logParam("dataset_digest", dataset.digest());
      run.logParam("rows", Integer.toString(evaluation.rows()));
      run.logInput(dataset, "holdout");
      Map<String, Double> keyed = new TreeMap<>();
      all.forEach((k, v) -> keyed.put(trackingKey(k), v));
      run.logMetrics(keyed, 0);
      runId = run.id();
    }
    return registry.recordEvaluation(name, version, runId, dataset.name(), dataset.digest(), all);
  }

  /** Overall metrics, then {@code slice/<slice>/<metric>}. */
  static Map<String, Double> flatten(Evaluation e) {
    Map<String, Double> all = new LinkedHashMap<>(e.metrics());
    for (SliceMetrics s : e.slices().values()) {
      s.metrics().forEach((k, v) -> all.put("slice/" + s.name() + "/" + k, v));
    }
    return all;
  }

  static String trackingKey(String key) {
    StringBuilder b = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char ch = key.charAt(i);
      boolean ok = KeyCharacters.allowed(ch);
      b.append(ok ? ch : '_');
    }
    String k = b.toString();
    while (k.contains("//")) {
      k = k.replace("//", "/_/");
    }
    return k;
  }

  /** A growable int array. */
  static final class IntList {
    int[] data = new int[16];
    int size;

    void add(int v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, size * 2);
      }
      data[size++] = v;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(data, size);
    }
  }
}
