package io.github.mlops4j.monitoring.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.mlops4j.monitoring.drift.ColumnDrift;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Profile drift against the same measures on the raw data (QuickTheories, fixed seed): every sketch
 * score lies within its reported error bound of the raw score.
 */
class ProfileDriftProperties {
  private static final long SEED = 20_251_126L;
  private static final ProfileSchema X = ProfileSchema.builder().numeric("x").build();
  private static final ProfileDrift DRIFT = ProfileDrift.defaults();

  private static double[] data(long seed, int n, int shape, double shift, double scale) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double g = ProfileSamples.gaussian(r);
      double v =
          switch (shape) {
            case 0 -> g;
            case 1 -> Math.exp(g); // skewed
            case 2 -> r.nextDouble(); // uniform
            default -> Math.floor(6 * r.nextDouble()); // 6 tied values
          };
      out[i] = shift + scale * v;
    }
    return out;
  }

  @Test
  void sketchScoresAreWithinTheirBoundOfTheRawScores() {
    double[] worst = new double[3];
    qt().withFixedSeed(SEED)
        .withExamples(30)
        .forAll(
            longs().all(),
            integers().between(300, 20_000),
            integers().between(0, 3),
            doubles().between(0, 1.5))
        .checkAssert(
            (seed, n, shape, shift) -> {
              KllSketchRandom.seed(seed);
              double[] ref = data(seed, n, shape, 0, 1);
              double[] cur = data(seed + 1, n * 3 / 4 + 10, shape, shift, 1 + shift / 3);
              Profile rp = ProfileSamples.numericProfile(X, ref);
              Profile cp = ProfileSamples.numericProfile(X, cur);
              ProfileDriftMethod[] methods = {
                ProfileDriftMethod.WASSERSTEIN_NORMED,
                ProfileDriftMethod.PSI,
                ProfileDriftMethod.JENSEN_SHANNON
              };
              for (int m = 0; m < methods.length; m++) {
                ColumnDrift d = DRIFT.compareColumn(rp, cp, "x", methods[m]);
                double exact = ProfileDriftTest.exact(methods[m], rp, ref, cur);
                double error = Math.abs(d.score() - exact);
                assertThat(error)
                    .as(
                        "%s n=%s shape=%s shift=%s: sketch %s raw %s bound %s",
                        methods[m].id(), n, shape, shift, d.score(), exact, d.errorBound())
                    .isLessThanOrEqualTo(d.errorBound() + 1e-12);
                if (d.errorBound() > 0) {
                  worst[m] = Math.max(worst[m], error / d.errorBound());
                }
              }
            });
    System.out.printf(
        "largest |sketch - raw| / bound: wasserstein_normed %.3f, psi %.3f,"
            + " jensenshannon %.3f%n",
        worst[0], worst[1], worst[2]);
  }

  @Test
  void binIntervalsContainEveryTermSumInTheBox() {
    qt().withFixedSeed(SEED)
        .withExamples(300)
        .forAll(longs().all(), integers().between(2, 12), doubles().between(0, 0.05))
        .checkAssert(
            (seed, bins, delta) -> {
              SplittableRandom r = new SplittableRandom(seed);
              double[] p = simplex(r, bins);
              double[] q = simplex(r, bins);
              double[] dp = SketchBins.constant(bins, delta);
              double[] dq = SketchBins.constant(bins, delta);
              SketchBins.Term js = SketchBins.jensenShannon(2);
              double[] jsBox = SketchBins.interval(p, q, dp, dq, 0, 0, js);
              double fp = SketchBins.ZERO_FILL;
              double[] pf = floor(p, fp);
              double[] qf = floor(q, fp);
              double[] psiBox = SketchBins.interval(pf, qf, dp, dq, fp, fp, SketchBins.PSI);
              for (int t = 0; t < 20; t++) {
                double[] p2 = perturb(r, p, delta, 0);
                double[] q2 = perturb(r, q, delta, 0);
                double jsValue = SketchBins.sum(p2, q2, js);
                assertThat(jsValue).isBetween(jsBox[0] - 1e-12, jsBox[1] + 1e-12);
                double psiValue =
                    SketchBins.sum(
                        perturb(r, pf, delta, fp), perturb(r, qf, delta, fp), SketchBins.PSI);
                assertThat(psiValue).isBetween(psiBox[0] - 1e-12, psiBox[1] + 1e-12);
              }
            });
  }

  private static double[] simplex(SplittableRandom r, int k) {
    double[] p = new double[k];
    double s = 0;
    for (int i = 0; i < k; i++) {
      p[i] = r.nextInt(4) == 0 ? 0 : r.nextDouble();
      s += p[i];
    }
    if (s == 0) {
      p[0] = s = 1;
    }
    for (int i = 0; i < k; i++) {
      p[i] /= s;
    }
    return p;
  }

  private static double[] floor(double[] p, double f) {
    double[] out = p.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(out[i], f);
    }
    return out;
  }

  /** Moves each entry by at most delta, staying in [floor, 1]. */
  private static double[] perturb(SplittableRandom r, double[] p, double delta, double floor) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double v = p[i] + (2 * r.nextDouble() - 1) * delta;
      if (r.nextInt(5) == 0) {
        v = p[i] + (r.nextBoolean() ? delta : -delta); // the corners too
      }
      out[i] = Math.min(1, Math.max(floor, v));
    }
    return out;
  }
}
