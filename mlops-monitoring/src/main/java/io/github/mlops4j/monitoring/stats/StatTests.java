package io.github.mlops4j.monitoring.stats;

import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;

/**
 * Two-sample hypothesis tests for drift detection: a small {@code scipy.stats} for the JVM.
 *
 * <p>Every test compares a <em>reference</em> sample (training or baseline data) with a
 * <em>current</em> sample (production data) and returns a {@link TestResult}. The statistics and
 * p-values match scipy 1.10 (the version Evidently runs on) to 1e-9 relative for statistics and
 * 1e-6 absolute for p-values; the unit tests pin this with values computed by scipy.
 *
 * <h2>Input rules</h2>
 *
 * <ul>
 *   <li>Samples must be non-empty and finite. NaN and infinite values are rejected with an {@link
 *       IllegalArgumentException} naming the index; drop them first (Evidently drops them silently,
 *       and that is a decision the caller should make visibly).
 *   <li>Counts must be non-negative and each count vector must have a positive total. Both count
 *       vectors must have the same length: index {@code i} is the same category in both.
 *   <li>Inputs are never modified; samples are copied before sorting.
 * </ul>
 *
 * <h2>Degenerate inputs</h2>
 *
 * Identical samples give statistic 0 and p = 1; constant samples never produce NaN. The cases are
 * documented on each method.
 *
 * <p>All methods are static, thread-safe and allocation-bounded: sample tests cost O((n + m) log(n
 * + m)) time (one sort of each copy, then linear merges) and O(n + m) memory.
 *
 * @since 0.1.0
 */
public final class StatTests {

  /** scipy {@code ks_2samp(method='auto')}: exact p-value if {@code max(n, m) <= 10_000}. */
  static final int KS_AUTO_EXACT_MAX_N = 10_000;

  /**
   * Largest lcm(n, m) for which Commons Statistics computes the exact two-sided KS p-value when n
   * != m; above it we switch to the asymptotic p-value and say so in the result.
   */
  static final long KS_EXACT_MAX_LCM = 1L << 31;

  private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

  private StatTests() {}

  // ---------------------------------------------------------------------------------------
  // Kolmogorov-Smirnov
  // ---------------------------------------------------------------------------------------

  /**
   * Two-sample two-sided Kolmogorov-Smirnov test with {@link PValueMethod#AUTO}.
   *
   * @param reference the reference sample (finite, at least one value)
   * @param current the current sample (finite, at least one value)
   * @return the result; {@code statistic} = D
   * @throws IllegalArgumentException if a sample is empty or holds a NaN or infinite value
   * @see #ks(double[], double[], PValueMethod)
   */
  public static TestResult ks(double[] reference, double[] current) {
    return ks(reference, current, PValueMethod.AUTO);
  }

