package io.github.mlops4j.monitoring.stats;

import java.util.Objects;

/**
 * Distances and divergences between two distributions, for drift scores.
 *
 * <p>Two families:
 *
 * <ul>
 *   <li><b>Sample distances</b> ({@link #wasserstein}, {@link #energy}) take raw samples, in the
 *       units of the data. They are <em>not</em> normalised here: Evidently's "normed" Wasserstein
 *       divides by the reference's population standard deviation, and that belongs to the drift
 *       layer, which knows the reference.
 *   <li><b>Binned measures</b> ({@link #jensenShannon}, {@link #hellinger}, {@link #psi}, {@link
 *       #kl}) take two vectors of <em>proportions</em> over the same bins or categories, reference
 *       first. Use {@link #proportions(long[])} to turn counts into proportions.
 * </ul>
 *
 * <h2>Conventions</h2>
 *
 * <table>
 *   <caption>Conventions of each measure</caption>
 *   <tr><th>measure</th><th>what</th><th>log</th><th>range</th><th>symmetric</th><th>zero proportions</th></tr>
 *   <tr><td>{@link #wasserstein}</td><td>1-Wasserstein distance ∫|F − G|</td><td>–</td><td>[0, ∞), data units</td>
 *       <td>yes</td><td>–</td></tr>
 *   <tr><td>{@link #energy}</td><td>energy <em>distance</em> √(2∫(F − G)²)</td><td>–</td><td>[0, ∞), √(data units)</td>
 *       <td>yes</td><td>–</td></tr>
 *   <tr><td>{@link #jensenShannon}</td><td>JS <em>distance</em> = √(JS divergence)</td><td>natural (or given)</td>
 *       <td>[0, √ln 2 ≈ 0.8326] in base e, [0, 1] in base 2</td><td>yes</td><td>allowed, no fill (0·log 0 = 0)</td></tr>
 *   <tr><td>{@link #hellinger}</td><td>Hellinger distance √(½ Σ(√p − √q)²)</td><td>–</td><td>[0, 1]</td>
 *       <td>yes</td><td>allowed, no fill</td></tr>
 *   <tr><td>{@link #psi}</td><td>PSI Σ(p − q)·ln(p/q)</td><td>natural</td><td>[0, ∞)</td><td>yes</td>
 *       <td>Evidently fill, no renormalisation</td></tr>
 *   <tr><td>{@link #kl}</td><td>KL <em>divergence</em> Σ p·ln(p/q), KL(reference ‖ current)</td><td>natural</td>
 *       <td>[0, ∞)</td><td>no</td><td>Evidently fill, then renormalised</td></tr>
 * </table>
 *
 * <p><b>Proportions.</b> Each vector must be finite, non-negative and sum to 1 within {@value
 * #PROPORTION_SUM_TOLERANCE}; it is then divided by its sum (as scipy does), which removes
 * rounding. Both vectors must have the same length.
 *
 * <p><b>Evidently's zero fill</b> (PSI and KL; {@code stattests/utils.py: get_binned_data}): in
 * each vector separately, zero proportions are replaced by {@code min_nonzero / 1e6} when the
 * smallest non-zero proportion of that vector is ≤ 1e-4, else by {@value #ZERO_FILL}. PSI then uses
 * the filled values as they are (they sum slightly above 1, as in Evidently); KL divides them by
 * their sum first, because Evidently calls {@code scipy.stats.entropy}, which does.
 *
 * <p>All methods are static and thread-safe; none modifies its arguments.
 *
 * @since 0.1.0
 */
public final class Distances {

  /** Largest accepted |Σp − 1| for a vector of proportions. */
  public static final double PROPORTION_SUM_TOLERANCE = Inputs.PROPORTION_SUM_TOLERANCE;

  /** Evidently's fill value for an empty bin when no proportion of that vector is ≤ 1e-4. */
  public static final double ZERO_FILL = 1e-4;

  private static final double LN2 = Math.log(2);

  private Distances() {}

  /**
   * Returns counts divided by their total.
   *
   * @param counts the count of each category or bin
   * @return a new array of proportions summing to 1 (up to rounding)
   * @throws IllegalArgumentException if the array is empty, a count is negative or all are zero
   */
  public static double[] proportions(long[] counts) {
    long total = Inputs.checkCounts(counts, "counts");
    double[] p = new double[counts.length];
    double t = total;
    for (int i = 0; i < counts.length; i++) {
      p[i] = counts[i] / t;
    }
    return p;
  }

