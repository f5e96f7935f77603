package io.github.mlops4j.monitoring.stats;

import static io.github.mlops4j.monitoring.stats.ReferenceData.assertPValue;
import static io.github.mlops4j.monitoring.stats.ReferenceData.assertResult;
import static io.github.mlops4j.monitoring.stats.ReferenceData.assertStatistic;
import static io.github.mlops4j.monitoring.stats.ReferenceData.integers;
import static io.github.mlops4j.monitoring.stats.ReferenceData.normal;
import static io.github.mlops4j.monitoring.stats.ReferenceData.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * {@link StatTests#ks} against scipy 1.10.1 {@code stats.ks_2samp} (Debian bookworm {@code
 * python3-scipy}, run with {@code /usr/bin/python3}). Samples come from {@link ReferenceData}; each
 * constant names the exact call that produced it.
 */
class KsTest {

  @Test
  void smallUnequalSamplesUseTheExactPValue() {
    // scipy 1.10.1: stats.ks_2samp(normal(11, 20), normal(12, 25, 0.5, 1), method='auto') ->
    // statistic=0.47, pvalue=0.009913060147864434
    TestResult r = StatTests.ks(normal(11, 20), normal(12, 25, 0.5, 1));
    assertResult(r, 0.47, 0.009913060147864434);
    assertThat(r.method()).isEqualTo(TestResult.KS);
    assertThat(r.pValueMethod()).isEqualTo(PValueMethod.EXACT);
  }

  @Test
  void equalSizesUseTheExactPValue() {
    // scipy 1.10.1: stats.ks_2samp(normal(15, 50), normal(16, 50, 0.3, 1), method='auto') ->
    // statistic=0.3, pvalue=0.02170784069014051
    assertResult(StatTests.ks(normal(15, 50), normal(16, 50, 0.3, 1)), 0.3, 0.02170784069014051);
  }

