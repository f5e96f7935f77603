package io.github.mlops4j.registry.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * One model's predictions on a holdout as primitive arrays, computed once and reused for every
 * metric, every slice and every bootstrap resample. Rows are in holdout order.
 */
final class Scores {
  /** What the model predicts. */
  enum Kind {
    LABEL,
    REGRESSION
  }

  final Kind kind;
  final int n;

  /** Class labels sorted by name (LABEL) or regression dimension names (REGRESSION). */
  final List<String> names;

  final int k;
  // LABEL
  final int @Nullable [] truth;
  final int @Nullable [] pred;

  /** n * k probabilities, row-major, or null when the model gives none. */
  final double @Nullable [] prob;

  // REGRESSION: n * k, row-major
  final double @Nullable [] y;
  final double @Nullable [] yhat;
  private final @Nullable Sorted[] sorted;
  private volatile double @Nullable [] logLoss;

  private Scores(
      Kind kind,
      int n,
      List<String> names,
      int @Nullable [] truth,
      int @Nullable [] pred,
      double @Nullable [] prob,
      double @Nullable [] y,
      double @Nullable [] yhat) {
    this.kind = kind;
    this.n = n;
    this.names = List.copyOf(names);
    this.k = names.size();
    this.truth = truth;
    this.pred = pred;
    this.prob = prob;
    this.y = y;
    this.yhat = yhat;
    this.sorted = new Sorted[k];
  }

  /** The true label indexes of {@link Kind#LABEL} scores. */
  int[] truth() {
    return java.util.Objects.requireNonNull(truth, "truth: not label scores");
  }

  /** The predicted label indexes of {@link Kind#LABEL} scores. */
  int[] pred() {
    return java.util.Objects.requireNonNull(pred, "pred: not label scores");
  }

  /**
   * Classification scores from arrays (truth and pred index labels; prob n * k row-major or null).
   */
  static Scores labels(List<String> labels, int[] truth, int[] pred, double @Nullable [] prob) {
    return new Scores(Kind.LABEL, truth.length, labels, truth, pred, prob, null, null);
  }

  /** Regression scores from arrays (n * dims row-major). */
  static Scores regression(List<String> dims, double[] y, double[] yhat) {
    return new Scores(Kind.REGRESSION, y.length / dims.size(), dims, null, null, null, y, yhat);
  }

  /** Extracts the arrays from Tribuo predictions (in holdout order). */
  @SuppressWarnings("unchecked")
  static <T extends Output<T>> Scores of(Model<T> model, List<Prediction<T>> predictions) {
    ImmutableOutputInfo<T> domain = model.getOutputIDInfo();
    int n = predictions.size();
    Output<?> sample = domain.getDomain().isEmpty() ? null : domain.getDomain().iterator().next();
    if (sample instanceof Label) {
      return ofLabels(
          (Model<Label>) (Model<?>) model, (List<Prediction<Label>>) (List<?>) predictions, n);
    }
    if (sample instanceof Regressor) {
      return ofRegression(
          (Model<Regressor>) (Model<?>) model,
          (List<Prediction<Regressor>>) (List<?>) predictions,
          n);
    }
    throw new ValidationException(
        "Models with output type "
            + (sample == null ? "(empty domain)" : sample.getClass().getSimpleName())
            + " cannot be evaluated; supported output types are Label and Regressor");
  }

  private static Scores ofLabels(Model<Label> model, List<Prediction<Label>> predictions, int n) {
    ImmutableOutputInfo<Label> domain = model.getOutputIDInfo();
    int k = domain.size();
    // Numbered by name, not by the model's ids: two models trained on the same labels may number
    // them differently, and paired comparisons match rows by these numbers.
    String[] labels = new String[k];
    for (int id = 0; id < k; id++) {
      labels[id] = domain.getOutput(id).getLabel();
    }
    Arrays.sort(labels);
    Map<String, Integer> index = new HashMap<>(k * 2);
    for (int c = 0; c < k; c++) {
      index.put(labels[c], c);
    }
    boolean probabilities = model.generatesProbabilities();
    int[] truth = new int[n];
    int[] pred = new int[n];
    double[] prob = probabilities ? new double[n * k] : null;
    for (int i = 0; i < n; i++) {
      Prediction<Label> p = predictions.get(i);
      Label t = p.getExample().getOutput();
      Integer tid = index.get(t.getLabel());
      if (tid == null) {
        throw new ValidationException(
            "Row "
                + i
                + " has label '"
                + t.getLabel()
                + "', which the model does not know; its labels are "
                + Arrays.toString(labels));
      }
      truth[i] = tid;
      pred[i] =
          java.util.Objects.requireNonNull(
              index.get(p.getOutput().getLabel()), "a prediction has a label of the model");
      if (prob != null) {
        Map<String, Label> scores = p.getOutputScores();
        int base = i * k;
        for (int c = 0; c < k; c++) {
          Label s = scores.get(labels[c]);
          prob[base + c] = s == null ? 0.0 : s.getScore();
        }
      }
    }
    return new Scores(Kind.LABEL, n, Arrays.asList(labels), truth, pred, prob, null, null);
  }

