package io.github.mlops4j.registry.validation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Metric kernels over {@link Scores} with optional row multiplicities (bootstrap weights). The
 * formulas follow Tribuo's {@code ConfusionMetrics} and {@code RegressionEvaluator}: a precision or
 * recall with a zero denominator is 0, macro averages run over every label of the model.
 */
final class Metrics {
  static final double LOG_LOSS_EPS = 1e-15;

  private Metrics() {}

  /** A parsed metric name: the base name and the label or dimension index (-1 for none). */
  record Id(String name, String base, int index) {}

  /**
   * Parses and checks a metric name against the model's outputs.
   *
   * @throws ValidationException naming the valid metrics if it does not exist
   */
  static Id parse(Scores s, String metric) {
    Objects.requireNonNull(metric, "metric");
    List<String> valid = s.metricNames();
    if (!valid.contains(metric)) {
      throw new ValidationException(
          "Unknown metric '"
              + metric
              + "' for a "
              + (s.kind == Scores.Kind.LABEL ? "classification (Label)" : "regression (Regressor)")
              + " model; valid metrics are "
              + valid);
    }
    String base = MetricNames.base(metric);
    int index = -1;
    if (metric.length() > base.length()) {
      index = s.names.indexOf(metric.substring(base.length() + 1));
    }
    return new Id(metric, base, index);
  }