  /**
   * Two-sample two-sided Kolmogorov-Smirnov test, equivalent to scipy's {@code
   * stats.ks_2samp(reference, current, method=...)}.
   *
   * <p><b>Statistic.</b> D = max over the pooled <em>distinct</em> values z of |F<sub>ref</sub>(z)
   * − F<sub>cur</sub>(z)|, with right-continuous empirical CDFs (scipy's {@code
   * searchsorted(side='right')}). Tied values are therefore counted all at once, never one by one,
   * so ties can only lower D. D is in [0, 1]; it is reported as the exact fraction h / lcm(n, m),
   * as scipy does in exact mode. D is invariant under any strictly increasing transform applied to
   * both samples.
   *
   * <p><b>p-value</b> = P(D<sub>n,m</sub> ≥ d) under the null hypothesis of one continuous
   * distribution:
   *
   * <ul>
   *   <li>{@link PValueMethod#AUTO}: exact if {@code max(n, m) <= 10_000}, else asymptotic —
   *       scipy's rule ({@code MAX_AUTO_N = 10000}). Note that Commons Statistics' own AUTO
   *       switches at {@code < 10_000}; we apply scipy's rule ourselves.
   *   <li>{@link PValueMethod#EXACT}: the exact permutation distribution (Hodges 1958 for n = m,
   *       Viehmann 2021 for n ≠ m), computed by Commons Statistics {@code KolmogorovSmirnovTest}.
   *       It ignores ties (as scipy does), so with heavy ties it is conservative. If n ≠ m and
   *       lcm(n, m) &gt; 2<sup>31</sup> the exact computation is not attempted and the asymptotic
   *       p-value is returned, with {@link TestResult#pValueMethod()} = {@code ASYMPTOTIC}. For a
   *       sample of size 1 the exact distribution is computed in closed form.
   *   <li>{@link PValueMethod#ASYMPTOTIC}: scipy's {@code kstwo.sf(d, round(n·m/(n+m)))}, the
   *       survival function of the one-sample two-sided KS distribution with N = n·m/(n+m) rounded
   *       half to even (numpy's rounding), from Commons Statistics (Simard &amp; L'Ecuyer 2011). If
   *       N rounds to 0 (n = m = 1) N = 1 is used; scipy returns NaN there.
   * </ul>
   *
   * If D = 0 (for example identical samples, or two constant samples of the same value) the p-value
   * is 1.
   *
   * <p><b>Cost.</b> Each sample is copied and sorted once; D is found by one linear merge. The
   * asymptotic p-value costs O(N); the exact one is only used for small samples by default.
   *
   * @param reference the reference sample (finite, at least one value)
   * @param current the current sample (finite, at least one value)
   * @param method how to compute the p-value
   * @return the result; {@code statistic} = D, {@code pValueMethod} = the method actually used
   * @throws IllegalArgumentException if a sample is empty or holds a NaN or infinite value
   */
  @SuppressWarnings("NarrowCalculation") // dnm and m are multiples of g: both divisions are exact
  public static TestResult ks(double[] reference, double[] current, PValueMethod method) {
    Objects.requireNonNull(method, "method");
    double[] x = Inputs.sortedFiniteCopy(reference, "reference", 1);
    double[] y = Inputs.sortedFiniteCopy(current, "current", 1);
    int n = x.length;
    int m = y.length;
    long dnm = integralKsStatistic(x, y);
    int g = gcd(n, m);
    double d = (double) (dnm / g) / ((double) n * (m / g));
    PValueMethod used = resolveKsMethod(method, n, m, g);
    double p;
    if (dnm == 0) {
      p = 1.0;
    } else if (used == PValueMethod.EXACT) {
      p = ksExactP(x, y, dnm);
    } else {
      p = ksAsymptoticP(d, n, m);
    }
    return new TestResult(TestResult.KS, d, clampProbability(p), used);
  }

  /**
   * The two-sided KS statistic scaled by n·m: max |i·m − j·n| over the ends of runs of equal values
   * in the merge of the sorted samples, where i and j count the values ≤ z.
   */
  static long integralKsStatistic(double[] x, double[] y) {
    final int n = x.length;
    final int m = y.length;
    int i = 0;
    int j = 0;
    long d = 0;
    long plus = 0;
    long minus = 0;
    while (i < n && j < m) {
      final double xi = x[i];
      final double yj = y[j];
      if (xi < yj) {
        do {
          i++;
          d += m;
        } while (i < n && x[i] == xi);
      } else if (yj < xi) {
        do {
          j++;
          d -= n;
        } while (j < m && y[j] == yj);
      } else {
        do {
          i++;
          d += m;
        } while (i < n && x[i] == xi);
        do {
          j++;
          d -= n;
        } while (j < m && y[j] == xi);
      }
      if (d > plus) {
        plus = d;
      } else if (d < minus) {
        minus = d;
      }
    }
    // Once one sample is exhausted d moves monotonically back to 0: no new extreme.
    return Math.max(plus, -minus);
  }