  private static Scores ofRegression(
      Model<Regressor> model, List<Prediction<Regressor>> predictions, int n) {
    ImmutableOutputInfo<Regressor> domain = model.getOutputIDInfo();
    String[] dims = Regressor.extractNames(domain);
    int k = dims.length;
    double[] y = new double[n * k];
    double[] yhat = new double[n * k];
    for (int i = 0; i < n; i++) {
      Prediction<Regressor> p = predictions.get(i);
      Regressor truth = p.getExample().getOutput();
      Regressor out = p.getOutput();
      String[] tn = truth.getNames();
      double[] tv = truth.getValues();
      String[] on = out.getNames();
      double[] ov = out.getValues();
      for (int d = 0; d < k; d++) {
        y[i * k + d] = value(dims[d], tn, tv, k, i, "label");
        yhat[i * k + d] = value(dims[d], on, ov, k, i, "prediction");
      }
    }
    return new Scores(Kind.REGRESSION, n, Arrays.asList(dims), null, null, null, y, yhat);
  }

  private static double value(
      String dim, String[] names, double[] values, int k, int row, String what) {
    for (int j = 0; j < names.length; j++) {
      if (names[j].equals(dim)) {
        return values[j];
      }
    }
    if (k == 1 && values.length == 1) {
      return values[0]; // a one-dimensional label read without the model's dimension name
    }
    throw new ValidationException(
        "Row "
            + row
            + ": the "
            + what
            + " has no dimension '"
            + dim
            + "' (it has "
            + Arrays.toString(names)
            + ")");
  }

  /** The same predictions restricted to {@code rows} (positions into this), in that order. */
  Scores subset(int[] rows) {
    int m = rows.length;
    if (kind == Kind.LABEL) {
      int[] t = new int[m];
      int[] p = new int[m];
      double[] pr = prob == null ? null : new double[m * k];
      for (int j = 0; j < m; j++) {
        int r = rows[j];
        t[j] = truth()[r];
        p[j] = pred()[r];
        if (pr != null) {
          System.arraycopy(prob, r * k, pr, j * k, k);
        }
      }
      return new Scores(kind, m, names, t, p, pr, null, null);
    }
    double[] a = new double[m * k];
    double[] b = new double[m * k];
    for (int j = 0; j < m; j++) {
      System.arraycopy(y, rows[j] * k, a, j * k, k);
      System.arraycopy(yhat, rows[j] * k, b, j * k, k);
    }
    return new Scores(kind, m, names, null, null, null, a, b);
  }

  /** Row positions sorted by the probability of class {@code c}, ascending; cached. */
  int[] order(int c) {
    return sorted(c).order();
  }

  /**
   * For class {@code c}: row positions sorted by its probability, the sorted probabilities and
   * whether each sorted row is of class c, so AUC passes read memory in order; cached.
   */
  Sorted sorted(int c) {
    synchronized (sorted) {
      Sorted o = sorted[c];
      if (o == null) {
        double[] p = java.util.Objects.requireNonNull(prob);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
          s[i] = p[i * k + c];
        }
        int[] positions = sortedPositions(s);
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        for (int j = 0; j < n; j++) {
          scores[j] = s[positions[j]];
          positive[j] = truth()[positions[j]] == c;
        }
        o = new Sorted(positions, scores, positive);
        sorted[c] = o;
      }
      return o;
    }
  }

  /** Per row, {@code -ln(max(p_true, 1e-15))}; computed once. */
  double[] rowLogLoss() {
    double[] l = logLoss;
    if (l == null) {
      double[] p = java.util.Objects.requireNonNull(prob);
      l = new double[n];
      for (int i = 0; i < n; i++) {
        l[i] = -Math.log(Math.min(1.0, Math.max(Metrics.LOG_LOSS_EPS, p[i * k + truth()[i]])));
      }
      logLoss = l;
    }
    return l;
  }

  /** Rows sorted by one class's probability. */
  @SuppressWarnings("ArrayRecordComponent") // a carrier, never compared or hashed
  record Sorted(int[] order, double[] scores, boolean[] positive) {}

  /**
   * Positions of {@code s} sorted by value ascending, ties by position: each value is replaced by
   * its rank among the distinct values, and (rank, position) pairs packed in longs are sorted.
   */
  static int[] sortedPositions(double[] s) {
    int n = s.length;
    double[] distinct = s.clone();
    Arrays.sort(distinct);
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (m == 0 || Double.compare(distinct[m - 1], distinct[i]) != 0) {
        distinct[m++] = distinct[i];
      }
    }
    long[] pairs = new long[n];
    for (int i = 0; i < n; i++) {
      long rank = Arrays.binarySearch(distinct, 0, m, s[i]);
      pairs[i] = (rank << 32) | i;
    }
    Arrays.sort(pairs);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) pairs[i];
    }
    return out;
  }

  /** The metric names that exist for these predictions. */
  List<String> metricNames() {
    List<String> out = new ArrayList<>();
    if (kind == Kind.LABEL) {
      out.add(MetricNames.ACCURACY);
      out.add(MetricNames.MACRO_F1);
      out.add(MetricNames.MICRO_F1);
      out.add(MetricNames.MACRO_PRECISION);
      out.add(MetricNames.MACRO_RECALL);
      if (prob != null) {
        out.add(MetricNames.LOG_LOSS);
      }
      for (String l : names) {
        out.add("precision:" + l);
        out.add("recall:" + l);
        out.add("f1:" + l);
        if (prob != null) {
          out.add("auc:" + l);
        }
      }
    } else {
      out.add(MetricNames.RMSE);
      out.add(MetricNames.MAE);
      out.add(MetricNames.R2);
      for (String d : names) {
        out.add("rmse:" + d);
        out.add("mae:" + d);
        out.add("r2:" + d);
      }
    }
    return out;
  }
}