  /**
   * 1-Wasserstein (earth mover's) distance between the empirical distributions of two samples: ∫
   * |F<sub>ref</sub>(x) − F<sub>cur</sub>(x)| dx, as scipy's {@code
   * stats.wasserstein_distance(reference, current)}.
   *
   * <p>In the units of the data and <b>not normalised</b>: Evidently's drift score divides this by
   * {@code max(std(reference, ddof=0), 0.001)}; the drift layer does that. Identical samples give
   * 0; the distance is symmetric and shifts with a location shift of one sample. Cost: one sort of
   * each copy and a linear merge, summed with compensation.
   *
   * <p>Any finite values are fine, up to ±{@link Double#MAX_VALUE}: when the pooled values reach
   * beyond ±2<sup>1021</sup>, where a difference of two of them could overflow, they are scaled by
   * 1/4 (exact) and the result by 4. The result is +∞ only when the distance itself exceeds {@code
   * Double.MAX_VALUE}, which needs values of both signs near the extremes (scipy returns ∞ or NaN
   * earlier: as soon as a gap between neighbouring values overflows).
   *
   * @param reference the reference sample (finite, at least one value)
   * @param current the current sample (finite, at least one value)
   * @return the distance, in the units of the data
   * @throws IllegalArgumentException if a sample is empty or holds a NaN or infinite value
   */
  public static double wasserstein(double[] reference, double[] current) {
    double[] x = Inputs.sortedFiniteCopy(reference, "reference", 1);
    double[] y = Inputs.sortedFiniteCopy(current, "current", 1);
    int e = scaleDown(x, y);
    return Math.scalb(cdfDistance(x, y, false), e);
  }

  /**
   * Energy distance between the empirical distributions of two samples, as scipy's {@code
   * stats.energy_distance(reference, current)}: (2E|X−Y| − E|X−X'| − E|Y−Y'|)<sup>1/2</sup> = √(2 ∫
   * (F<sub>ref</sub> − F<sub>cur</sub>)² dx).
   *
   * <p>This is the <em>distance</em> (the square root), in the square root of the data's units; it
   * is not normalised (Evidently applies its 0.1 threshold to this raw value). Cost O((n + m) log(n
   * + m)).
   *
   * <p>Finite for any finite values (at most √(4 · {@link Double#MAX_VALUE})): extreme values are
   * scaled as in {@link #wasserstein}, and the square root of the scale is exact.
   *
   * @param reference the reference sample (finite, at least one value)
   * @param current the current sample (finite, at least one value)
   * @return the energy distance
   * @throws IllegalArgumentException if a sample is empty or holds a NaN or infinite value
   */
  public static double energy(double[] reference, double[] current) {
    double[] x = Inputs.sortedFiniteCopy(reference, "reference", 1);
    double[] y = Inputs.sortedFiniteCopy(current, "current", 1);
    int e = scaleDown(x, y); // even, so that the square root of 2^e is exact
    return Math.scalb(Math.sqrt(2) * Math.sqrt(cdfDistance(x, y, true)), e / 2);
  }

  /** Largest magnitude at which no difference of two values (nor ∫|F − G|) can overflow. */
  private static final double SAFE_MAGNITUDE = 0x1p1021;

  /**
   * Scales two sorted samples in place by 2<sup>−e</sup> so that differences of their values stay
   * finite, and returns e: 0 for values within ±2<sup>1021</sup> (nothing changes), else 2. A power
   * of two scales exactly (values below 2<sup>−1020</sup> lose bits, far below the resolution of a
   * distance between values beyond 2<sup>1021</sup>).
   */
  private static int scaleDown(double[] x, double[] y) {
    double max = Math.max(Math.max(-x[0], x[x.length - 1]), Math.max(-y[0], y[y.length - 1]));
    if (max <= SAFE_MAGNITUDE) {
      return 0;
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.scalb(x[i], -2);
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.scalb(y[i], -2);
    }
    return 2;
  }