  private static PValueMethod resolveKsMethod(PValueMethod requested, int n, int m, int g) {
    switch (requested) {
      case AUTO:
        return Math.max(n, m) <= KS_AUTO_EXACT_MAX_N ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC;
      case EXACT:
        if (n != m && (long) Math.max(n, m) * (Math.min(n, m) / g) > KS_EXACT_MAX_LCM) {
          return PValueMethod.ASYMPTOTIC;
        }
        return PValueMethod.EXACT;
      default:
        return PValueMethod.ASYMPTOTIC;
    }
  }

  /** Exact P(D ≥ d); {@code x} and {@code y} are the sorted samples, {@code dnm} > 0. */
  private static double ksExactP(double[] x, double[] y, long dnm) {
    int n = x.length;
    int m = y.length;
    if (Math.min(n, m) == 1) {
      // One value among `big` others: it lands after k of them, k uniform on 0..big, and
      // D·big = max(k, big - k). Here dnm = D·n·m = D·big.
      long big = Math.max(n, m);
      if (dnm <= (big + 1) / 2) {
        return 1.0;
      }
      return 2.0 * (big - dnm + 1) / (big + 1);
    }
    // Commons copies and re-sorts the (already sorted, so linear-time) arrays.
    return KolmogorovSmirnovTest.withDefaults()
        .with(org.apache.commons.statistics.inference.PValueMethod.EXACT)
        .test(x, y)
        .getPValue();
  }

  /**
   * The asymptotic p-value of a two-sample KS statistic {@code d} for samples of sizes {@code n}
   * and {@code m}, as scipy's {@code ks_2samp(method='asymp')}: {@code kstwo.sf(d, round(en))} with
   * {@code en = n*m/(n+m)} rounded half to even. Useful when only the statistic is known, for
   * example from sketches. Costs O(en).
   *
   * @throws IllegalArgumentException if a size is below 1, {@code en} exceeds {@link
   *     Integer#MAX_VALUE}, or {@code d} is not in [0, 1]
   */
  public static double ksAsymptoticPValue(double d, long n, long m) {
    if (n < 1 || m < 1) {
      throw new IllegalArgumentException("Sample sizes must be >= 1, were " + n + " and " + m);
    }
    if (!(d >= 0 && d <= 1)) {
      throw new IllegalArgumentException("KS statistic must be in [0, 1], was " + d);
    }
    double big = Math.max(n, m);
    double small = Math.min(n, m);
    double en = Math.max(1.0, Math.rint(big * small / (big + small))); // half to even, like numpy
    if (en > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Effective sample size " + en + " is too large");
    }
    return kolmogorovSmirnovSf(d, (int) en);
  }

  private static double ksAsymptoticP(double d, int n, int m) {
    return ksAsymptoticPValue(d, n, m);
  }

  /**
   * Survival function of the one-sample two-sided KS statistic, P(D<sub>N</sub> ≥ d) (scipy's
   * {@code kstwo.sf(d, N)}).
   *
   * <p>Commons Statistics exposes this distribution only through its one-sample test, so we hand it
   * the sample 0, 1, …, N−1 and the CDF t ↦ min(1, t/N + d), whose one-sample statistic is exactly
   * max(d, 1/N − d) = d for d ≥ 1/(2N). Cost O(N).
   */
  static double kolmogorovSmirnovSf(double d, int effectiveN) {
    if (d <= 0.5 / effectiveN) {
      return 1.0; // D_N >= 1/(2N) always
    }
    if (d >= 1.0) {
      return 0.0;
    }
    if (effectiveN == 1) {
      return 2.0 * (1.0 - d); // D_1 = max(U, 1 - U)
    }
    double nxx = effectiveN * d * d;
    double scaled = effectiveN * d;
    if (effectiveN > SMIRNOV_MIN_N
        && nxx >= MILLER_MIN_NXX
        && scaled > 1
        && scaled < effectiveN - 1) {
      // The regime where Commons Statistics (and scipy) use Miller's approximation 2 * P(D+ >= d);
      // computed here directly instead of through the O(N) one-sample test.
      if (nxx >= 370) {
        return 0.0; // below the smallest double, as in Commons Statistics
      }
      if (effectiveN > SMIRNOV_ASYMPTOTIC_N) {
        // Commons Statistics switches to Maag & Dicaire's limiting form above 10^6.
        double t = 6.0 * effectiveN * d + 1;
        return 2 * Math.exp(-t * t / (18.0 * effectiveN));
      }
      return 2 * smirnovSf(d, effectiveN);
    }
    return kolmogorovSmirnovSfByTest(d, effectiveN);
  }

