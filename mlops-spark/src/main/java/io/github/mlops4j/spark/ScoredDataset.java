package io.github.mlops4j.spark;

import static org.apache.spark.sql.functions.col;

import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link SparkScoring#score}: every input row once, with its input columns and five
 * more. Spark evaluates it lazily; {@link #predictions()} and {@link #rejects()} each read the
 * input and score it again, so {@code all().cache()} or write {@link #all()} once if you need both.
 *
 * <ul>
 *   <li>{@value #PREDICTION} (string): the predicted label, the regression value as text, ...; null
 *       for a rejected row
 *   <li>{@value #SCORES} (map&lt;string,double&gt;): per-label scores or per-dimension values; null
 *       for a rejected row
 *   <li>{@value #MODEL_VERSION} (int): the version every row was scored with (the job is pinned)
 *   <li>{@value #PREDICTION_ID} (string): a UUID per row, unique to this scoring call; a retried
 *       task gives its rows the same ids again when its partition's rows come in the same order
 *       (see {@link SparkScoring#score})
 *   <li>{@value #REJECT_REASON} (string): null for a scored row; else why the row was refused (its
 *       invalid fields as serving names them, or the model's failure), at most 1,000 characters
 * </ul>
 *
 * @since 0.1.0
 */
public final class ScoredDataset implements AutoCloseable {
  public static final String PREDICTION = "prediction";
  public static final String SCORES = "scores";
  public static final String MODEL_VERSION = "model_version";
  public static final String PREDICTION_ID = "prediction_id";
  public static final String REJECT_REASON = "reject_reason";

  private final Dataset<Row> all;
  private final String model;
  private final int version;
  private final @Nullable SparkScoring owned;

  ScoredDataset(Dataset<Row> all, String model, int version, @Nullable SparkScoring owned) {
    this.all = Objects.requireNonNull(all, "all");
    this.model = model;
    this.version = version;
    this.owned = owned;
  }

  /**
   * Frees what this result holds on the executors once its Datasets are written: the model's
   * broadcast bytes when this result came from {@link MlopsSpark#score}, which made them for it
   * alone; nothing when it came from a {@link SparkScoring} (release that instead, with {@link
   * SparkScoring#release()}). Its Datasets cannot be evaluated afterwards. Repeated calls do
   * nothing.
   */
  @Override
  public void close() {
    if (owned != null) {
      owned.release();
    }
  }

  /** Every row: input columns, then the five scoring columns. */
  public Dataset<Row> all() {
    return all;
  }

  /** The rows that were scored, without the {@value #REJECT_REASON} column. */
  public Dataset<Row> predictions() {
    return all.filter(col(REJECT_REASON).isNull()).drop(REJECT_REASON);
  }

  /**
   * The rows that were refused: input columns, {@value #MODEL_VERSION}, {@value #PREDICTION_ID} and
   * {@value #REJECT_REASON}.
   */
  public Dataset<Row> rejects() {
    return all.filter(col(REJECT_REASON).isNotNull()).drop(PREDICTION, SCORES);
  }

  /** The registered model name. */
  public String model() {
    return model;
  }

  /** The version the job is pinned to. */
  public int version() {
    return version;
  }
}
