package io.github.mlops4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.DataType;
import org.jspecify.annotations.Nullable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A physical plan whose rows come straight from a columnar scan (such as Spark's vectorized Parquet
 * reader), with where each of the plan's output columns sits in the scan's batches.
 */
final class ColumnarScan {
  private final SparkPlan plan;
  private final int[] ordinals;
  private final DataType[] types;

  private ColumnarScan(SparkPlan plan, int[] ordinals, DataType[] types) {
    this.plan = plan;
    this.ordinals = ordinals;
    this.types = types;
  }

  /** The columnar scan: {@code plan().executeColumnar()} yields its batches. */
  SparkPlan plan() {
    return plan;
  }

  /** For each output column of the query, its index in the scan's batches. */
  int[] ordinals() {
    return ordinals.clone();
  }

  /** For each output column, the Spark type of its column vector. */
  DataType[] types() {
    return types.clone();
  }

  /**
   * The columnar scan under {@code executed}, when {@code executed} only converts its batches to
   * rows (whole-stage code generation, {@code ColumnarToRow}, at most a projection of columns);
   * else {@code null}.
   */
  static @Nullable ColumnarScan of(SparkPlan executed) {
    List<Attribute> output = CollectionConverters.asJava(executed.output());
    SparkPlan p = executed;
    if (p instanceof WholeStageCodegenExec stage) {
      p = stage.child();
    }
    if (p instanceof ProjectExec project) {
      for (NamedExpression e : CollectionConverters.asJava(project.projectList())) {
        if (!(e instanceof Attribute)) {
          return null; // computes something: leave it to Spark
        }
      }
      p = project.child();
    }
    if (!(p instanceof ColumnarToRowExec toRows)) {
      return null;
    }
    p = toRows.child();
    if (p instanceof InputAdapter adapter) {
      p = adapter.child();
    }
    if (!p.supportsColumnar()) {
      return null;
    }
    List<Attribute> scanned = new ArrayList<>(CollectionConverters.asJava(p.output()));
    int[] ordinals = new int[output.size()];
    DataType[] types = new DataType[output.size()];
    for (int i = 0; i < ordinals.length; i++) {
      Attribute a = output.get(i);
      int at = -1;
      for (int j = 0; j < scanned.size() && at < 0; j++) {
        if (scanned.get(j).exprId().equals(a.exprId())) {
          at = j;
        }
      }
      if (at < 0) {
        return null;
      }
      ordinals[i] = at;
      types[i] = scanned.get(at).dataType();
    }
    return new ColumnarScan(p, ordinals, types);
  }
}