  /** Effective sizes above which {@link #kolmogorovSmirnovSf} sums Smirnov's formula itself. */
  static final int SMIRNOV_MIN_N = 140;

  /** N·d² from which the two-sided tail is 2 P(D+ ≥ d) (Commons Statistics' threshold). */
  static final double MILLER_MIN_NXX = 2.2;

  /** Above this N the one-sided tail is Maag &amp; Dicaire's limiting form (as in Commons). */
  static final int SMIRNOV_ASYMPTOTIC_N = 1_000_000;

  /**
   * The one-sided one-sample tail P(D<sup>+</sup><sub>n</sub> ≥ x) by the Smirnov / Birnbaum-Tingey
   * sum x Σ<sub>j=0</sub><sup>n−⌊nx⌋−1</sup> C(n, j) (1 − x − j/n)<sup>n−j</sup> (x +
   * j/n)<sup>j−1</sup>, for 1/n &lt; x &lt; 1 − 1/n. All terms are positive; each is computed
   * through its logarithm (log C(n, j) accumulated with compensation) and added relative to the
   * largest term so far, so nothing over- or underflows before the end. Terms are unimodal: the sum
   * stops once they fall below e<sup>−50</sup> of the largest. Cost: at most n − ⌊nx⌋ terms of
   * three logarithms and one exponential; relative error about 1e-10 at n = 10<sup>6</sup> (the
   * double-double sum of Commons Statistics, which this replaces for speed, is the reference in the
   * tests).
   */
  static double smirnovSf(double x, int n) {
    final double nx = n * x;
    final int last = n - (int) Math.floor(nx) - 1;
    // j = 0: (1 - x)^n / x
    double ref = n * Math.log1p(-x) - Math.log(x);
    double sum = 1; // the sum of the terms so far, in units of e^ref
    double logBinomial = 0;
    double logBinomialCompensation = 0;
    for (int j = 1; j <= last; j++) {
      // log C(n, j) = log C(n, j - 1) + log((n - j + 1) / j), Kahan-summed
      double step = Math.log((double) (n - j + 1) / j) - logBinomialCompensation;
      double next = logBinomial + step;
      logBinomialCompensation = (next - logBinomial) - step;
      logBinomial = next;
      double lower = ((double) (n - j) - nx) / n;
      double upper = x + (double) j / n;
      double t = logBinomial + (n - j) * Math.log(lower) + (j - 1) * Math.log(upper);
      if (t > ref) {
        sum = sum * Math.exp(ref - t) + 1;
        ref = t;
      } else {
        double delta = t - ref;
        if (delta < -50) {
          break; // past the peak: the remaining terms are negligible
        }
        sum += Math.exp(delta);
      }
    }
    return Math.min(1.0, Math.exp(ref + Math.log(sum) + Math.log(x)));
  }

  /** The route through Commons Statistics' one-sample test, O(N) (package-private for tests). */
  static double kolmogorovSmirnovSfByTest(double d, int effectiveN) {
    double[] grid = new double[effectiveN];
    for (int i = 0; i < effectiveN; i++) {
      grid[i] = i;
    }
    final double nd = effectiveN;
    DoubleUnaryOperator cdf = t -> Math.min(1.0, t / nd + d);
    return KolmogorovSmirnovTest.withDefaults().test(grid, cdf).getPValue();
  }

  // ---------------------------------------------------------------------------------------
  // Cramér-von Mises
  // ---------------------------------------------------------------------------------------

