package io.github.mlops4j.monitoring.stats;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Arrays;

/**
 * Two-sample Cramér-von Mises statistic and p-values, following scipy 1.10 {@code
 * cramervonmises_2samp} (statistic: Anderson 1962, eq. 9-10; exact p-value: Xiao, Gordon &amp;
 * Yakovlev 2006; asymptotic p-value: Csörgő &amp; Faraway 1996, eq. 1.2).
 */
final class CramerVonMises {

  /** scipy: {@code method='auto'} is exact when {@code max(n, m) <= 20}. */
  static final int AUTO_EXACT_MAX_N = 20;

  /**
   * Largest n·m·lcm(n, m) for which an exact p-value is computed on request. The enumeration's cost
   * grows with that product: up to about 1 s near this limit on one core (for example 24 vs 25
   * values, or 79 vs 79); everything AUTO sends to the exact method (n, m &le; 20) is far below it.
   */
  static final long EXACT_MAX_WORK = 500_000;

  private static final long[] NO_VALUES = new long[0];
  private static final double[] NO_FREQUENCIES = new double[0];

  private CramerVonMises() {}

  /** Runs the test on sorted, finite samples of at least two values each. */
  static TestResult test(double[] x, double[] y, PValueMethod method) {
    int nx = x.length;
    int ny = y.length;
    PValueMethod used = method;
    if (method == PValueMethod.AUTO) {
      used = Math.max(nx, ny) > AUTO_EXACT_MAX_N ? PValueMethod.ASYMPTOTIC : PValueMethod.EXACT;
    } else if (method == PValueMethod.EXACT) {
      long lcm = (long) nx / StatTests.gcd(nx, ny) * ny;
      double work = (double) nx * ny * lcm;
      if (work > EXACT_MAX_WORK) {
        throw new IllegalArgumentException(
            "exact Cramér-von Mises p-value for samples of "
                + nx
                + " and "
                + ny
                + " values would cost n·m·lcm(n, m) = "
                + (long) work
                + " steps, more than "
                + EXACT_MAX_WORK
                + "; use AUTO or ASYMPTOTIC");
      }
    }
    // num = 12·k·N·T exactly, with k = nx·ny and N = nx + ny (see statistic()).
    BigInteger num = scaledStatistic(x, y);
    BigInteger k = BigInteger.valueOf(nx).multiply(BigInteger.valueOf(ny));
    long bigN = (long) nx + ny;
    double t =
        num.signum() == 0
            ? 0.0
            : new BigDecimal(num)
                .divide(
                    new BigDecimal(k.multiply(BigInteger.valueOf(12 * bigN))),
                    MathContext.DECIMAL64)
                .doubleValue();
    double p = used == PValueMethod.EXACT ? exactP(num, nx, ny) : asymptoticP(t, nx, ny);
    return new TestResult(TestResult.CRAMER_VON_MISES, t, StatTests.clampProbability(p), used);
  }

