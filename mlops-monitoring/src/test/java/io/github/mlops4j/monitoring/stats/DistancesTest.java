package io.github.mlops4j.monitoring.stats;

import static io.github.mlops4j.monitoring.stats.ReferenceData.assertStatistic;
import static io.github.mlops4j.monitoring.stats.ReferenceData.integers;
import static io.github.mlops4j.monitoring.stats.ReferenceData.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@link Distances} against scipy 1.10.1 / numpy 1.24.2 (Debian bookworm, {@code
 * /usr/bin/python3}). PSI has no scipy function: it is Evidently's formula computed by hand in
 * numpy, after Evidently's zero fill ({@code get_binned_data(feel_zeroes=True)}), written out in
 * each comment.
 */
class DistancesTest {

  private static final double[] P1 = {0.1, 0.2, 0.3, 0.4};
  private static final double[] Q1 = {0.4, 0.3, 0.2, 0.1};
  private static final double[] P2 = {0.25, 0.25, 0.5, 0.0};
  private static final double[] Q2 = {0.2, 0.3, 0.3, 0.2};
  private static final double[] P3 = {0.99995, 0.00005, 0.0};
  private static final double[] Q3 = {0.5, 0.25, 0.25};
  private static final double[] P4 = {0.5, 0.5, 0.0, 0.0};
  private static final double[] Q4 = {0.0, 0.0, 0.5, 0.5};
  private static final double[] P5 = {30 / 100.0, 20 / 100.0, 50 / 100.0};
  private static final double[] Q5 = {25 / 100.0, 30 / 100.0, 45 / 100.0};

  // ---------------------------------------------------------------- sample distances

  @Test
  void wassersteinAndEnergyOnContinuousSamples() {
    double[] a = normal(51, 50);
    double[] b = normal(52, 70, 0.5, 2.0);
    // scipy 1.10.1: stats.wasserstein_distance(normal(51, 50), normal(52, 70, 0.5, 2.0)) ->
    // 0.8015398795134693
    assertStatistic(Distances.wasserstein(a, b), 0.8015398795134693);
    // scipy 1.10.1: stats.energy_distance(normal(51, 50), normal(52, 70, 0.5, 2.0)) ->
    // 0.41534540067952197
    assertStatistic(Distances.energy(a, b), 0.41534540067952197);
  }

  @Test
  void wassersteinAndEnergyWithTies() {
    double[] a = integers(53, 100, 6);
    double[] b = integers(54, 80, 6);
    // scipy 1.10.1: stats.wasserstein_distance(integers(53, 100, 6), integers(54, 80, 6)) ->
    // 0.27000000000000013
    assertStatistic(Distances.wasserstein(a, b), 0.27000000000000013);
    // scipy 1.10.1: stats.energy_distance(integers(53, 100, 6), integers(54, 80, 6)) ->
    // 0.1857417562100672
    assertStatistic(Distances.energy(a, b), 0.1857417562100672);
  }

  @Test
  void wassersteinAndEnergyOnMediumSamples() {
    double[] a = normal(55, 5000);
    double[] b = normal(56, 4000, 0.1, 1.0);
    // scipy 1.10.1: stats.wasserstein_distance(normal(55, 5000), normal(56, 4000, 0.1, 1.0)) ->
    // 0.09366237010250313
    assertStatistic(Distances.wasserstein(a, b), 0.09366237010250313);
    // scipy 1.10.1: stats.energy_distance(normal(55, 5000), normal(56, 4000, 0.1, 1.0)) ->
    // 0.06727195088198783
    assertStatistic(Distances.energy(a, b), 0.06727195088198783);
  }

  @Test
  void wassersteinAndEnergyOnTinySamples() {
    // scipy 1.10.1: stats.wasserstein_distance([1.0], [4.0]) -> 3.0
    assertStatistic(Distances.wasserstein(new double[] {1}, new double[] {4}), 3.0);
    // scipy 1.10.1: stats.energy_distance([1.0], [4.0]) -> 2.4494897427831783
    assertStatistic(Distances.energy(new double[] {1}, new double[] {4}), 2.4494897427831783);
    // scipy 1.10.1: stats.wasserstein_distance([0.0, 1.0, 3.0], [5.0, 6.0, 8.0]) -> 5.0
    assertStatistic(Distances.wasserstein(new double[] {0, 1, 3}, new double[] {5, 6, 8}), 5.0);
    // scipy 1.10.1: stats.energy_distance([0.0, 1.0, 3.0], [5.0, 6.0, 8.0]) -> 2.7080128015453204
    assertStatistic(
        Distances.energy(new double[] {0, 1, 3}, new double[] {5, 6, 8}), 2.7080128015453204);
  }

