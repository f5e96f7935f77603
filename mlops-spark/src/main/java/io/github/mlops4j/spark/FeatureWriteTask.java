package io.github.mlops4j.spark;

import io.github.mlops4j.features.FeatureRow;
import io.github.mlops4j.features.WriteResult;
import java.io.Serial;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jspecify.annotations.Nullable;

/**
 * Writes one partition's feature rows in one {@code FeatureStore.write} transaction, under the
 * write id {@code <job id>/<partition index>}: a retried attempt of the task (or a re-run of the
 * job with the same id) finds the id recorded and stores nothing.
 *
 * <p>Input columns: the view's entity keys, the event time (epoch nanoseconds), the created time
 * (epoch nanoseconds or null), then the features named in {@link #features}.
 */
final class FeatureWriteTask implements MapPartitionsFunction<Row, Row>, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** Runs after a partition's write committed; tests fail the task there. */
  interface AfterWrite extends Serializable {
    void run(int partition, WriteResult result);
  }

  private final FeatureStoreRef store;
  private final String view;
  private final String jobId;
  private final String[] keys;
  private final String[] features;
  private final @Nullable AfterWrite afterWrite;

  FeatureWriteTask(
      FeatureStoreRef store,
      String view,
      String jobId,
      List<String> keys,
      List<String> features,
      @Nullable AfterWrite afterWrite) {
    this.store = store;
    this.view = view;
    this.jobId = jobId;
    this.keys = keys.toArray(String[]::new);
    this.features = features.toArray(String[]::new);
    this.afterWrite = afterWrite;
  }

  static String writeId(String jobId, int partition) {
    return jobId + "/" + partition;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    if (!input.hasNext()) {
      return Collections.emptyIterator();
    }
    List<FeatureRow> rows = new ArrayList<>();
    while (input.hasNext()) {
      rows.add(row(input.next()));
    }
    TaskContext task = TaskContext.get();
    int partition = task == null ? 0 : task.partitionId();
    WriteResult w;
    try (FeatureStoreRef.Opened opened = store.open()) {
      w = opened.features().write(view, rows, writeId(jobId, partition));
    }
    if (afterWrite != null) {
      afterWrite.run(partition, w);
    }
    return List.of(RowFactory.create(partition, w.rows(), w.firstSequence(), w.lateEntities()))
        .iterator();
  }

  // FeatureRow's canonical constructor takes Map<String, @Nullable Object>; NullAway reads the
  // record's constructor parameters without the type-use annotation.
  @SuppressWarnings("NullAway")
  private FeatureRow row(Row r) {
    int k = keys.length;
    Map<String, @Nullable Object> keyValues = new HashMap<>(k * 2);
    for (int i = 0; i < k; i++) {
      keyValues.put(keys[i], value(r, i));
    }
    @Nullable Instant event = r.isNullAt(k) ? null : instant(r.getLong(k));
    @Nullable Instant created = r.isNullAt(k + 1) ? null : instant(r.getLong(k + 1));
    Map<String, @Nullable Object> values = new HashMap<>(features.length * 2);
    for (int j = 0; j < features.length; j++) {
      values.put(features[j], value(r, k + 2 + j));
    }
    return new FeatureRow(keyValues, event, created, values);
  }

  /** A column's value as the feature store takes it: Spark timestamps become instants. */
  private static @Nullable Object value(Row r, int i) {
    if (r.isNullAt(i)) {
      return null;
    }
    Object v = r.get(i);
    if (v instanceof Timestamp t) {
      return t.toInstant();
    }
    if (v instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    }
    return v;
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