  /**
   * Returns 12·k·N·T = 3·(4U) − 2k(4k − 1), an integer: with midranks every r − i is a multiple of
   * 1/2, so 4U = nx·Σ(2(r−i))² + ny·Σ(2(s−j))² is an integer.
   */
  static BigInteger scaledStatistic(double[] x, double[] y) {
    int nx = x.length;
    int ny = y.length;
    long sxLo = 0;
    long sxHi = 0;
    long syLo = 0;
    long syHi = 0;
    int i = 0;
    int j = 0;
    long before = 0; // pooled values already ranked
    while (i < nx || j < ny) {
      double v = (j >= ny || (i < nx && x[i] <= y[j])) ? x[i] : y[j];
      int ci = 0;
      while (i + ci < nx && x[i + ci] == v) {
        ci++;
      }
      int cj = 0;
      while (j + cj < ny && y[j + cj] == v) {
        cj++;
      }
      long twoMidrank = 2 * before + ci + cj + 1; // 1-based ranks before+1 .. before+ci+cj
      for (int a = 0; a < ci; a++) {
        long dev = twoMidrank - 2L * (i + a + 1);
        long sq = dev * dev;
        long s = sxLo + sq;
        if (Long.compareUnsigned(s, sxLo) < 0) {
          sxHi++;
        }
        sxLo = s;
      }
      for (int b = 0; b < cj; b++) {
        long dev = twoMidrank - 2L * (j + b + 1);
        long sq = dev * dev;
        long s = syLo + sq;
        if (Long.compareUnsigned(s, syLo) < 0) {
          syHi++;
        }
        syLo = s;
      }
      i += ci;
      j += cj;
      before += ci + cj;
    }
    BigInteger sx = unsigned128(sxHi, sxLo);
    BigInteger sy = unsigned128(syHi, syLo);
    BigInteger u4 = sx.multiply(BigInteger.valueOf(nx)).add(sy.multiply(BigInteger.valueOf(ny)));
    BigInteger k = BigInteger.valueOf(nx).multiply(BigInteger.valueOf(ny));
    BigInteger fourKMinusOne = k.shiftLeft(2).subtract(BigInteger.ONE);
    return u4.multiply(BigInteger.valueOf(3)).subtract(k.shiftLeft(1).multiply(fourKMinusOne));
  }

  private static BigInteger unsigned128(long hi, long lo) {
    BigInteger low = BigInteger.valueOf(lo & Long.MAX_VALUE);
    if (lo < 0) {
      low = low.setBit(63);
    }
    return BigInteger.valueOf(hi).shiftLeft(64).or(low);
  }

  /**
   * Exact P(U ≥ u) by enumerating the frequency table of Xiao et al. (scipy {@code
   * _pval_cvm_2samp_exact(u, m=nx, n=ny)}).
   *
   * @param num 12·k·N·T = 2·(6U − k(4k − 1))
   */
  static double exactP(BigInteger num, int m, int n) {
    long lcm = (long) m / StatTests.gcd(m, n) * n;
    long a = lcm / m;
    long b = lcm / n;
    // zeta = floor(lcm² (m+n) (6U − mn(4mn−1)) / (6 m² n²)) = floor(lcm² (m+n) num / (12 m² n²))
    BigInteger mn = BigInteger.valueOf((long) m * n);
    BigInteger numerator =
        BigInteger.valueOf(lcm).pow(2).multiply(BigInteger.valueOf((long) m + n)).multiply(num);
    BigInteger denominator = mn.pow(2).multiply(BigInteger.valueOf(12));
    BigInteger[] qr = numerator.divideAndRemainder(denominator);
    BigInteger zeta = qr[0];
    if (qr[1].signum() < 0) {
      zeta = zeta.subtract(BigInteger.ONE); // floor, not truncation
    }
    if (zeta.signum() <= 0) {
      return 1.0; // every path has a non-negative value
    }
    if (zeta.bitLength() > 62) {
      return 0.0;
    }
    long threshold = zeta.longValueExact();

    // gs[v]: sorted distinct values with their path counts, for the current row u.
    long[][] values = new long[m + 1][];
    double[][] counts = new double[m + 1][];
    Arrays.fill(values, NO_VALUES);
    Arrays.fill(counts, NO_FREQUENCIES);
    values[0] = new long[] {0};
    counts[0] = new double[] {1};
    long[] mergedValues = new long[0];
    double[] mergedCounts = new double[0];
    for (int u = 0; u <= n; u++) {
      long[] prevValues = NO_VALUES;
      double[] prevCounts = NO_FREQUENCIES;
      for (int v = 0; v <= m; v++) {
        long[] upValues = values[v];
        double[] upCounts = counts[v];
        int capacity = prevValues.length + upValues.length;
        if (mergedValues.length < capacity) {
          mergedValues = new long[capacity];
          mergedCounts = new double[capacity];
        }
        long diff = a * v - b * u;
        long shift = diff * diff;
        int size =
            mergeShifted(
                prevValues, prevCounts, upValues, upCounts, shift, mergedValues, mergedCounts);
        prevValues = Arrays.copyOf(mergedValues, size);
        prevCounts = Arrays.copyOf(mergedCounts, size);
        values[v] = prevValues;
        counts[v] = prevCounts;
      }
    }
    long[] finalValues = values[m];
    double[] finalCounts = counts[m];
    double tail = 0;
    double total = 0;
    for (int idx = 0; idx < finalValues.length; idx++) {
      total += finalCounts[idx];
      if (finalValues[idx] >= threshold) {
        tail += finalCounts[idx];
      }
    }
    return tail / total; // total = C(m+n, m)
  }

