package io.github.mlops4j.serving.batch;

import io.github.mlops4j.registry.FeatureSpec;
import io.github.mlops4j.serving.internal.OneHot;
import io.github.mlops4j.serving.internal.Texts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * What every worker needs to turn input records into output rows: the formats, where each feature,
 * pass-through and request column is, and the score columns.
 *
 * <p>A categorical field that the model sees as one-hot features ({@code region@east}, ...) is read
 * from a CSV file in either of two forms, as {@code InferenceService.predict(Map)} takes it: one
 * raw column named by the field ({@code region}, its cell sent as text) or the one-hot columns
 * (cells sent as numbers: 1 hot, 0 cold). A header with both forms of one field is refused.
 */
final class JobPlan {
  static final String PREDICTION_ID = "prediction_id";
  static final String MODEL_VERSION = "model_version";
  static final String OUTPUT = "output";
  static final String SCORE_PREFIX = "score_";
  static final List<String> REJECT_COLUMNS = List.of("line", "reason", "raw");

  final BatchFormat inputFormat;
  final BatchFormat outputFormat;
  final BatchFormat rejectsFormat;

  /** CSV header, or null for JSON Lines. */
  final @Nullable List<String> header;

  /** The signature's inputs, or null when the model has no signature. */
  final @Nullable List<FeatureSpec> features;

  /** Request field of each CSV input column read for the model (CSV with a signature only). */
  final String[] inputNames;

  /** CSV column of each input. */
  final int[] inputColumns;

  /** How each input's cell is converted: {@link #REAL}, {@link #VALUE} or {@link #TEXT}. */
  final byte[] inputKinds;

  /** Parse as a double: a bad number rejects the row. */
  static final byte REAL = 0;

  /** A number if the cell is one, else text (categorical features, one-hot columns). */
  static final byte VALUE = 1;

  /** The cell as text (the raw column of a one-hot encoded field: its category). */
  static final byte TEXT = 2;

  /**
   * The input fields of a row that {@code ChunkScorer} may send as a {@link
   * io.github.mlops4j.serving.internal.DenseRow} (a CSV file whose every input is a {@link #REAL}
   * column and that has no request column), in the order in which the map it otherwise sends would
   * iterate them; null when rows are always sent as maps. One array for the whole job.
   */
  final String @Nullable [] denseNames;

  /** The input (index into {@link #inputNames}) of each of {@link #denseNames}. */
  final int[] denseInputs;

  /** One-hot groups of the signature: field name to its one-hot features. */
  final Map<String, List<String>> groups;

  final List<String> passThrough;
  final int[] passThroughColumns;
  final List<String> requestColumns;
  final int[] requestColumnIndexes;

  /** Score keys in output order; set once, from the signature or from the first prediction. */
  final AtomicReference<@Nullable List<String>> scoreKeys;

