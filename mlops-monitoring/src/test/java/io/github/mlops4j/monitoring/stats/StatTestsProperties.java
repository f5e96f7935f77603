package io.github.mlops4j.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Property tests for {@link StatTests} and {@link Distances} (QuickTheories, fixed seed). */
class StatTestsProperties {

  private static final long SEED = 20_240_601L;
  private static final int EXAMPLES = 250;

  private static QuickTheory theory() {
    return qt().withFixedSeed(SEED).withExamples(EXAMPLES);
  }

  /** Continuous samples, or small integers so that ties are common. */
  private static Gen<double[]> samples() {
    Gen<double[]> continuous =
        lists()
            .of(doubles().between(-100, 100))
            .ofSizeBetween(1, 60)
            .map(StatTestsProperties::toArray);
    Gen<double[]> tied =
        lists()
            .of(integers().between(-6, 6).map(Integer::doubleValue))
            .ofSizeBetween(1, 60)
            .map(StatTestsProperties::toArray);
    return Generate.oneOf(continuous, tied);
  }

  /**
   * Integer-valued samples: the monotone transforms below map distinct values to distinct doubles.
   */
  private static Gen<double[]> integerSamples() {
    return lists()
        .of(integers().between(-40, 40).map(Integer::doubleValue))
        .ofSizeBetween(1, 60)
        .map(StatTestsProperties::toArray);
  }

  /** Two proportion vectors over the same 1..12 categories, zeros included. */
  private static Gen<double[][]> proportionPairs() {
    return lists()
        .of(integers().between(0, 30))
        .ofSizeBetween(2, 24)
        .map(
            counts -> {
              int k = counts.size() / 2;
              long[] a = new long[k];
              long[] b = new long[k];
              for (int i = 0; i < k; i++) {
                a[i] = counts.get(i);
                b[i] = counts.get(k + i);
              }
              if (java.util.Arrays.stream(a).sum() == 0) {
                a[0] = 1;
              }
              if (java.util.Arrays.stream(b).sum() == 0) {
                b[k - 1] = 1;
              }
              return new double[][] {Distances.proportions(a), Distances.proportions(b)};
            });
  }