  /**
   * ∫|F − G| (squared = false) or ∫(F − G)² (squared = true) over the pooled values of two sorted
   * samples.
   */
  private static double cdfDistance(double[] x, double[] y, boolean squared) {
    final int n = x.length;
    final int m = y.length;
    final double dn = n;
    final double dm = m;
    int i = 0;
    int j = 0;
    double sum = 0;
    double compensation = 0; // Neumaier summation
    while (i < n || j < m) {
      double v = (j >= m || (i < n && x[i] <= y[j])) ? x[i] : y[j];
      while (i < n && x[i] == v) {
        i++;
      }
      while (j < m && y[j] == v) {
        j++;
      }
      if (i == n && j == m) {
        break;
      }
      double next = (j >= m || (i < n && x[i] <= y[j])) ? x[i] : y[j];
      double diff = Math.abs(i / dn - j / dm);
      double term = (squared ? diff * diff : diff) * (next - v);
      double t = sum + term;
      if (Math.abs(sum) >= Math.abs(term)) {
        compensation += (sum - t) + term;
      } else {
        compensation += (term - t) + sum;
      }
      sum = t;
    }
    return sum + compensation;
  }

  /**
   * Jensen-Shannon <em>distance</em> with natural logarithms, in [0, √ln 2 ≈ 0.8326]: scipy's
   * {@code spatial.distance.jensenshannon(p, q)} (whose default base is e) and the {@code
   * jensenshannon} drift method of Evidently and of this library. The base-2 distance (NannyML's,
   * in [0, 1]) is {@code jensenShannon(p, q, 2)}, about 1.201 times larger.
   *
   * @param p reference proportions
   * @param q current proportions
   * @return the distance, in [0, √ln 2]
   * @throws IllegalArgumentException if the vectors are not valid proportions of the same length
   * @see #jensenShannon(double[], double[], double)
   */
  public static double jensenShannon(double[] p, double[] q) {
    return jensenShannon(p, q, Math.E);
  }

  /**
   * Jensen-Shannon <em>distance</em> — the square root of the JS divergence — with logarithms in
   * the given base, as scipy's {@code spatial.distance.jensenshannon(p, q, base=logBase)}.
   *
   * <p>JSD = ½ KL(p ‖ m) + ½ KL(q ‖ m) with m = ½(p + q), and the result is √JSD. It lies in [0,
   * √(ln 2 / ln base)]: [0, 1] in base 2 (NannyML's convention), [0, 0.8326] in base e (Evidently's
   * {@code jensenshannon}, which calls scipy with {@code base=None}). Pass {@link Math#E} for
   * Evidently parity. Zero proportions need no fill (0·log 0 = 0). Symmetric; 0 for identical
   * vectors.
   *
   * @param p reference proportions
   * @param q current proportions
   * @param logBase logarithm base, finite and &gt; 1
   * @return the distance, in [0, √(ln 2 / ln logBase)]
   * @throws IllegalArgumentException if the vectors are not valid proportions of the same length or
   *     the base is not finite and &gt; 1
   */
  public static double jensenShannon(double[] p, double[] q, double logBase) {
    if (!(logBase > 1) || !Double.isFinite(logBase)) {
      throw new IllegalArgumentException("logBase = " + logBase + ": must be finite and > 1");
    }
    double[][] pq = checkedPair(p, q);
    double[] a = pq[0];
    double[] b = pq[1];
    double left = 0;
    double right = 0;
    for (int i = 0; i < a.length; i++) {
      double mid = (a[i] + b[i]) / 2.0;
      left += relativeEntropy(a[i], mid);
      right += relativeEntropy(b[i], mid);
    }
    double divergence = (left + right) / Math.log(logBase) / 2.0;
    double max = LN2 / Math.log(logBase);
    divergence = Math.min(Math.max(divergence, 0.0), max);
    return Math.sqrt(divergence);
  }

  /** scipy {@code special.rel_entr(x, y)} for x, y ≥ 0 with y > 0 whenever x > 0. */
  private static double relativeEntropy(double x, double y) {
    return x > 0 ? x * Math.log(x / y) : 0.0;
  }