  /**
   * Two-sample Cramér-von Mises test with {@link PValueMethod#AUTO}.
   *
   * @param reference the reference sample (finite, at least two values)
   * @param current the current sample (finite, at least two values)
   * @return the result; {@code statistic} = T
   * @throws IllegalArgumentException if a sample has fewer than two values or holds a NaN or
   *     infinite value
   * @see #cramerVonMises(double[], double[], PValueMethod)
   */
  public static TestResult cramerVonMises(double[] reference, double[] current) {
    return cramerVonMises(reference, current, PValueMethod.AUTO);
  }

  /**
   * Two-sample Cramér-von Mises test, equivalent to scipy's {@code
   * stats.cramervonmises_2samp(reference, current, method=...)} (Anderson 1962).
   *
   * <p><b>Statistic.</b> With r<sub>i</sub> the pooled <em>midranks</em> of the sorted reference
   * values and s<sub>j</sub> those of the sorted current values, U = n Σ(r<sub>i</sub> − i)² + m
   * Σ(s<sub>j</sub> − j)² and T = U / (n·m·(n+m)) − (4nm − 1) / (6(n+m)). It is computed in exact
   * integer arithmetic, so identical samples give exactly 0. With ties T can be slightly positive
   * or negative even for equal distributions (for example {@code [1,1,1]} vs {@code [1,1]} gives T
   * = 1/15 and p = 1), as in scipy.
   *
   * <p><b>p-value</b> = P(T ≥ t):
   *
   * <ul>
   *   <li>{@link PValueMethod#AUTO}: exact if {@code max(n, m) <= 20}, else asymptotic (scipy's
   *       rule).
   *   <li>{@link PValueMethod#EXACT}: the permutation distribution of U enumerated with the
   *       algorithm of Xiao, Gordon &amp; Yakovlev (2006), as scipy does. Its cost grows with
   *       n·m·lcm(n, m) (24 vs 25 values take about 0.5 s, 39 vs 40 about 6 s); it is refused when
   *       that product exceeds 500,000.
   *   <li>{@link PValueMethod#ASYMPTOTIC}: T is standardised with its exact mean and variance and
   *       referred to the limiting distribution (Csörgő &amp; Faraway 1996), whose series is summed
   *       until a term is below 1e-7, as scipy does; p = 1 when the standardised statistic is below
   *       0.003.
   * </ul>
   *
   * @param reference the reference sample (finite, at least two values)
   * @param current the current sample (finite, at least two values)
   * @param method how to compute the p-value
   * @return the result; {@code statistic} = T
   * @throws IllegalArgumentException if a sample has fewer than two values or holds a NaN or
   *     infinite value, or if an exact p-value is requested and n·m·lcm(n, m) &gt; 500,000
   */
  public static TestResult cramerVonMises(
      double[] reference, double[] current, PValueMethod method) {
    Objects.requireNonNull(method, "method");
    double[] x = Inputs.sortedFiniteCopy(reference, "reference", 2);
    double[] y = Inputs.sortedFiniteCopy(current, "current", 2);
    return CramerVonMises.test(x, y, method);
  }

  // ---------------------------------------------------------------------------------------
  // Categorical tests
  // ---------------------------------------------------------------------------------------