  JobPlan(
      BatchFormat inputFormat,
      BatchFormat outputFormat,
      BatchFormat rejectsFormat,
      @Nullable List<String> header,
      @Nullable List<FeatureSpec> features,
      Set<String> lookedUp,
      List<String> passThrough,
      List<String> requestColumns,
      @Nullable List<String> scoreKeys) {
    this.inputFormat = inputFormat;
    this.outputFormat = outputFormat;
    this.rejectsFormat = rejectsFormat;
    this.header = header == null ? null : List.copyOf(header);
    this.features = features == null ? null : List.copyOf(features);
    this.passThrough = List.copyOf(passThrough);
    this.requestColumns = List.copyOf(requestColumns);
    this.scoreKeys = new AtomicReference<>(scoreKeys == null ? null : List.copyOf(scoreKeys));
    List<String> featureNames =
        features == null ? List.of() : features.stream().map(FeatureSpec::name).toList();
    Set<String> featureSet = Set.copyOf(featureNames);
    Set<String> notFeatures = Set.copyOf(requestColumns);
    this.groups = OneHot.groups(featureNames, notFeatures);
    if (header != null) {
      Map<String, Integer> index = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        index.putIfAbsent(header.get(i), i);
      }
      List<String> names = new ArrayList<>();
      List<Integer> cols = new ArrayList<>();
      List<Byte> kinds = new ArrayList<>();
      List<String> missingFeatures = new ArrayList<>();
      Map<String, Boolean> groupDone = new HashMap<>();
      for (FeatureSpec f : features == null ? List.<FeatureSpec>of() : features) {
        String base = OneHot.base(f.name(), featureSet, notFeatures);
        if (base == null) {
          Integer c = index.get(f.name());
          if (c != null) {
            names.add(f.name());
            cols.add(c);
            kinds.add(f.type() == FeatureSpec.Type.CATEGORICAL ? VALUE : REAL);
          } else if (!lookedUp.contains(f.name())) { // else the service fetches it by key
            missingFeatures.add(Texts.abbreviate(f.name()));
          }
          continue;
        }
        if (groupDone.put(base, true) != null) {
          continue;
        }
        List<String> members = Objects.requireNonNull(groups.get(base), base);
        List<String> given = members.stream().filter(index::containsKey).toList();
        Integer rawColumn = index.get(base);
        if (rawColumn != null && !given.isEmpty()) {
          throw new BatchJobException(
              "The input header gives the categorical feature '"
                  + Texts.abbreviate(base)
                  + "' in both forms: as its own column '"
                  + Texts.abbreviate(base)
                  + "' and as one-hot column(s) "
                  + Texts.list(given, 10)
                  + "; keep one form (the column '"
                  + Texts.abbreviate(base)
                  + "' holding the category, as predict(Map) takes it, or the one-hot columns)");
        }
        if (rawColumn != null) {
          names.add(base);
          cols.add(rawColumn);
          kinds.add(TEXT);
        } else if (!given.isEmpty()) {
          for (String m : given) {
            names.add(m);
            cols.add(index.get(m));
            kinds.add(VALUE);
          }
        } else if (!lookedUp.contains(base) && Collections.disjoint(lookedUp, members)) {
          missingFeatures.add(
              Texts.abbreviate(base)
                  + " (a category, e.g. "
                  + Texts.abbreviate(members.get(0).substring(base.length() + 1))
                  + "; or its one-hot columns "
                  + Texts.list(members, 5)
                  + ")");
        }
      }
      this.inputNames = names.toArray(new String[0]);
      this.inputColumns = cols.stream().mapToInt(Integer::intValue).toArray();
      this.inputKinds = new byte[kinds.size()];
      for (int i = 0; i < inputKinds.length; i++) {
        inputKinds[i] = kinds.get(i);
      }
      List<String> missing = new ArrayList<>();
      this.passThroughColumns = columns(index, passThrough, missing);
      List<String> missingPassThrough = List.copyOf(missing);
      missing.clear();
      this.requestColumnIndexes = columns(index, requestColumns, missing);
      if (!missingFeatures.isEmpty() || !missingPassThrough.isEmpty() || !missing.isEmpty()) {
        throw new BatchJobException(
            missingColumns(header, missingFeatures, missingPassThrough, missing));
      }
    } else {
      this.inputNames = new String[0];
      this.inputColumns = new int[0];
      this.inputKinds = new byte[0];
      this.passThroughColumns = new int[0];
      this.requestColumnIndexes = new int[0];
    }
    boolean dense =
        inputFormat == BatchFormat.CSV
            && features != null
            && inputNames.length > 0
            && this.requestColumns.isEmpty();
    for (byte kind : inputKinds) {
      dense &= kind == REAL;
    }
    if (dense) {
      // the order of the map ChunkScorer fills for the same row, so that problems keep their order
      Map<String, Integer> request = new HashMap<>(requestCapacity());
      for (int i = 0; i < inputNames.length; i++) {
        request.put(inputNames[i], i);
      }
      this.denseNames = request.keySet().toArray(new String[0]);
      this.denseInputs = request.values().stream().mapToInt(Integer::intValue).toArray();
    } else {
      this.denseNames = null;
      this.denseInputs = new int[0];
    }
  }

  /** The initial capacity of the map of a CSV row's request with a signature. */
  int requestCapacity() {
    return (int) ((inputColumns.length + requestColumns.size()) / 0.75f) + 1;
  }

  /** What the header lacks, and for each kind of column what helps. Bounded. */
  private static String missingColumns(
      List<String> header, List<String> features, List<String> passThrough, List<String> request) {
    StringBuilder msg = new StringBuilder("The input header lacks");
    List<String> hints = new ArrayList<>();
    if (!features.isEmpty()) {
      msg.append(" the model's input column(s) [")
          .append(String.join(", ", features.subList(0, Math.min(features.size(), 20))));
      if (features.size() > 20) {
        msg.append(", ... ").append(features.size() - 20).append(" more");
      }
      msg.append(']');
      hints.add(
          "add the model's input columns (named as listed; a column of a feature that is"
              + " looked up by the service's feature store may be left out), or rename the file's"
              + " columns to those names");
    }
    if (!passThrough.isEmpty()) {
      msg.append(features.isEmpty() ? "" : ";")
          .append(" the pass-through column(s) ")
          .append(Texts.list(passThrough, 20));
      hints.add("fix the names given to passThrough(...)");
    }
    if (!request.isEmpty()) {
      msg.append(features.isEmpty() && passThrough.isEmpty() ? "" : ";")
          .append(" the request column(s) ")
          .append(Texts.list(request, 20));
      hints.add(
          "fix the names given to requestColumns(...) (the entity keys of the service's"
              + " feature views are request columns too)");
    }
    msg.append("; the header is ")
        .append(Texts.list(header, 30))
        .append(". To fix it: ")
        .append(String.join("; ", hints));
    return msg.toString();
  }

  private static int[] columns(
      Map<String, Integer> index, List<String> names, List<String> missing) {
    int[] cols = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      Integer c = index.get(names.get(i));
      if (c == null) {
        missing.add(names.get(i));
        cols[i] = -1;
      } else {
        cols[i] = c;
      }
    }
    return cols;
  }

  /** The output columns before the score columns. */
  List<String> leadingColumns() {
    List<String> cols = new ArrayList<>(passThrough);
    cols.add(PREDICTION_ID);
    cols.add(MODEL_VERSION);
    cols.add(OUTPUT);
    return cols;
  }

  /** The full output header, once the score keys are known. */
  List<String> outputHeader(List<String> keys) {
    List<String> cols = leadingColumns();
    for (String k : keys) {
      cols.add(SCORE_PREFIX + k);
    }
    return cols;
  }

  /** Sets the score keys from a prediction if none are set yet; returns the keys in force. */
  List<String> scoreKeys(Map<String, Double> scores) {
    List<String> keys = scoreKeys.get();
    if (keys != null) {
      return keys;
    }
    List<String> sorted = scores.keySet().stream().sorted().toList();
    scoreKeys.compareAndSet(null, sorted);
    return Objects.requireNonNull(scoreKeys.get(), "set above, never reset");
  }
}
