package io.github.mlops4j.spark;

import java.io.Serial;
import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * The position of each row a SQL function scores within its task's partition, for its prediction
 * id: Spark deserializes a fresh copy of the function for every task attempt, and a copy that sees
 * another attempt starts again from 0, so a retried task numbers its rows as the failed attempt did
 * (when the partition's rows come in the same order).
 */
final class RowPositions implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private transient boolean started;
  private transient long attempt;
  private transient int partition;
  private transient long next;

  /** The id of the next row: {@link ScoringTask#id} of the seed, partition and position. */
  synchronized String nextId(String seed) {
    TaskContext task = TaskContext.get();
    long a = task == null ? -1 : task.taskAttemptId();
    if (!started || a != attempt) {
      started = true;
      attempt = a;
      partition = task == null ? 0 : task.partitionId();
      next = 0;
    }
    return ScoringTask.id(seed, partition, next++);
  }
}