  @Test
  void sampleDistancesOfIdenticalAndConstantSamplesAreZero() {
    double[] a = normal(57, 300);
    assertThat(Distances.wasserstein(a, a.clone())).isZero();
    assertThat(Distances.energy(a, a.clone())).isZero();
    assertThat(Distances.wasserstein(new double[] {2, 2, 2}, new double[] {2, 2})).isZero();
    assertThat(Distances.energy(new double[] {2, 2, 2}, new double[] {2, 2})).isZero();
  }

  @Test
  void wassersteinIsInDataUnitsNotNormalised() {
    double[] a = normal(58, 400);
    double[] shifted = a.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += 3.0;
    }
    assertThat(Distances.wasserstein(a, shifted))
        .isCloseTo(3.0, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void sampleDistancesRejectBadInput() {
    assertThatThrownBy(() -> Distances.wasserstein(new double[0], new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference has 0 values");
    assertThatThrownBy(() -> Distances.energy(new double[] {1, 2, Double.NaN}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference[2] = NaN");
  }

  // ---------------------------------------------------------------- binned measures

  @Test
  void jensenShannonDistance() {
    // scipy 1.10.1: spatial.distance.jensenshannon(p, q, base=2) -> 0.39186816064715513;
    // jensenshannon(p, q) (natural log) -> 0.3262516441126745
    // with p = [0.1, 0.2, 0.3, 0.4], q = [0.4, 0.3, 0.2, 0.1]
    assertStatistic(Distances.jensenShannon(P1, Q1, 2.0), 0.39186816064715513);
    assertStatistic(Distances.jensenShannon(P1, Q1, Math.E), 0.3262516441126745);
    // p = [0.25, 0.25, 0.5, 0.0], q = [0.2, 0.3, 0.3, 0.2]
    // scipy 1.10.1: spatial.distance.jensenshannon(p, q, base=2) -> 0.3491074006810096;
    // jensenshannon(p, q) (natural log) -> 0.2906509762262525
    assertStatistic(Distances.jensenShannon(P2, Q2, 2.0), 0.3491074006810096);
    assertStatistic(Distances.jensenShannon(P2, Q2, Math.E), 0.2906509762262525);
    // p = [0.99995, 5e-05, 0.0], q = [0.5, 0.25, 0.25]
    // scipy 1.10.1: spatial.distance.jensenshannon(p, q, base=2) -> 0.5576284471134991;
    // jensenshannon(p, q) (natural log) -> 0.4642561349570501
    assertStatistic(Distances.jensenShannon(P3, Q3, 2.0), 0.5576284471134991);
    assertStatistic(Distances.jensenShannon(P3, Q3, Math.E), 0.4642561349570501);
    // p = [0.5, 0.5, 0.0, 0.0], q = [0.0, 0.0, 0.5, 0.5]
    // scipy 1.10.1: spatial.distance.jensenshannon(p, q, base=2) -> 1.0; jensenshannon(p, q)
    // (natural log) -> 0.8325546111576977
    assertStatistic(Distances.jensenShannon(P4, Q4, 2.0), 1.0);
    assertStatistic(Distances.jensenShannon(P4, Q4, Math.E), 0.8325546111576977);
    // p = [0.3, 0.2, 0.5], q = [0.25, 0.3, 0.45]
    // scipy 1.10.1: spatial.distance.jensenshannon(p, q, base=2) -> 0.09926541890722848;
    // jensenshannon(p, q) (natural log) -> 0.08264388223971358
    assertStatistic(Distances.jensenShannon(P5, Q5, 2.0), 0.09926541890722848);
    assertStatistic(Distances.jensenShannon(P5, Q5, Math.E), 0.08264388223971358);
    // the two-argument form is scipy's default, the natural log (the jensenshannon method)
    assertThat(Distances.jensenShannon(P1, Q1)).isEqualTo(Distances.jensenShannon(P1, Q1, Math.E));
    assertStatistic(Distances.jensenShannon(P3, Q3), 0.4642561349570501);
  }

  @Test
  void hellingerDistance() {
    // numpy 1.24.2: Hellinger sqrt(0.5*sum((sqrt(p)-sqrt(q))**2)) -> 0.3318162917087773; Evidently
    // form sqrt(1-clip(sum(sqrt(p*q)),0,1)) -> 0.3318162917087773
    assertStatistic(Distances.hellinger(P1, Q1), 0.3318162917087773);
    // numpy 1.24.2: Hellinger sqrt(0.5*sum((sqrt(p)-sqrt(q))**2)) -> 0.33946073245177605; Evidently
    // form sqrt(1-clip(sum(sqrt(p*q)),0,1)) -> 0.3394607324517761
    assertStatistic(Distances.hellinger(P2, Q2), 0.33946073245177605);
    // numpy 1.24.2: Hellinger sqrt(0.5*sum((sqrt(p)-sqrt(q))**2)) -> 0.5379362069967273; Evidently
    // form sqrt(1-clip(sum(sqrt(p*q)),0,1)) -> 0.5379362069967273
    assertStatistic(Distances.hellinger(P3, Q3), 0.5379362069967273);
    // numpy 1.24.2: Hellinger sqrt(0.5*sum((sqrt(p)-sqrt(q))**2)) -> 1.0; Evidently form
    // sqrt(1-clip(sum(sqrt(p*q)),0,1)) -> 1.0
    assertStatistic(Distances.hellinger(P4, Q4), 1.0);
    // numpy 1.24.2: Hellinger sqrt(0.5*sum((sqrt(p)-sqrt(q))**2)) -> 0.08275323524698132; Evidently
    // form sqrt(1-clip(sum(sqrt(p*q)),0,1)) -> 0.08275323524698128
    assertStatistic(Distances.hellinger(P5, Q5), 0.08275323524698132);
  }

  @Test
  void psiWithEvidentlyZeroFill() {
    // numpy 1.24.2: PSI = sum((pf-qf)*log(pf/qf)) with Evidently fill (get_binned_data) pf=[0.1,
    // 0.2, 0.3, 0.4], qf=[0.4, 0.3, 0.2, 0.1] -> 0.9128696382935673
    assertStatistic(Distances.psi(P1, Q1), 0.9128696382935673);
    // numpy 1.24.2: PSI = sum((pf-qf)*log(pf/qf)) with Evidently fill (get_binned_data) pf=[0.25,
    // 0.25, 0.5, 0.0001], qf=[0.2, 0.3, 0.3, 0.2] -> 1.6418587818210688
    assertStatistic(Distances.psi(P2, Q2), 1.6418587818210688);
    // numpy 1.24.2: PSI = sum((pf-qf)*log(pf/qf)) with Evidently fill (get_binned_data)
    // pf=[0.99995, 5e-05, 5e-11], qf=[0.5, 0.25, 0.25] -> 8.058562309218967
    assertStatistic(Distances.psi(P3, Q3), 8.058562309218967);
    // numpy 1.24.2: PSI = sum((pf-qf)*log(pf/qf)) with Evidently fill (get_binned_data) pf=[0.5,
    // 0.5, 0.0001, 0.0001], qf=[0.0001, 0.0001, 0.5, 0.5] -> 17.030979505555905
    assertStatistic(Distances.psi(P4, Q4), 17.030979505555905);
    // numpy 1.24.2: PSI = sum((pf-qf)*log(pf/qf)) with Evidently fill (get_binned_data) pf=[0.3,
    // 0.2, 0.5], qf=[0.25, 0.3, 0.45] -> 0.05493061443340547
    assertStatistic(Distances.psi(P5, Q5), 0.05493061443340547);
  }

  @Test
  void klDivergenceReferenceFirstWithEvidentlyZeroFill() {
    // scipy 1.10.1: stats.entropy(pf, qf) (Evidently kl_div) -> 0.45643481914678347;
    // stats.entropy(qf, pf) -> 0.45643481914678397
    assertStatistic(Distances.kl(P1, Q1), 0.45643481914678347);
    // pf = [0.25, 0.25, 0.5, 0.0001], qf = [0.2, 0.3, 0.3, 0.2]
    // scipy 1.10.1: stats.entropy(pf, qf) (Evidently kl_div) -> 0.26473174209306227;
    // stats.entropy(qf, pf) -> 1.377100556554297
    assertStatistic(Distances.kl(P2, Q2), 0.26473174209306227);
    assertStatistic(Distances.kl(Q2, P2), 1.377100556554297);
    // pf = [0.99995, 5e-05, 5e-11], qf = [0.5, 0.25, 0.25]
    // scipy 1.10.1: stats.entropy(pf, qf) (Evidently kl_div) -> 0.6926366635901003;
    // stats.entropy(qf, pf) -> 7.365925645594235
    assertStatistic(Distances.kl(P3, Q3), 0.6926366635901003);
    assertStatistic(Distances.kl(Q3, P3), 7.365925645594235);
    // pf = [0.5, 0.5, 0.0001, 0.0001], qf = [0.0001, 0.0001, 0.5, 0.5]
    // scipy 1.10.1: stats.entropy(pf, qf) (Evidently kl_div) -> 8.51378699537888
    assertStatistic(Distances.kl(P4, Q4), 8.51378699537888);
    // scipy 1.10.1: stats.entropy(pf, qf) (Evidently kl_div) -> 0.026283703245466694;
    // stats.entropy(qf, pf) -> 0.028646911187938794
    assertStatistic(Distances.kl(P5, Q5), 0.026283703245466694);
    assertStatistic(Distances.kl(Q5, P5), 0.028646911187938794);
  }

  @Test
  void identicalProportionsGiveZero() {
    double[] p = {0.15, 0.35, 0.5};
    double[] q = p.clone();
    assertThat(Distances.jensenShannon(p, q)).isZero();
    assertThat(Distances.hellinger(p, q)).isZero();
    assertThat(Distances.psi(p, q)).isZero();
    assertThat(Distances.kl(p, q)).isZero();
    double[] withZero = {0.0, 0.4, 0.6};
    assertThat(Distances.psi(withZero, withZero.clone())).isZero();
    assertThat(Distances.kl(withZero, withZero.clone())).isZero();
  }

  @Test
  void zeroFillFollowsEvidently() {
    assertThat(Distances.fillZeros(new double[] {0.5, 0.5, 0.0})).containsExactly(0.5, 0.5, 1e-4);
    assertThat(Distances.fillZeros(new double[] {0.99995, 0.00005, 0.0}))
        .containsExactly(0.99995, 0.00005, 0.00005 / 1e6);
    assertThat(Distances.fillZeros(new double[] {0.9999, 0.0001, 0.0}))
        .containsExactly(0.9999, 0.0001, 0.0001 / 1e6);
    assertThat(Distances.fillZeros(new double[] {0.3, 0.7})).containsExactly(0.3, 0.7);
  }

  @Test
  void proportionsFromCounts() {
    assertThat(Distances.proportions(new long[] {1, 3, 0})).containsExactly(0.25, 0.75, 0.0);
    assertThatThrownBy(() -> Distances.proportions(new long[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("counts are all zero");
    assertThatThrownBy(() -> Distances.proportions(new long[] {2, -1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("counts[1] = -1");
  }

  @Test
  void proportionsAreValidated() {
    double[] ok = {0.5, 0.5};
    assertThatThrownBy(() -> Distances.psi(new double[] {0.5, 0.4}, ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p sums to 0.9");
    assertThatThrownBy(() -> Distances.kl(ok, new double[] {0.5, 0.5, 0.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different lengths (2 vs 3)");
    assertThatThrownBy(() -> Distances.hellinger(ok, new double[] {1.5, -0.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("q[1] = -0.5");
    assertThatThrownBy(() -> Distances.jensenShannon(new double[] {Double.NaN, 1}, ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p[0] = NaN");
    assertThatThrownBy(() -> Distances.jensenShannon(new double[0], new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p is empty");
    assertThatThrownBy(() -> Distances.jensenShannon(new double[] {0, 0}, new double[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p sums to 0.0");
    assertThatThrownBy(() -> Distances.jensenShannon(ok, ok, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logBase = 1.0");
    // within tolerance: accepted and renormalised
    assertThat(Distances.hellinger(new double[] {0.5, 0.5000001}, new double[] {0.5, 0.5}))
        .isLessThan(1e-7);
  }
}