  /** Merges two sorted (value, count) tables, adding counts of equal values, then adds shift. */
  private static int mergeShifted(
      long[] av, double[] ac, long[] bv, double[] bc, long shift, long[] outV, double[] outC) {
    int i = 0;
    int j = 0;
    int o = 0;
    while (i < av.length && j < bv.length) {
      if (av[i] < bv[j]) {
        outV[o] = av[i] + shift;
        outC[o++] = ac[i++];
      } else if (bv[j] < av[i]) {
        outV[o] = bv[j] + shift;
        outC[o++] = bc[j++];
      } else {
        outV[o] = av[i] + shift;
        outC[o++] = ac[i++] + bc[j++];
      }
    }
    while (i < av.length) {
      outV[o] = av[i] + shift;
      outC[o++] = ac[i++];
    }
    while (j < bv.length) {
      outV[o] = bv[j] + shift;
      outC[o++] = bc[j++];
    }
    return o;
  }

  /** scipy: standardise T with its mean and variance (Anderson 1962, eq. 11, 14, 15). */
  static double asymptoticP(double t, int nx, int ny) {
    double bigN = (double) nx + ny;
    double k = (double) nx * ny;
    double et = (1 + 1 / bigN) / 6;
    double vt =
        (bigN + 1)
            * (4 * k * bigN - 3 * ((double) nx * nx + (double) ny * ny) - 2 * k)
            / (45 * bigN * bigN * 4 * k);
    double tn = 1.0 / 6 + (t - et) / Math.sqrt(45 * vt);
    if (tn < 0.003) {
      return 1.0; // cdf < 1.3e-18 there
    }
    return Math.max(0, 1 - limitingCdf(tn));
  }

  /**
   * CDF of the limiting (one-sample) Cramér-von Mises distribution, Csörgő &amp; Faraway (1996) eq.
   * 1.2, summed until a term is below 1e-7 exactly as scipy's {@code _cdf_cvm_inf}.
   */
  static double limitingCdf(double x) {
    double total = 0;
    double gammaRatio = Math.sqrt(Math.PI); // Γ(k + 1/2) / Γ(k + 1) at k = 0
    double scale = Math.pow(Math.PI, 1.5) * Math.sqrt(x);
    for (int k = 0; k < 10_000; k++) {
      if (k > 0) {
        gammaRatio *= (k - 0.5) / k;
      }
      double y = 4.0 * k + 1;
      double q = y * y / (16 * x);
      double term = gammaRatio / scale * Math.sqrt(y) * expTimesBesselK(0.25, q);
      total += term;
      if (Math.abs(term) < 1e-7) {
        break;
      }
    }
    return total;
  }

  /**
   * e<sup>−q</sup> K<sub>ν</sub>(q) = ∫<sub>0</sub><sup>∞</sup> exp(−q(1 + cosh s)) cosh(νs) ds, by
   * the trapezoidal rule, which converges geometrically for this analytic, doubly exponentially
   * decaying integrand (error about exp(−π²/h) for step h).
   */
  static double expTimesBesselK(double nu, double q) {
    if (q > 750) {
      return 0.0; // below the smallest double
    }
    double h = Math.min(0.05, 0.25 / Math.sqrt(q));
    double sum = 0.5 * Math.exp(-2 * q);
    for (int j = 1; j < 1_000_000; j++) {
      double s = j * h;
      double f = Math.exp(-q * (1 + Math.cosh(s))) * Math.cosh(nu * s);
      sum += f;
      if (f <= 1e-18 * sum) {
        break;
      }
    }
    return sum * h;
  }
}