  /**
   * Hellinger distance H = √(½ Σ (√p<sub>i</sub> − √q<sub>i</sub>)²), in [0, 1].
   *
   * <p>Equal to Evidently's √(1 − Σ√(p<sub>i</sub>q<sub>i</sub>)) for proportions, but computed in
   * the form that gives exactly 0 for identical vectors and keeps precision for small distances.
   * Zero proportions need no fill. Symmetric.
   *
   * @param p reference proportions
   * @param q current proportions
   * @return the distance, in [0, 1]
   * @throws IllegalArgumentException if the vectors are not valid proportions of the same length
   */
  public static double hellinger(double[] p, double[] q) {
    double[][] pq = checkedPair(p, q);
    double[] a = pq[0];
    double[] b = pq[1];
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.sqrt(a[i]) - Math.sqrt(b[i]);
      sum += d * d;
    }
    return Math.min(1.0, Math.sqrt(sum / 2));
  }

  /**
   * Population Stability Index PSI = Σ (p<sub>i</sub> − q<sub>i</sub>) · ln(p<sub>i</sub> /
   * q<sub>i</sub>), natural log, as Evidently's {@code psi} stat test.
   *
   * <p>Zero proportions get Evidently's fill (see the class documentation), so an empty bin
   * contributes a large but finite term; the filled vectors are not renormalised. Symmetric in p
   * and q (up to rounding), non-negative, 0 for identical vectors. Rule of thumb: &lt; 0.1 stable,
   * 0.1–0.25 moderate, &gt; 0.25 major shift; Evidently flags drift at ≥ 0.1.
   *
   * @param p reference proportions
   * @param q current proportions
   * @return the PSI, ≥ 0
   * @throws IllegalArgumentException if the vectors are not valid proportions of the same length
   */
  public static double psi(double[] p, double[] q) {
    double[][] pq = checkedPair(p, q);
    double[] a = fillZeros(pq[0]);
    double[] b = fillZeros(pq[1]);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * Math.log(a[i] / b[i]);
    }
    return Math.max(0.0, sum);
  }

  /**
   * Kullback-Leibler <em>divergence</em> KL(p ‖ q) = Σ p<sub>i</sub> · ln(p<sub>i</sub> /
   * q<sub>i</sub>), natural log, with p the reference — as Evidently's {@code kl_div}, which calls
   * {@code scipy.stats.entropy(reference, current)}.
   *
   * <p>Zero proportions get Evidently's fill, then each vector is divided by its sum (scipy's
   * {@code entropy} normalises), so the result is finite. Not symmetric; non-negative; 0 for
   * identical vectors.
   *
   * @param p reference proportions
   * @param q current proportions
   * @return KL(p ‖ q) in nats, ≥ 0
   * @throws IllegalArgumentException if the vectors are not valid proportions of the same length
   */
  public static double kl(double[] p, double[] q) {
    double[][] pq = checkedPair(p, q);
    double[] a = normalize(fillZeros(pq[0]));
    double[] b = normalize(fillZeros(pq[1]));
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += relativeEntropy(a[i], b[i]);
    }
    return Math.max(0.0, sum);
  }

  private static double[][] checkedPair(double[] p, double[] q) {
    Objects.requireNonNull(p, "p");
    Objects.requireNonNull(q, "q");
    Inputs.checkSameLength(p.length, q.length, "p", "q");
    return new double[][] {
      Inputs.normalizedProportions(p, "p"), Inputs.normalizedProportions(q, "q")
    };
  }

  /** Evidently's rule, applied in place to a fresh array. */
  static double[] fillZeros(double[] p) {
    double minNonZero = Double.POSITIVE_INFINITY;
    boolean hasZero = false;
    for (double v : p) {
      if (v == 0) {
        hasZero = true;
      } else if (v < minNonZero) {
        minNonZero = v;
      }
    }
    if (hasZero) {
      double fill = minNonZero <= ZERO_FILL ? minNonZero / 1e6 : ZERO_FILL;
      for (int i = 0; i < p.length; i++) {
        if (p[i] == 0) {
          p[i] = fill;
        }
      }
    }
    return p;
  }

  private static double[] normalize(double[] p) {
    double sum = 0;
    for (double v : p) {
      sum += v;
    }
    for (int i = 0; i < p.length; i++) {
      p[i] = p[i] / sum;
    }
    return p;
  }
}