  /** Every metric of {@code s}, in {@link Scores#metricNames()} order; undefined ones omitted. */
  static Map<String, Double> all(Scores s) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (s.kind == Scores.Kind.LABEL) {
      double[] cm = confusion(s, null);
      for (String name : s.metricNames()) {
        Id id = parse(s, name);
        double v =
            id.base().equals("auc")
                ? auc(s, id.index(), null)
                : id.base().equals(MetricNames.LOG_LOSS)
                    ? logLoss(s, null)
                    : fromConfusion(cm, s.k, id);
        put(out, name, v);
      }
    } else {
      double[][] sums = regressionSums(s, null);
      for (String name : s.metricNames()) {
        put(out, name, fromRegression(sums, s.k, parse(s, name)));
      }
    }
    return out;
  }

  private static void put(Map<String, Double> out, String name, double v) {
    if (Double.isFinite(v)) {
      out.put(name, v);
    }
  }

  /** One metric with row multiplicities {@code w} (null: every row once). NaN if undefined. */
  static double compute(Scores s, Id id, int @Nullable [] w) {
    if (s.kind == Scores.Kind.LABEL) {
      return switch (id.base()) {
        case "auc" -> auc(s, id.index(), w);
        case MetricNames.LOG_LOSS -> logLoss(s, w);
        default -> fromConfusion(confusion(s, w), s.k, id);
      };
    }
    return fromRegression(regressionSums(s, w), s.k, id);
  }

  /** Weighted confusion counts, {@code cm[truth * k + predicted]}. */
  static double[] confusion(Scores s, int @Nullable [] w) {
    int k = s.k;
    long[] counts = new long[k * k];
    int[] t = s.truth();
    int[] p = s.pred();
    if (w == null) {
      for (int i = 0; i < s.n; i++) {
        counts[t[i] * k + p[i]]++;
      }
    } else {
      for (int i = 0; i < s.n; i++) {
        int wi = w[i];
        if (wi != 0) {
          counts[t[i] * k + p[i]] += wi;
        }
      }
    }
    double[] cm = new double[k * k];
    for (int i = 0; i < cm.length; i++) {
      cm[i] = counts[i];
    }
    return cm;
  }

  static double fromConfusion(double[] cm, int k, Id id) {
    double total = 0;
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += cm[i * k + i];
      for (int j = 0; j < k; j++) {
        total += cm[i * k + j];
      }
    }
    switch (id.base()) {
      case MetricNames.ACCURACY:
        return total == 0 ? Double.NaN : trace / total;
      case MetricNames.MICRO_F1:
        {
          if (total == 0) {
            return Double.NaN;
          }
          double fp = total - trace;
          return f1(trace, fp, fp);
        }
      case MetricNames.MACRO_F1:
      case MetricNames.MACRO_PRECISION:
      case MetricNames.MACRO_RECALL:
        {
          if (k == 0) {
            return Double.NaN;
          }
          double sum = 0;
          for (int c = 0; c < k; c++) {
            sum += perClass(cm, k, c, id.base().substring("macro_".length()));
          }
          return sum / k;
        }
      default:
        return perClass(cm, k, id.index(), id.base());
    }
  }

  private static double perClass(double[] cm, int k, int c, String what) {
    double tp = cm[c * k + c];
    double predicted = 0;
    double actual = 0;
    for (int i = 0; i < k; i++) {
      predicted += cm[i * k + c];
      actual += cm[c * k + i];
    }
    double fp = predicted - tp;
    double fn = actual - tp;
    return switch (what) {
      case "precision" -> ratio(tp, tp + fp);
      case "recall" -> ratio(tp, tp + fn);
      case "f1" -> f1(tp, fp, fn);
      default -> throw new IllegalStateException("Not a per-class metric: " + what);
    };
  }

  private static double ratio(double a, double b) {
    return b == 0 ? 0.0 : a / b;
  }

  private static double f1(double tp, double fp, double fn) {
    double p = ratio(tp, tp + fp);
    double r = ratio(tp, tp + fn);
    double d = p + r;
    return d == 0 ? 0.0 : 2 * p * r / d;
  }

  /**
   * One-against-rest ROC AUC of class {@code c} (the Mann-Whitney statistic, ties counting one
   * half), from the rows sorted once by score; NaN when the rows hold only one of the two sides.
   */
  static double auc(Scores s, int c, int @Nullable [] w) {
    Scores.Sorted sorted = s.sorted(c);
    int[] order = sorted.order();
    double[] score = sorted.scores();
    boolean[] positive = sorted.positive();
    double negBelow = 0;
    double sum = 0;
    double pos = 0;
    double neg = 0;
    int n = order.length;
    int i = 0;
    while (i < n) {
      double value = score[i];
      double groupPos = 0;
      double groupNeg = 0;
      int j = i;
      do {
        double wr = w == null ? 1 : w[order[j]];
        if (positive[j]) {
          groupPos += wr;
        } else {
          groupNeg += wr;
        }
        j++;
      } while (j < n && score[j] == value);
      sum += groupPos * (negBelow + 0.5 * groupNeg);
      negBelow += groupNeg;
      pos += groupPos;
      neg += groupNeg;
      i = j;
    }
    return pos == 0 || neg == 0 ? Double.NaN : sum / (pos * neg);
  }

  /** Mean of -ln(max(p_true, 1e-15)). */
  static double logLoss(Scores s, int @Nullable [] w) {
    double[] loss = s.rowLogLoss();
    double sum = 0;
    double total = 0;
    for (int i = 0; i < s.n; i++) {
      double wi = w == null ? 1 : w[i];
      sum += wi * loss[i];
      total += wi;
    }
    return total == 0 ? Double.NaN : sum / total;
  }

  /**
   * Per dimension: {weight, sum y, sum y^2, sum e^2, sum |e|}, accumulated in one pass (sums of
   * squares about the mean come from centred values to avoid cancellation).
   */
  static double[][] regressionSums(Scores s, int @Nullable [] w) {
    int k = s.k;
    double[] y = Objects.requireNonNull(s.y);
    double[] yhat = Objects.requireNonNull(s.yhat);
    double[][] out = new double[k][5];
    double[] mean = new double[k];
    double total = 0;
    for (int i = 0; i < s.n; i++) {
      double wi = w == null ? 1 : w[i];
      if (wi == 0) {
        continue;
      }
      total += wi;
      for (int d = 0; d < k; d++) {
        mean[d] += wi * y[i * k + d];
      }
    }
    for (int d = 0; d < k; d++) {
      mean[d] = total == 0 ? 0 : mean[d] / total;
    }
    for (int i = 0; i < s.n; i++) {
      double wi = w == null ? 1 : w[i];
      if (wi == 0) {
        continue;
      }
      for (int d = 0; d < k; d++) {
        double yi = y[i * k + d];
        double e = yi - yhat[i * k + d];
        double[] a = out[d];
        a[0] += wi;
        double dev = yi - mean[d];
        a[2] += wi * dev * dev;
        a[3] += wi * e * e;
        a[4] += wi * Math.abs(e);
      }
    }
    return out;
  }

  static double fromRegression(double[][] sums, int k, Id id) {
    if (id.index() >= 0) {
      return regression(sums[id.index()], id.base());
    }
    double sum = 0;
    for (int d = 0; d < k; d++) {
      sum += regression(sums[d], id.base());
    }
    return sum / k;
  }

  private static double regression(double[] a, String what) {
    double wsum = a[0];
    if (wsum == 0) {
      return Double.NaN;
    }
    return switch (what) {
      case MetricNames.RMSE -> Math.sqrt(a[3] / wsum);
      case MetricNames.MAE -> a[4] / wsum;
      case MetricNames.R2 -> a[2] == 0 ? Double.NaN : 1 - a[3] / a[2];
      default -> throw new IllegalStateException("Not a regression metric: " + what);
    };
  }
}
