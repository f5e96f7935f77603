package io.github.mlops4j.spark;

import io.github.mlops4j.serving.InvalidInputException;
import io.github.mlops4j.serving.internal.DetachedScoring;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jspecify.annotations.Nullable;

/**
 * Scores the rows of one partition in batches with this JVM's shared model: each input row comes
 * out once, with the prediction, scores, version, prediction id and reject reason appended.
 */
final class ScoringTask implements MapPartitionsFunction<Row, Row>, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** The longest reject reason kept, in characters. */
  static final int MAX_REASON = 1000;

  private final Broadcast<ScoringPayload> payload;
  private final ExecutorModels.Key key;
  private final String[] features;
  private final int[] featureIndex;
  private final int version;
  private final String seed;
  private final int batchSize;

  ScoringTask(
      Broadcast<ScoringPayload> payload,
      ExecutorModels.Key key,
      String[] features,
      int[] featureIndex,
      int version,
      String seed,
      int batchSize) {
    this.payload = payload;
    this.key = key;
    this.features = features.clone();
    this.featureIndex = featureIndex.clone();
    this.version = version;
    this.seed = seed;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    DetachedScoring.Scorer scorer = ExecutorModels.scorer(key, payload::value);
    TaskContext task = TaskContext.get();
    int partition = task == null ? 0 : task.partitionId();
    return new Iterator<>() {
      private final List<Row> batch = new ArrayList<>(batchSize);
      private List<Row> out = List.of();
      private int next;
      private long index;

      @Override
      public boolean hasNext() {
        if (next < out.size()) {
          return true;
        }
        if (!input.hasNext()) {
          return false;
        }
        batch.clear();
        List<Map<String, @Nullable Object>> requests = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && input.hasNext()) {
          Row r = input.next();
          batch.add(r);
          requests.add(request(r));
        }
        List<DetachedScoring.Outcome> outcomes = scorer.score(requests);
        List<Row> rows = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          rows.add(append(batch.get(i), outcomes.get(i), id(seed, partition, index++), version));
        }
        out = rows;
        next = 0;
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }

  private Map<String, @Nullable Object> request(Row r) {
    Map<String, @Nullable Object> m = new HashMap<>(features.length * 2);
    for (int j = 0; j < features.length; j++) {
      int at = featureIndex[j];
      m.put(features[j], r.isNullAt(at) ? null : r.get(at));
    }
    return m;
  }

  /** The input row's values followed by the five scoring columns. */
  static Row append(Row in, DetachedScoring.Outcome o, String id, int version) {
    int n = in.length();
    @Nullable Object[] values = new @Nullable Object[n + 5];
    for (int i = 0; i < n; i++) {
      values[i] = in.get(i);
    }
    @Nullable Object[] tail = tail(o, id, version);
    System.arraycopy(tail, 0, values, n, tail.length);
    return RowFactory.create(values);
  }

  /** prediction, scores, model version, prediction id, reject reason. */
  static @Nullable Object[] tail(DetachedScoring.Outcome o, String id, int version) {
    RuntimeException e = o.error();
    return new @Nullable Object[] {
      o.output(),
      e == null ? scala.jdk.javaapi.CollectionConverters.asScala(o.scores()) : null,
      version,
      id,
      e == null ? null : reason(e)
    };
  }

  /** Why a row was refused, bounded: the input's problems, or the model's failure. */
  static String reason(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    String text = e instanceof InvalidInputException ? message : "model failed: " + message;
    return text.length() <= MAX_REASON
        ? text
        : text.substring(0, MAX_REASON) + "... (" + text.length() + " chars)";
  }

  /**
   * The prediction id of a row: a name-based UUID of the job's seed, the partition and the row's
   * place in it, so a retried task gives its rows the same ids again.
   */
  static String id(String seed, int partition, long index) {
    return UUID.nameUUIDFromBytes(
            (seed + ':' + partition + ':' + index).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  static Set<String> noIgnored() {
    return Set.of();
  }
}
