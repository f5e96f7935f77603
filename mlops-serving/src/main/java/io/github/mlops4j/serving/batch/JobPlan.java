package io.github.mlops4j.serving.batch;

import io.github.mlops4j.registry.FeatureSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * What every worker needs to turn input records into output rows: the formats, where each
 * feature, pass-through and request column is, and the score columns.
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
  /** CSV column of each feature (CSV with a signature only). */
  final int[] featureColumns;
  final List<String> passThrough;
  final int[] passThroughColumns;
  final List<String> requestColumns;
  final int[] requestColumnIndexes;
  /** Score keys in output order; set once, from the signature or from the first prediction. */
  final AtomicReference<@Nullable List<String>> scoreKeys;

  JobPlan(BatchFormat inputFormat, BatchFormat outputFormat, BatchFormat rejectsFormat,
      @Nullable List<String> header, @Nullable List<FeatureSpec> features,
      Set<String> lookedUp, List<String> passThrough, List<String> requestColumns, @Nullable List<String> scoreKeys) {
    this.inputFormat = inputFormat;
    this.outputFormat = outputFormat;
    this.rejectsFormat = rejectsFormat;
    this.header = header == null ? null : List.copyOf(header);
    this.features = features == null ? null : List.copyOf(features);
    this.passThrough = List.copyOf(passThrough);
    this.requestColumns = List.copyOf(requestColumns);
    this.scoreKeys = new AtomicReference<>(scoreKeys == null ? null : List.copyOf(scoreKeys));
    if (header != null) {
      Map<String, Integer> index = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        index.putIfAbsent(header.get(i), i);
      }
      List<String> missing = new ArrayList<>();
      this.featureColumns = features == null ? new int[0]
          : columns(index, features.stream().map(FeatureSpec::name).toList(), missing);
      missing.removeAll(lookedUp); // the service fetches these by entity key
      List<String> missingFeatures = List.copyOf(missing);
      missing.clear();
      this.passThroughColumns = columns(index, passThrough, missing);
      this.requestColumnIndexes = columns(index, requestColumns, missing);
      if (!missingFeatures.isEmpty() || !missing.isEmpty()) {
        StringBuilder msg = new StringBuilder("The input header lacks ");
        if (!missingFeatures.isEmpty()) {
          msg.append("the model's input column(s) ").append(missingFeatures);
        }
        if (!missing.isEmpty()) {
          msg.append(missingFeatures.isEmpty() ? "" : " and ")
              .append("the pass-through/request column(s) ").append(missing);
        }
        msg.append("; the header is ").append(header)
            .append(". Rename the columns or fix passThrough(...)/requestColumns(...)");
        throw new BatchJobException(msg.toString());
      }
    } else {
      this.featureColumns = new int[0];
      this.passThroughColumns = new int[0];
      this.requestColumnIndexes = new int[0];
    }
  }

  private static int[] columns(Map<String, Integer> index, List<String> names,
      List<String> missing) {
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
    return scoreKeys.get();
  }
}
