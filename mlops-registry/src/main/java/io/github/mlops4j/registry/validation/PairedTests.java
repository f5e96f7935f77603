package io.github.mlops4j.registry.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.BinomialTest;

/** Paired comparisons of two models' predictions on the same rows. */
final class PairedTests {
  /** Below this many discordant pairs McNemar's test uses the exact binomial distribution. */
  static final int MCNEMAR_EXACT_BELOW = 25;

  private PairedTests() {}

  /**
   * Result of McNemar's test.
   *
   * @param candidateOnly rows the candidate gets right and the champion wrong
   * @param championOnly rows the champion gets right and the candidate wrong
   * @param exact whether the exact binomial test was used
   * @param pValue two-sided p-value
   */
  record McNemar(long candidateOnly, long championOnly, boolean exact, double pValue) {}

  /**
   * McNemar's test on the rows where {@code label} is the true class ({@code -1}: all rows), on
   * per-row correctness. With b and c the discordant counts: when {@code b + c <} {@value
   * #MCNEMAR_EXACT_BELOW}, the exact two-sided binomial test of b successes in b + c trials with p
   * = 0.5; otherwise the chi-square statistic with continuity correction {@code (|b - c| - 1)^2 /
   * (b + c)} (the correction floored at 0) on one degree of freedom. No discordant pair gives p =
   * 1.
   */
  static McNemar mcnemar(Scores candidate, Scores champion, int label) {
    long[] counts = discordant(candidate, champion, label);
    return mcnemar(counts[0], counts[1]);
  }

  /**
   * The paired (Wald) interval of the difference in accuracy on the rows where {@code label} is the
   * true class ({@code -1}: all rows): with b and c the discordant counts among m rows, d = (b - c)
   * / m and standard error {@code sqrt(b + c - (b - c)^2 / m) / m}, the interval {@code d +- z(1 -
   * alpha / 2) * se}. Used for champion rules with a non-zero margin, where the question is whether
   * the difference is beyond the margin rather than beyond zero.
   */
  static Interval accuracyDifference(Scores candidate, Scores champion, int label, double alpha) {
    long[] counts = discordant(candidate, champion, label);
    long b = counts[0];
    long c = counts[1];
    long m = counts[2];
    if (m == 0) {
      return new Interval(Double.NaN, Double.NaN, 0);
    }
    double d = (double) (b - c) / m;
    double se = Math.sqrt(Math.max(0.0, b + c - (double) (b - c) * (b - c) / m)) / m;
    double z = NormalDistribution.of(0, 1).inverseSurvivalProbability(alpha / 2);
    return new Interval(d - z * se, d + z * se, 1);
  }

  /** {candidate right and champion wrong, the reverse, rows considered}. */
  private static long[] discordant(Scores candidate, Scores champion, int label) {
    int[] t = candidate.truth();
    int[] p1 = candidate.pred();
    int[] p2 = champion.pred();
    long b = 0;
    long c = 0;
    long m = 0;
    for (int i = 0; i < candidate.n; i++) {
      if (label >= 0 && t[i] != label) {
        continue;
      }
      m++;
      boolean r1 = p1[i] == t[i];
      boolean r2 = p2[i] == t[i];
      if (r1 && !r2) {
        b++;
      } else if (r2 && !r1) {
        c++;
      }
    }
    return new long[] {b, c, m};
  }

  static McNemar mcnemar(long b, long c) {
    long n = b + c;
    if (n == 0) {
      return new McNemar(b, c, true, 1.0);
    }
    if (n < MCNEMAR_EXACT_BELOW) {
      double p = BinomialTest.withDefaults().test((int) n, (int) b, 0.5).getPValue();
      return new McNemar(b, c, true, Math.min(1.0, p));
    }
    double diff = Math.max(0.0, Math.abs(b - c) - 1.0);
    double stat = diff * diff / n;
    return new McNemar(b, c, false, ChiSquaredDistribution.of(1).survivalProbability(stat));
  }

  /**
   * Percentile interval of a paired bootstrap.
   *
   * @param lower lower end of the two-sided {@code 1 - alpha} interval of the difference
   * @param upper upper end
   * @param used resamples where the metric was defined for both models
   */
  record Interval(double lower, double upper, int used) {}

  /**
   * Paired percentile bootstrap of {@code sign * (metric(candidate) - metric(champion))}: each
   * resample draws n rows with replacement (the same rows for both models) from a {@link
   * SplittableRandom} seeded with the r-th value of a {@code SplittableRandom(seed)} stream, so the
   * result does not depend on how resamples are spread over threads. Percentiles use linear
   * interpolation between order statistics (numpy's default). Resamples where the metric is
   * undefined for either model are left out.
   */
  static Interval bootstrap(
      Scores candidate,
      Scores champion,
      Metrics.Id id,
      double sign,
      int resamples,
      long seed,
      double alpha,
      Executor executor,
      int parallelism) {
    int n = candidate.n;
    long[] seeds = new long[resamples];
    SplittableRandom master = new SplittableRandom(seed);
    for (int r = 0; r < resamples; r++) {
      seeds[r] = master.nextLong();
    }
    if (id.base().equals("auc")) { // build the shared sort orders before the threads start
      candidate.order(id.index());
      champion.order(id.index());
    }
    double[] d = new double[resamples];
    int chunks = Math.max(1, Math.min(parallelism, resamples));
    List<CompletableFuture<Void>> futures = new ArrayList<>(chunks);
    for (int ch = 0; ch < chunks; ch++) {
      int from = (int) ((long) resamples * ch / chunks);
      int to = (int) ((long) resamples * (ch + 1) / chunks);
      futures.add(
          CompletableFuture.runAsync(
              () -> {
                int[] w = new int[n];
                for (int r = from; r < to; r++) {
                  Arrays.fill(w, 0);
                  SplittableRandom random = new SplittableRandom(seeds[r]);
                  for (int j = 0; j < n; j++) {
                    w[random.nextInt(n)]++;
                  }
                  double a = Metrics.compute(candidate, id, w);
                  double b = Metrics.compute(champion, id, w);
                  d[r] = sign * (a - b);
                }
              },
              executor));
    }
    try {
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    double[] defined = Arrays.stream(d).filter(Double::isFinite).sorted().toArray();
    if (defined.length == 0) {
      return new Interval(Double.NaN, Double.NaN, 0);
    }
    return new Interval(
        quantile(defined, alpha / 2), quantile(defined, 1 - alpha / 2), defined.length);
  }

  /** Linear-interpolation quantile of sorted values (numpy's default method). */
  static double quantile(double[] sorted, double q) {
    double pos = (sorted.length - 1) * q;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    double frac = pos - lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
  }
}