  @Test
  void tiesAreCountedOverPooledDistinctValues() {
    double[] a = integers(13, 30, 5);
    double[] b = integers(14, 40, 5);
    // scipy 1.10.1: stats.ks_2samp(integers(13, 30, 5), integers(14, 40, 5), method='auto') ->
    // statistic=0.1, pvalue=0.9899269956492308
    assertResult(StatTests.ks(a, b), 0.1, 0.9899269956492308);
    // scipy 1.10.1: stats.ks_2samp(integers(13, 30, 5), integers(14, 40, 5), method='asymp') ->
    // statistic=0.09999999999999998, pvalue=0.9890775140928306
    TestResult asymp = StatTests.ks(a, b, PValueMethod.ASYMPTOTIC);
    assertResult(asymp, 0.09999999999999998, 0.9890775140928306);
    assertThat(asymp.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
  }

  @Test
  void mediumSamplesWithTies() {
    // scipy 1.10.1: stats.ks_2samp(integers(31, 3000, 20), integers(32, 2000, 21), method='auto')
    // -> statistic=0.0595, pvalue=0.0003957575171862377
    assertResult(
        StatTests.ks(integers(31, 3000, 20), integers(32, 2000, 21)),
        0.0595,
        0.0003957575171862377);
  }

  @Test
  void exactAndAsymptoticCanBeForced() {
    double[] a = normal(17, 300);
    double[] b = normal(18, 200, 0.15, 1);
    // scipy 1.10.1: stats.ks_2samp(normal(17, 300), normal(18, 200, 0.15, 1), method='exact') ->
    // statistic=0.07166666666666667, pvalue=0.5519872111664754
    TestResult exact = StatTests.ks(a, b, PValueMethod.EXACT);
    assertResult(exact, 0.07166666666666667, 0.5519872111664754);
    assertThat(exact.pValueMethod()).isEqualTo(PValueMethod.EXACT);
    // scipy 1.10.1: stats.ks_2samp(normal(17, 300), normal(18, 200, 0.15, 1), method='asymp') ->
    // statistic=0.07166666666666671, pvalue=0.5445254041123535
    TestResult asymp = StatTests.ks(a, b, PValueMethod.ASYMPTOTIC);
    assertResult(asymp, 0.07166666666666671, 0.5445254041123535);
    assertThat(asymp.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
  }

  @Test
  void autoIsExactUpToTenThousandInclusiveLikeScipy() {
    // Commons Statistics' own AUTO would switch to asymptotic here (it requires < 10000).
    double[] a = normal(19, 10_000);
    double[] b = normal(20, 5000, 0.04, 1);
    // scipy 1.10.1: stats.ks_2samp(normal(19, 10000), normal(20, 5000, 0.04, 1), method='auto') ->
    // statistic=0.0125, pvalue=0.673313154479572
    TestResult auto = StatTests.ks(a, b);
    assertResult(auto, 0.0125, 0.673313154479572);
    assertThat(auto.pValueMethod()).isEqualTo(PValueMethod.EXACT);
    // scipy 1.10.1: stats.ks_2samp(normal(19, 10000), normal(20, 5000, 0.04, 1), method='asymp') ->
    // statistic=0.012500000000000067, pvalue=0.6701320123298968
    assertResult(
        StatTests.ks(a, b, PValueMethod.ASYMPTOTIC), 0.012500000000000067, 0.6701320123298968);
  }

  @Test
  void autoIsAsymptoticAboveTenThousand() {
    // scipy 1.10.1: stats.ks_2samp(normal(19, 10001), normal(20, 5000, 0.04, 1), method='auto') ->
    // statistic=0.012511808819118175, pvalue=0.6689832315978206
    TestResult r = StatTests.ks(normal(19, 10_001), normal(20, 5000, 0.04, 1));
    assertResult(r, 0.012511808819118175, 0.6689832315978206);
    assertThat(r.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
  }

  @Test
  void asymptoticRoundsTheEffectiveSizeHalfToEvenLikeNumpy() {
    // n = m = 10001: n*m/(n+m) = 5000.5, which numpy rounds to 5000 (Commons would use 5001).
    // scipy 1.10.1: stats.ks_2samp(normal(29, 10001), normal(30, 10001, 0.03, 1), method='auto') ->
    // statistic=0.020997900209979048, pvalue=0.023987862996690607
    assertResult(
        StatTests.ks(normal(29, 10_001), normal(30, 10_001, 0.03, 1)),
        0.020997900209979048,
        0.023987862996690607);
  }

  @Test
  void largeSamplesAsymptotic() {
    // scipy 1.10.1: stats.ks_2samp(uniform(27, 100000), uniform(28, 80000), method='auto') ->
    // statistic=0.004182500000000089, pvalue=0.41729318117785585
    assertResult(
        StatTests.ks(uniform(27, 100_000), uniform(28, 80_000)),
        0.004182500000000089,
        0.41729318117785585);
  }

  @Test
  void tinyPValuesKeepTheirRelativePrecision() {
    // scipy 1.10.1: stats.ks_2samp(normal(21, 200), normal(22, 200, 1.5, 1), method='auto') ->
    // statistic=0.55, pvalue=3.864988982255897e-28
    assertResult(
        StatTests.ks(normal(21, 200), normal(22, 200, 1.5, 1)), 0.55, 3.864988982255897e-28);
    // scipy 1.10.1: stats.ks_2samp(normal(23, 150), normal(24, 170, 1.5, 1), method='auto') ->
    // statistic=0.5337254901960784, pvalue=2.42974940806752e-21
    assertResult(
        StatTests.ks(normal(23, 150), normal(24, 170, 1.5, 1)),
        0.5337254901960784,
        2.42974940806752e-21);
    // scipy 1.10.1: stats.ks_2samp(normal(25, 20000), normal(26, 20000, 0.2, 1), method='auto') ->
    // statistic=0.0766, pvalue=1.771357625065714e-51
    TestResult asymp = StatTests.ks(normal(25, 20_000), normal(26, 20_000, 0.2, 1));
    assertResult(asymp, 0.0766, 1.771357625065714e-51);
    assertThat(asymp.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
  }

  @Test
  void sampleOfOneValue() {
    // scipy 1.10.1: stats.ks_2samp([0.5], uniform(1, 10), method='auto') -> statistic=0.6,
    // pvalue=0.9090909090909091
    TestResult exact = StatTests.ks(new double[] {0.5}, uniform(1, 10));
    assertResult(exact, 0.6, 0.9090909090909091);
    assertThat(exact.pValueMethod()).isEqualTo(PValueMethod.EXACT);
    // scipy 1.10.1: stats.ks_2samp([3.0], normal(1, 20000), method='auto') -> statistic=0.99905,
    // pvalue=0.0019000000000000128
    TestResult asymp = StatTests.ks(new double[] {3.0}, normal(1, 20_000));
    assertResult(asymp, 0.99905, 0.0019000000000000128);
    assertThat(asymp.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
    // Both of size one: D is 0 or 1 and every arrangement is equally likely.
    assertResult(StatTests.ks(new double[] {1}, new double[] {2}), 1.0, 1.0);
    assertResult(
        StatTests.ks(new double[] {1}, new double[] {2}, PValueMethod.ASYMPTOTIC), 1.0, 0.0);
  }

  @Test
  void identicalSamplesGiveZeroAndOne() {
    double[] a = normal(3, 500);
    for (PValueMethod method : PValueMethod.values()) {
      TestResult r = StatTests.ks(a, a.clone(), method);
      assertThat(r.statistic()).isZero();
      assertThat(r.pValue()).isEqualTo(1.0);
    }
  }

  @Test
  void constantSamplesAreDefined() {
    TestResult same = StatTests.ks(new double[] {4, 4, 4, 4}, new double[] {4, 4, 4});
    assertThat(same.statistic()).isZero();
    assertThat(same.pValue()).isEqualTo(1.0);
    TestResult different = StatTests.ks(new double[] {4, 4, 4, 4}, new double[] {5, 5, 5});
    assertThat(different.statistic()).isEqualTo(1.0);
    assertThat(different.pValue()).isBetween(0.0, 0.1);
  }

  @Test
  void negativeZeroTiesWithPositiveZero() {
    assertThat(StatTests.ks(new double[] {-0.0, 1}, new double[] {0.0, 1}).statistic()).isZero();
  }

  @Test
  void forcedExactFallsBackToAsymptoticWhenTheLatticeIsTooLargeAndSaysSo() {
    // lcm(70001, 40000) = 2.8e9 > 2^31: Commons cannot compute the exact p-value.
    TestResult r = StatTests.ks(uniform(5, 70_001), uniform(6, 40_000), PValueMethod.EXACT);
    assertThat(r.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
    assertThat(r.pValue())
        .isEqualTo(
            StatTests.ks(uniform(5, 70_001), uniform(6, 40_000), PValueMethod.ASYMPTOTIC).pValue());
  }

  @Test
  void statisticMatchesCommonsStatistics() {
    for (int seed = 0; seed < 20; seed++) {
      double[] a = integers(100 + seed, 50 + seed * 7, 3 + seed);
      double[] b = normal(200 + seed, 40 + seed * 5, 0.1 * seed, 2);
      for (int i = 0; i < b.length; i++) {
        b[i] = Math.rint(b[i]);
      }
      double expected = KolmogorovSmirnovTest.withDefaults().statistic(a, b);
      assertThat(StatTests.ks(a, b).statistic()).isEqualTo(expected);
    }
  }

  @Test
  void asymptoticSurvivalFunctionOfOneSampleDistribution() {
    // scipy 1.10.1: stats.kstwo.sf(0.6, 1) -> 0.8; stats.kstwo.sf(0.5, 1) -> 1.0
    assertPValue(StatTests.kolmogorovSmirnovSf(0.6, 1), 0.8);
    assertPValue(StatTests.kolmogorovSmirnovSf(0.5, 1), 1.0);
    assertThat(StatTests.kolmogorovSmirnovSf(1.0, 50)).isZero();
    assertThat(StatTests.kolmogorovSmirnovSf(0.01, 50)).isEqualTo(1.0);
    // The regimes of the Simard & L'Ecuyer evaluation, up to N = 500000 (1M vs 1M samples).
    // scipy 1.10.1: stats.kstwo.sf(0.3, 2) -> 0.98
    assertPValue(StatTests.kolmogorovSmirnovSf(0.3, 2), 0.98);
    // scipy 1.10.1: stats.kstwo.sf(0.6, 2) -> 0.32000000000000006
    assertPValue(StatTests.kolmogorovSmirnovSf(0.6, 2), 0.32000000000000006);
    // scipy 1.10.1: stats.kstwo.sf(0.9, 2) -> 0.01999999999999999
    assertPValue(StatTests.kolmogorovSmirnovSf(0.9, 2), 0.01999999999999999);
    // scipy 1.10.1: stats.kstwo.sf(0.05, 50) -> 0.9990238098461883
    assertPValue(StatTests.kolmogorovSmirnovSf(0.05, 50), 0.9990238098461883);
    // scipy 1.10.1: stats.kstwo.sf(0.1, 50) -> 0.6623112704658186
    assertPValue(StatTests.kolmogorovSmirnovSf(0.1, 50), 0.6623112704658186);
    // scipy 1.10.1: stats.kstwo.sf(0.2, 50) -> 0.03143877776953241
    assertPValue(StatTests.kolmogorovSmirnovSf(0.2, 50), 0.03143877776953241);
    // scipy 1.10.1: stats.kstwo.sf(0.4, 50) -> 9.86356336441006e-08
    assertPValue(StatTests.kolmogorovSmirnovSf(0.4, 50), 9.86356336441006e-08);
    // scipy 1.10.1: stats.kstwo.sf(0.01, 1000) -> 0.9999496745370611
    assertPValue(StatTests.kolmogorovSmirnovSf(0.01, 1000), 0.9999496745370611);
    // scipy 1.10.1: stats.kstwo.sf(0.03, 1000) -> 0.3226902143914636
    assertPValue(StatTests.kolmogorovSmirnovSf(0.03, 1000), 0.3226902143914636);
    // scipy 1.10.1: stats.kstwo.sf(0.06, 1000) -> 0.001428597887952891
    assertPValue(StatTests.kolmogorovSmirnovSf(0.06, 1000), 0.001428597887952891);
    // scipy 1.10.1: stats.kstwo.sf(0.1, 1000) -> 3.703687096817711e-09
    assertPValue(StatTests.kolmogorovSmirnovSf(0.1, 1000), 3.703687096817711e-09);
    // scipy 1.10.1: stats.kstwo.sf(0.0005, 500000) -> 0.9996286945544336
    assertPValue(StatTests.kolmogorovSmirnovSf(0.0005, 500000), 0.9996286945544336);
    // scipy 1.10.1: stats.kstwo.sf(0.001, 500000) -> 0.6989801443663661
    assertPValue(StatTests.kolmogorovSmirnovSf(0.001, 500000), 0.6989801443663661);
    // scipy 1.10.1: stats.kstwo.sf(0.0019, 500000) -> 0.054034070302290904
    assertPValue(StatTests.kolmogorovSmirnovSf(0.0019, 500000), 0.054034070302290904);
    // scipy 1.10.1: stats.kstwo.sf(0.003, 500000) -> 0.00024632301239186754
    assertPValue(StatTests.kolmogorovSmirnovSf(0.003, 500000), 0.00024632301239186754);
  }

  @Test
  void inputsAreNotModified() {
    double[] a = {3, 1, 2};
    double[] b = {9, 7, 8, 0};
    StatTests.ks(a, b);
    assertThat(a).containsExactly(3, 1, 2);
    assertThat(b).containsExactly(9, 7, 8, 0);
  }

  @Test
  void badInputIsRejectedWithTheReason() {
    double[] ok = {1, 2, 3};
    assertThatThrownBy(() -> StatTests.ks(new double[0], ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference has 0 values, at least 1 required");
    assertThatThrownBy(() -> StatTests.ks(ok, new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("current[1] = NaN");
    assertThatThrownBy(() -> StatTests.ks(new double[] {Double.NEGATIVE_INFINITY}, ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference[0] = -Infinity");
    assertThatThrownBy(() -> StatTests.ks(null, ok)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> StatTests.ks(ok, ok, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void statisticIsTheExactFraction() {
    double[] a = normal(7, 12);
    double[] b = normal(8, 18, 1, 1);
    double d = StatTests.ks(a, b).statistic();
    // D * lcm(12, 18) = D * 36 must be an integer.
    assertStatistic(d * 36, Math.rint(d * 36));
    Arrays.sort(a);
    assertThat(StatTests.ks(a, b).statistic()).isEqualTo(d);
  }
}
