package io.github.mlops4j.registry.validation;

import java.util.List;
import java.util.Set;

/**
 * The metric names evaluations report and gates accept.
 *
 * <p>Classification ({@code Label} models): {@value #ACCURACY}, {@value #MACRO_F1}, {@value
 * #MICRO_F1}, {@value #MACRO_PRECISION}, {@value #MACRO_RECALL}, and per class {@code
 * precision:<label>}, {@code recall:<label>}, {@code f1:<label>}; when the model gives
 * probabilities also {@value #LOG_LOSS} and {@code auc:<label>} (one class against the rest).
 * Regression ({@code Regressor} models): {@value #RMSE}, {@value #MAE}, {@value #R2} averaged over
 * the output dimensions, and per dimension {@code rmse:<dim>}, {@code mae:<dim>}, {@code r2:<dim>}.
 *
 * @since 0.1.0
 */
public final class MetricNames {
  /** Fraction of rows whose predicted label is the true label. */
  public static final String ACCURACY = "accuracy";

  /** Unweighted mean of the per-class F1 scores over the model's labels. */
  public static final String MACRO_F1 = "macro_f1";

  /** F1 of the pooled true/false positives and negatives (equals accuracy for one label a row). */
  public static final String MICRO_F1 = "micro_f1";

  /** Unweighted mean of the per-class precisions. */
  public static final String MACRO_PRECISION = "macro_precision";

  /** Unweighted mean of the per-class recalls. */
  public static final String MACRO_RECALL = "macro_recall";

  /** Mean negative log of the probability given to the true label (clipped to [1e-15, 1]). */
  public static final String LOG_LOSS = "log_loss";

  /** Root mean squared error. */
  public static final String RMSE = "rmse";

  /** Mean absolute error. */
  public static final String MAE = "mae";

  /** Coefficient of determination, 1 - SS_res / SS_tot. */
  public static final String R2 = "r2";

  private static final Set<String> LOWER_IS_BETTER = Set.of(LOG_LOSS, RMSE, MAE);
  private static final List<String> PER_OUTPUT =
      List.of("precision", "recall", "f1", "auc", "rmse", "mae", "r2");

  private MetricNames() {}

  /** True for metrics where a smaller value is better: log-loss, RMSE, MAE. */
  public static boolean lowerIsBetter(String metric) {
    return LOWER_IS_BETTER.contains(base(metric));
  }

  /**
   * True for accuracy-type metrics, the fraction of rows predicted right ({@code accuracy}, and
   * {@code recall:<label>} on the rows of that label): champion comparisons use McNemar's test.
   */
  public static boolean accuracyType(String metric) {
    String b = base(metric);
    return metric.equals(ACCURACY) || (b.equals("recall") && metric.contains(":"));
  }

  /** The name before {@code :}. */
  static String base(String metric) {
    int colon = metric.indexOf(':');
    return colon < 0 ? metric : metric.substring(0, colon);
  }

  static boolean perOutput(String base) {
    return PER_OUTPUT.contains(base);
  }
}
