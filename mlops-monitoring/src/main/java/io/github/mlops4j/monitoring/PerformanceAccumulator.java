package io.github.mlops4j.monitoring;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Performance of one window: counters for accuracy and errors, and the (score, label) pairs for an
 * exact AUC, kept as a uniform reservoir sample (Vitter's algorithm R, seeded) once there are more
 * than {@code maxAucPairs}. Not thread-safe; the monitor guards it.
 */
final class PerformanceAccumulator {
  private final PredictionTask task;
  private final double threshold;
  private final int maxAucPairs;
  private final SplittableRandom random;
  private long labelled;
  private long correct;
  private double sumSquared;
  private double sumAbsolute;
  private double[] scores = new double[0];
  private boolean[] positive = new boolean[0];
  private int size;
  private long seen;
  boolean closed;

  PerformanceAccumulator(PredictionTask task, double threshold, int maxAucPairs, long seed) {
    this.task = task;
    this.threshold = threshold;
    this.maxAucPairs = maxAucPairs;
    this.random = new SplittableRandom(seed);
  }

  void addBinary(double score, boolean isPositive) {
    labelled++;
    if ((score >= threshold) == isPositive) {
      correct++;
    }
    seen++;
    if (size < maxAucPairs) {
      if (size == scores.length) {
        int cap = (int) Math.min(maxAucPairs, Math.max(16L, 2L * size));
        scores = Arrays.copyOf(scores, cap);
        positive = Arrays.copyOf(positive, cap);
      }
      scores[size] = score;
      positive[size] = isPositive;
      size++;
    } else {
      long j = random.nextLong(seen);
      if (j < maxAucPairs) {
        scores[(int) j] = score;
        positive[(int) j] = isPositive;
      }
    }
  }

  void addClass(String predicted, String actual) {
    labelled++;
    if (predicted.equals(actual)) {
      correct++;
    }
  }

  void addRegression(double predicted, double actual) {
    labelled++;
    double e = predicted - actual;
    sumSquared += e * e;
    sumAbsolute += Math.abs(e);
  }

  Performance result() {
    OptionalDouble none = OptionalDouble.empty();
    if (labelled == 0) {
      return new Performance(task, 0, none, none, none, none, 0);
    }
    switch (task) {
      case BINARY_CLASSIFICATION:
        return new Performance(
            task,
            labelled,
            OptionalDouble.of((double) correct / labelled),
            auc(Arrays.copyOf(scores, size), Arrays.copyOf(positive, size)),
            none,
            none,
            size);
      case MULTICLASS_CLASSIFICATION:
        return new Performance(
            task, labelled, OptionalDouble.of((double) correct / labelled), none, none, none, 0);
      default:
        return new Performance(
            task,
            labelled,
            none,
            none,
            OptionalDouble.of(Math.sqrt(sumSquared / labelled)),
            OptionalDouble.of(sumAbsolute / labelled),
            0);
    }
  }

  /**
   * ROC AUC from ranks (the Mann-Whitney U statistic): rank all scores together, tied scores
   * sharing their mean rank, then AUC = (R<sub>+</sub> − n<sub>+</sub>(n<sub>+</sub> + 1)/2) /
   * (n<sub>+</sub>·n<sub>−</sub>), where R<sub>+</sub> is the sum of the positives' ranks. Equal to
   * the share of (positive, negative) pairs ordered correctly, ties counting one half. Empty
   * without both classes.
   */
  static OptionalDouble auc(double[] scores, boolean[] positive) {
    int nPos = 0;
    for (boolean p : positive) {
      if (p) {
        nPos++;
      }
    }
    int nNeg = scores.length - nPos;
    if (nPos == 0 || nNeg == 0) {
      return OptionalDouble.empty();
    }
    double[] pos = new double[nPos];
    double[] neg = new double[nNeg];
    int a = 0;
    int b = 0;
    for (int i = 0; i < scores.length; i++) {
      if (positive[i]) {
        pos[a++] = scores[i];
      } else {
        neg[b++] = scores[i];
      }
    }
    Arrays.sort(pos);
    Arrays.sort(neg);
    // Walk the merged order; a run of equal scores occupies ranks rank+1 .. rank+run.
    double rankSumPos = 0;
    long rank = 0;
    int i = 0;
    int j = 0;
    while (i < nPos || j < nNeg) {
      double v = j >= nNeg || (i < nPos && pos[i] <= neg[j]) ? pos[i] : neg[j];
      int runPos = 0;
      while (i < nPos && pos[i] == v) {
        i++;
        runPos++;
      }
      int runNeg = 0;
      while (j < nNeg && neg[j] == v) {
        j++;
        runNeg++;
      }
      int run = runPos + runNeg;
      double midRank = rank + (run + 1) / 2.0;
      rankSumPos += runPos * midRank;
      rank += run;
    }
    double u = rankSumPos - (double) nPos * (nPos + 1) / 2.0;
    return OptionalDouble.of(u / ((double) nPos * nNeg));
  }
}
