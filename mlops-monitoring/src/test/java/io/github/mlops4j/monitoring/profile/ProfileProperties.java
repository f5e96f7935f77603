package io.github.mlops4j.monitoring.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;

/**
 * Merge laws of profiles (QuickTheories, fixed seed; KLL's coin flips reseeded per example so a
 * failure reproduces).
 */
class ProfileProperties {
  private static final long SEED = 20_251_125L;

  private static QuickTheory theory(int examples) {
    return qt().withFixedSeed(SEED).withExamples(examples);
  }

  private static final ProfileSchema NUMERIC = ProfileSchema.builder().numeric("x").build();
  private static final double[] PROBES = {
    0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999
  };

  /** Data of a generated size and shape: normal, heavy-tailed or heavily tied, some NaN. */
  private static double[] data(long seed, int n, int shape) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double g = ProfileSamples.gaussian(r);
      out[i] =
          switch (shape) {
            case 0 -> 10 + 3 * g;
            case 1 -> Math.exp(2 * g); // log-normal, heavy right tail
            default -> Math.floor(4 * r.nextDouble()); // 4 tied values
          };
      if (r.nextInt(50) == 0) {
        out[i] = Double.NaN;
      }
    }
    return out;
  }

  @Test
  void mergeEqualsTheProfileOfTheConcatenation() {
    theory(60)
        .forAll(
            longs().all(),
            integers().between(0, 3_000),
            integers().between(0, 3_000),
            integers().between(0, 2))
        .checkAssert(
            (seed, na, nb, shape) -> {
              KllSketchRandom.seed(seed);
              double[] a = data(seed, na, shape);
              double[] b = data(seed + 1, nb, shape);
              Profile merged =
                  ProfileSamples.numericProfile(NUMERIC, a)
                      .merge(ProfileSamples.numericProfile(NUMERIC, b));
              double[] all = ProfileSamples.concat(a, b);
              ProfileColumn m = merged.column("x");

              double[] finite = Arrays.stream(all).filter(Double::isFinite).sorted().toArray();
              assertThat(merged.rows()).isEqualTo(all.length);
              assertThat(m.count()).isEqualTo(all.length);
              assertThat(m.missing()).isEqualTo(all.length - finite.length);
              if (finite.length == 0) {
                assertThat(m.mean()).isNaN();
                return;
              }
              double mean = Arrays.stream(finite).sum() / finite.length;
              double ss = 0;
              for (double v : finite) {
                ss += (v - mean) * (v - mean);
              }
              double scale = Math.max(1.0, Math.abs(mean));
              assertThat(m.min()).isEqualTo(finite[0]);
              assertThat(m.max()).isEqualTo(finite[finite.length - 1]);
              assertThat(m.mean()).isCloseTo(mean, within(1e-12 * scale));
              assertThat(m.variance())
                  .isCloseTo(ss / finite.length, within(1e-9 * Math.max(1.0, ss / finite.length)));
              // the sketch of the merge answers rank queries within its error bound
              double eps = m.rankError();
              for (double probe : PROBES) {
                double x = finite[(int) Math.min(finite.length - 1, probe * finite.length)];
                // the exact rank by its definition: the fraction of values at or below x
                double exactRank =
                    (double) Arrays.stream(finite).filter(v -> v <= x).count() / finite.length;
                assertThat(Math.abs(m.rank(x) - exactRank))
                    .as("rank of %s (n=%s, eps=%s)", x, finite.length, eps)
                    .isLessThanOrEqualTo(eps + 1e-12);
              }
            });
  }

  @Test
  void mergeIsCommutativeAndAssociativeInTheExactFields() {
    theory(40)
        .forAll(
            longs().all(),
            integers().between(1, 800),
            integers().between(1, 800),
            integers().between(1, 800))
        .checkAssert(
            (seed, na, nb, nc) -> {
              Profile a = ProfileSamples.numericProfile(NUMERIC, data(seed, na, 0));
              Profile b = ProfileSamples.numericProfile(NUMERIC, data(seed + 1, nb, 1));
              Profile c = ProfileSamples.numericProfile(NUMERIC, data(seed + 2, nc, 2));
              ProfileColumn left = a.merge(b).merge(c).column("x");
              ProfileColumn right = c.merge(b.merge(a)).column("x");
              assertThat(left.count()).isEqualTo(right.count());
              assertThat(left.missing()).isEqualTo(right.missing());
              assertThat(left.min()).isEqualTo(right.min());
              assertThat(left.max()).isEqualTo(right.max());
              assertThat(left.mean()).isCloseTo(right.mean(), within(1e-9 * Math.abs(left.mean())));
              assertThat(left.variance())
                  .isCloseTo(right.variance(), within(1e-9 * left.variance()));
            });
  }

  @Test
  void exactCategoryCountsMergeExactly() {
    ProfileSchema schema = ProfileSchema.builder().categorical("c").exactCategoryLimit(64).build();
    theory(100)
        .forAll(
            longs().all(),
            integers().between(0, 400),
            integers().between(0, 400),
            integers().between(1, 40))
        .checkAssert(
            (seed, na, nb, k) -> {
              SplittableRandom r = new SplittableRandom(seed);
              ProfileAccumulator a = ProfileAccumulator.create(schema);
              ProfileAccumulator b = ProfileAccumulator.create(schema);
              ProfileAccumulator all = ProfileAccumulator.create(schema);
              for (int i = 0; i < na + nb; i++) {
                String[] v = {r.nextInt(10) == 0 ? null : "c" + r.nextInt(k)};
                (i < na ? a : b).update(new double[0], v);
                all.update(new double[0], v);
              }
              ProfileColumn merged = a.take().merge(b.take()).column("c");
              ProfileColumn whole = all.take().column("c");
              assertThat(merged.isExact()).isTrue();
              assertThat(merged.categoryCounts()).isEqualTo(whole.categoryCounts());
              assertThat(merged.missing()).isEqualTo(whole.missing());
              assertThat(merged.count()).isEqualTo(whole.count());
            });
  }
}