  /**
   * Chi-square goodness of fit of the current counts against the reference proportions — the test
   * Evidently calls {@code chisquare} (scipy {@code stats.chisquare(f_obs=current, f_exp=reference
   * * m / n)}).
   *
   * <p>Index {@code i} is the same category in both arrays. With n and m the two totals,
   * E<sub>i</sub> = ref<sub>i</sub> · m / n and χ² = Σ (cur<sub>i</sub> − E<sub>i</sub>)² /
   * E<sub>i</sub>, with k − 1 degrees of freedom where k counts the categories seen in at least one
   * sample. The reference is treated as the true distribution, which makes p-values more extreme
   * than {@link #chiSquareHomogeneity}; prefer that test unless you need Evidently's numbers.
   *
   * <p>Degenerate cases, all defined (scipy would return NaN for some of them):
   *
   * <ul>
   *   <li>A category with count 0 in both samples is dropped (it carries no information).
   *   <li>A category seen in the current sample but never in the reference has E = 0: the statistic
   *       is {@code +Infinity} and p = 0 — the current sample cannot come from a distribution that
   *       gives that category probability 0. This is scipy's value.
   *   <li>Fewer than two remaining categories (both samples hold the same single category):
   *       statistic 0, p = 1.
   * </ul>
   *
   * Proportional counts (for example identical ones) give statistic 0 and p = 1. The p-value comes
   * from Commons Statistics {@code ChiSquareTest} and is reported as {@link
   * PValueMethod#ASYMPTOTIC} (the χ² approximation).
   *
   * @param referenceCounts the reference count of each category
   * @param currentCounts the current count of each category
   * @return the result; {@code statistic} = χ²
   * @throws IllegalArgumentException if the arrays are empty or of different lengths, a count is
   *     negative, or a sample's counts are all zero
   */
  public static TestResult chiSquare(long[] referenceCounts, long[] currentCounts) {
    Inputs.checkCounts(referenceCounts, "referenceCounts");
    Inputs.checkCounts(currentCounts, "currentCounts");
    Inputs.checkSameLength(
        referenceCounts.length, currentCounts.length, "referenceCounts", "currentCounts");
    int k = 0;
    for (int i = 0; i < referenceCounts.length; i++) {
      if (referenceCounts[i] == 0 && currentCounts[i] > 0) {
        return new TestResult(
            TestResult.CHI_SQUARE, Double.POSITIVE_INFINITY, 0.0, PValueMethod.ASYMPTOTIC);
      }
      if (referenceCounts[i] > 0) {
        k++;
      }
    }
    if (k < 2) {
      return new TestResult(TestResult.CHI_SQUARE, 0.0, 1.0, PValueMethod.ASYMPTOTIC);
    }
    double[] expected = new double[k];
    long[] observed = new long[k];
    int c = 0;
    for (int i = 0; i < referenceCounts.length; i++) {
      if (referenceCounts[i] > 0) {
        expected[c] = referenceCounts[i];
        observed[c] = currentCounts[i];
        c++;
      }
    }
    // Commons rescales the expected counts to the observed total: E_i = ref_i * m / n.
    var r = ChiSquareTest.withDefaults().test(expected, observed);
    return new TestResult(
        TestResult.CHI_SQUARE,
        r.getStatistic(),
        clampProbability(r.getPValue()),
        PValueMethod.ASYMPTOTIC);
  }

  /**
   * Chi-square test of homogeneity on the 2 × k contingency table {reference, current}, without
   * continuity correction (scipy {@code stats.chi2_contingency([reference, current],
   * correction=False)}; alibi-detect and NannyML use this test).
   *
   * <p>E<sub>ri</sub> = row<sub>r</sub> · col<sub>i</sub> / total and χ² = Σ<sub>r</sub>
   * Σ<sub>i</sub> (O<sub>ri</sub> − E<sub>ri</sub>)² / E<sub>ri</sub> with k − 1 degrees of
   * freedom. Note that scipy's default {@code correction=True} applies Yates' correction when k =
   * 2; this method never does.
   *
   * <p>Degenerate cases: a category with count 0 in both samples is dropped (scipy raises on it);
   * with fewer than two remaining categories the statistic is 0 and p = 1. Categories seen in only
   * one sample are fine here. Proportional counts give statistic 0 and p = 1. The p-value comes
   * from Commons Statistics {@code ChiSquareTest}.
   *
   * @param referenceCounts the reference count of each category
   * @param currentCounts the current count of each category
   * @return the result; {@code statistic} = χ², {@code pValueMethod} = {@code ASYMPTOTIC}
   * @throws IllegalArgumentException if the arrays are empty or of different lengths, a count is
   *     negative, or a sample's counts are all zero
   */
  public static TestResult chiSquareHomogeneity(long[] referenceCounts, long[] currentCounts) {
    Inputs.checkCounts(referenceCounts, "referenceCounts");
    Inputs.checkCounts(currentCounts, "currentCounts");
    Inputs.checkSameLength(
        referenceCounts.length, currentCounts.length, "referenceCounts", "currentCounts");
    int k = 0;
    for (int i = 0; i < referenceCounts.length; i++) {
      if ((referenceCounts[i] | currentCounts[i]) != 0) {
        k++;
      }
    }
    if (k < 2) {
      return new TestResult(TestResult.CHI_SQUARE_HOMOGENEITY, 0.0, 1.0, PValueMethod.ASYMPTOTIC);
    }
    long[] a = new long[k];
    long[] b = new long[k];
    int c = 0;
    for (int i = 0; i < referenceCounts.length; i++) {
      if ((referenceCounts[i] | currentCounts[i]) != 0) {
        a[c] = referenceCounts[i];
        b[c] = currentCounts[i];
        c++;
      }
    }
    var r = ChiSquareTest.withDefaults().test(a, b);
    return new TestResult(
        TestResult.CHI_SQUARE_HOMOGENEITY,
        r.getStatistic(),
        clampProbability(r.getPValue()),
        PValueMethod.ASYMPTOTIC);
  }