  private static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static double[] map(double[] values, DoubleUnaryOperator f) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(values[i]);
    }
    return out;
  }

  // ---------------------------------------------------------------- KS

  @Test
  void ksStatisticIsSymmetricAndInUnitInterval() {
    theory()
        .forAll(samples(), samples())
        .checkAssert(
            (a, b) -> {
              TestResult ab = StatTests.ks(a, b);
              TestResult ba = StatTests.ks(b, a);
              assertThat(ab.statistic()).isEqualTo(ba.statistic()).isBetween(0.0, 1.0);
              assertThat(ab.pValue()).isCloseTo(ba.pValue(), within(1e-12)).isBetween(0.0, 1.0);
            });
  }

  @Test
  void ksIsInvariantUnderAMonotoneTransformOfBothSamples() {
    List<DoubleUnaryOperator> transforms =
        List.of(x -> x * x * x + x, x -> Math.exp(x / 7), x -> -1 / (x + 100), x -> 3 * x - 11);
    theory()
        .forAll(integerSamples(), integerSamples(), integers().between(0, transforms.size() - 1))
        .checkAssert(
            (a, b, t) -> {
              DoubleUnaryOperator f = transforms.get(t);
              assertThat(StatTests.ks(map(a, f), map(b, f))).isEqualTo(StatTests.ks(a, b));
            });
  }

  @Test
  void identicalSamplesGiveZeroStatisticAndPValueOne() {
    theory()
        .forAll(samples())
        .checkAssert(
            a -> {
              TestResult ks = StatTests.ks(a, a.clone());
              assertThat(ks.statistic()).isZero();
              assertThat(ks.pValue()).isEqualTo(1.0);
              if (a.length >= 2) {
                TestResult cvm = StatTests.cramerVonMises(a, a.clone());
                assertThat(cvm.statistic()).isZero();
                assertThat(cvm.pValue()).isEqualTo(1.0);
              }
              assertThat(Distances.wasserstein(a, a.clone())).isZero();
              assertThat(Distances.energy(a, a.clone())).isZero();
            });
  }

  // ---------------------------------------------------------------- Cramér-von Mises

  @Test
  void cramerVonMisesIsSymmetricWithAValidPValue() {
    theory()
        .forAll(samples(), samples())
        .assuming((a, b) -> a.length >= 2 && b.length >= 2)
        .checkAssert(
            (a, b) -> {
              TestResult ab = StatTests.cramerVonMises(a, b);
              TestResult ba = StatTests.cramerVonMises(b, a);
              assertThat(ab.statistic()).isEqualTo(ba.statistic());
              assertThat(ab.pValue()).isCloseTo(ba.pValue(), within(1e-12)).isBetween(0.0, 1.0);
            });
  }

  // ---------------------------------------------------------------- sample distances

  @Test
  void sampleDistancesAreSymmetricAndNonNegative() {
    theory()
        .forAll(samples(), samples())
        .checkAssert(
            (a, b) -> {
              double w = Distances.wasserstein(a, b);
              double e = Distances.energy(a, b);
              assertThat(w).isGreaterThanOrEqualTo(0.0).isEqualTo(Distances.wasserstein(b, a));
              assertThat(e).isGreaterThanOrEqualTo(0.0).isEqualTo(Distances.energy(b, a));
            });
  }

  // ---------------------------------------------------------------- binned measures

  @Test
  void binnedMeasuresAreBoundedAndSymmetricWhereTheyShouldBe() {
    theory()
        .forAll(proportionPairs())
        .checkAssert(
            pq -> {
              double[] p = pq[0];
              double[] q = pq[1];
              double js = Distances.jensenShannon(p, q);
              assertThat(js).isBetween(0.0, 1.0).isEqualTo(Distances.jensenShannon(q, p));
              double h = Distances.hellinger(p, q);
              assertThat(h).isBetween(0.0, 1.0).isEqualTo(Distances.hellinger(q, p));
              double psi = Distances.psi(p, q);
              assertThat(psi)
                  .isGreaterThanOrEqualTo(0.0)
                  .isCloseTo(Distances.psi(q, p), within(1e-12 * (1 + psi)));
              assertThat(Distances.kl(p, q)).isGreaterThanOrEqualTo(0.0);
              assertThat(Distances.kl(q, p)).isGreaterThanOrEqualTo(0.0);
            });
  }

  @Test
  void binnedMeasuresOfIdenticalProportionsAreZero() {
    theory()
        .forAll(proportionPairs())
        .checkAssert(
            pq -> {
              double[] p = pq[0];
              assertThat(Distances.jensenShannon(p, p.clone())).isZero();
              assertThat(Distances.jensenShannon(p, p.clone(), Math.E)).isZero();
              assertThat(Distances.hellinger(p, p.clone())).isZero();
              assertThat(Distances.psi(p, p.clone())).isZero();
              assertThat(Distances.kl(p, p.clone())).isZero();
            });
  }

  @Test
  void klIsNotSymmetric() {
    double[] p = {0.25, 0.25, 0.5, 0.0};
    double[] q = {0.2, 0.3, 0.3, 0.2};
    assertThat(Distances.kl(p, q)).isNotCloseTo(Distances.kl(q, p), within(0.5));
    assertThat(Distances.psi(p, q)).isCloseTo(Distances.psi(q, p), within(1e-12));
  }

  // ---------------------------------------------------------------- categorical tests

  @Test
  void categoricalTestsAreDefinedForAnyValidCounts() {
    theory()
        .forAll(lists().of(integers().between(0, 40)).ofSizeBetween(2, 20))
        .checkAssert(
            counts -> {
              int k = counts.size() / 2;
              long[] a = new long[k];
              long[] b = new long[k];
              for (int i = 0; i < k; i++) {
                a[i] = counts.get(i);
                b[i] = counts.get(k + i);
              }
              if (java.util.Arrays.stream(a).sum() == 0 || java.util.Arrays.stream(b).sum() == 0) {
                return;
              }
              TestResult hom = StatTests.chiSquareHomogeneity(a, b);
              TestResult swapped = StatTests.chiSquareHomogeneity(b, a);
              assertThat(hom.statistic())
                  .isGreaterThanOrEqualTo(0.0)
                  .isCloseTo(swapped.statistic(), within(1e-9 * (1 + hom.statistic())));
              assertThat(hom.pValue()).isBetween(0.0, 1.0);
              TestResult gof = StatTests.chiSquare(a, b);
              assertThat(gof.statistic()).isGreaterThanOrEqualTo(0.0);
              assertThat(gof.pValue()).isBetween(0.0, 1.0);
              assertThat(StatTests.chiSquare(a, a.clone()).pValue()).isEqualTo(1.0);
              assertThat(StatTests.chiSquareHomogeneity(a, a.clone()).pValue()).isEqualTo(1.0);
            });
  }

  @Test
  void zTestIsAntisymmetric() {
    theory()
        .forAll(
            integers().between(1, 500),
            integers().between(1, 500),
            integers().between(0, 1000),
            integers().between(0, 1000))
        .checkAssert(
            (n1, n2, s1, s2) -> {
              long x1 = s1 % (n1 + 1);
              long x2 = s2 % (n2 + 1);
              TestResult ab = StatTests.zTestProportions(x1, n1, x2, n2);
              TestResult ba = StatTests.zTestProportions(x2, n2, x1, n1);
              assertThat(ab.statistic()).isEqualTo(-ba.statistic());
              assertThat(ab.pValue()).isEqualTo(ba.pValue()).isBetween(0.0, 1.0);
            });
  }
}