  /**
   * Two-sided z-test for the difference of two proportions, as Evidently's {@code z} test.
   *
   * <p>p̂<sub>1</sub> = refSuccesses / refTotal, p̂<sub>2</sub> = curSuccesses / curTotal, pooled P
   * = (refSuccesses + curSuccesses) / (refTotal + curTotal) and z = (p̂<sub>1</sub> −
   * p̂<sub>2</sub>) / √(P(1 − P)(1/refTotal + 1/curTotal)); the sign is reference minus current. p
   * = 2·Φ(−|z|), computed with the normal survival function so that small p-values keep their
   * precision (Evidently's 2·(1 − Φ(|z|)) bottoms out at about 1e-16).
   *
   * <p>If P is 0 or 1 (both samples hold only failures, or only successes) the variance is 0: the
   * result is z = 0 and p = 1, Evidently's rule for two identical constant samples.
   *
   * @param refSuccesses reference successes, in [0, refTotal]
   * @param refTotal reference sample size, positive
   * @param curSuccesses current successes, in [0, curTotal]
   * @param curTotal current sample size, positive
   * @return the result; {@code statistic} = z, {@code pValueMethod} = {@code ASYMPTOTIC}
   * @throws IllegalArgumentException if a total is not positive or a success count is outside [0,
   *     total]
   */
  public static TestResult zTestProportions(
      long refSuccesses, long refTotal, long curSuccesses, long curTotal) {
    checkProportionCounts(refSuccesses, refTotal, "ref");
    checkProportionCounts(curSuccesses, curTotal, "cur");
    double n1 = refTotal;
    double n2 = curTotal;
    double p1 = refSuccesses / n1;
    double p2 = curSuccesses / n2;
    double pooled = ((double) refSuccesses + (double) curSuccesses) / (n1 + n2);
    if (pooled == 0.0 || pooled == 1.0) {
      return new TestResult(TestResult.Z, 0.0, 1.0, PValueMethod.ASYMPTOTIC);
    }
    double z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    double p = 2 * STANDARD_NORMAL.survivalProbability(Math.abs(z));
    return new TestResult(TestResult.Z, z, clampProbability(p), PValueMethod.ASYMPTOTIC);
  }

  private static void checkProportionCounts(long successes, long total, String prefix) {
    if (total <= 0) {
      throw new IllegalArgumentException(prefix + "Total = " + total + ": must be positive");
    }
    if (successes < 0 || successes > total) {
      throw new IllegalArgumentException(
          prefix
              + "Successes = "
              + successes
              + ": must be in [0, "
              + prefix
              + "Total = "
              + total
              + "]");
    }
  }

  // ---------------------------------------------------------------------------------------

  static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  static double clampProbability(double p) {
    return p < 0 ? 0 : (p > 1 ? 1 : p);
  }
}
