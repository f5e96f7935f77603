package io.github.mlops4j.monitoring.stats;

import static io.github.mlops4j.monitoring.stats.ReferenceData.assertResult;
import static io.github.mlops4j.monitoring.stats.ReferenceData.integers;
import static io.github.mlops4j.monitoring.stats.ReferenceData.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Cramér-von Mises, chi-square and z tests against scipy 1.10.1 (Debian bookworm {@code
 * python3-scipy}, {@code /usr/bin/python3}). Samples come from {@link ReferenceData}.
 */
class StatTestsTest {

  // ---------------------------------------------------------------- Cramér-von Mises

  @Test
  void cramerVonMisesSmallSamplesExact() {
    double[] a = normal(31, 7);
    double[] b = normal(32, 6, 0.5, 1);
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(31, 7), normal(32, 6, 0.5, 1), method='auto')
    // -> statistic=0.2637362637362637, pvalue=0.19172494172494173
    TestResult exact = StatTests.cramerVonMises(a, b);
    assertResult(exact, 0.2637362637362637, 0.19172494172494173);
    assertThat(exact.method()).isEqualTo(TestResult.CRAMER_VON_MISES);
    assertThat(exact.pValueMethod()).isEqualTo(PValueMethod.EXACT);
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(31, 7), normal(32, 6, 0.5, 1),
    // method='asymptotic') -> statistic=0.2637362637362637, pvalue=0.1820912556684796
    TestResult asymp = StatTests.cramerVonMises(a, b, PValueMethod.ASYMPTOTIC);
    assertResult(asymp, 0.2637362637362637, 0.1820912556684796);
    assertThat(asymp.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
  }

  @Test
  void cramerVonMisesUsesMidranksForTies() {
    // scipy 1.10.1: stats.cramervonmises_2samp(integers(33, 10, 4), integers(34, 12, 4),
    // method='auto') -> statistic=0.1261363636363635, pvalue=0.5050584090831769
    assertResult(
        StatTests.cramerVonMises(integers(33, 10, 4), integers(34, 12, 4)),
        0.1261363636363635,
        0.5050584090831769);
    // scipy 1.10.1: stats.cramervonmises_2samp(integers(41, 300, 6), integers(42, 200, 6),
    // method='auto') -> statistic=0.5181024999999977, pvalue=0.03583088994813155
    assertResult(
        StatTests.cramerVonMises(integers(41, 300, 6), integers(42, 200, 6)),
        0.5181024999999977,
        0.03583088994813155);
  }

  @Test
  void cramerVonMisesSwitchesAfterTwentyLikeScipy() {
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(35, 20), normal(36, 20, 0.5, 1),
    // method='auto') -> statistic=0.6550000000000002, pvalue=0.016183400272001134
    TestResult exact = StatTests.cramerVonMises(normal(35, 20), normal(36, 20, 0.5, 1));
    assertResult(exact, 0.6550000000000002, 0.016183400272001134);
    assertThat(exact.pValueMethod()).isEqualTo(PValueMethod.EXACT);
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(35, 21), normal(36, 20, 0.5, 1),
    // method='auto') -> statistic=0.7335075493612075, pvalue=0.010376985676154193
    TestResult asymp = StatTests.cramerVonMises(normal(35, 21), normal(36, 20, 0.5, 1));
    assertResult(asymp, 0.7335075493612075, 0.010376985676154193);
    assertThat(asymp.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
  }

  @Test
  void cramerVonMisesForcedExactOnLargerSamples() {
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(45, 40), normal(46, 30, 0.4, 1),
    // method='exact') -> statistic=0.32654761904762, pvalue=0.11628695482786351
    TestResult r =
        StatTests.cramerVonMises(normal(45, 40), normal(46, 30, 0.4, 1), PValueMethod.EXACT);
    assertResult(r, 0.32654761904762, 0.11628695482786351);
    assertThat(r.pValueMethod()).isEqualTo(PValueMethod.EXACT);
  }

  @Test
  void cramerVonMisesMediumAndTinyPValues() {
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(37, 100), normal(38, 70, 0.3, 1),
    // method='auto') -> statistic=0.16600000000000037, pvalue=0.346901113288377
    assertResult(
        StatTests.cramerVonMises(normal(37, 100), normal(38, 70, 0.3, 1)),
        0.16600000000000037,
        0.346901113288377);
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(39, 60), normal(40, 50, 1.2, 1),
    // method='auto') -> statistic=1.4537272727272743, pvalue=0.0002149270578660767
    assertResult(
        StatTests.cramerVonMises(normal(39, 60), normal(40, 50, 1.2, 1)),
        1.4537272727272743,
        0.0002149270578660767);
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(43, 15), normal(44, 18, 2.0, 1),
    // method='auto') -> statistic=1.8175084175084173, pvalue=8.671771538216074e-06
    assertResult(
        StatTests.cramerVonMises(normal(43, 15), normal(44, 18, 2.0, 1)),
        1.8175084175084173,
        8.671771538216074e-06);
    // scipy 1.10.1: stats.cramervonmises_2samp(normal(39, 500), normal(40, 500, 0.5, 1),
    // method='auto') -> statistic=5.024599999999992, pvalue=5.368938627015041e-11
    assertResult(
        StatTests.cramerVonMises(normal(39, 500), normal(40, 500, 0.5, 1)),
        5.024599999999992,
        5.368938627015041e-11);
  }

  @Test
  void cramerVonMisesDegenerateSamples() {
    double[] a = normal(5, 15);
    TestResult identical = StatTests.cramerVonMises(a, a.clone());
    assertThat(identical.statistic()).isZero();
    assertThat(identical.pValue()).isEqualTo(1.0);
    double[] big = normal(7, 50);
    TestResult identicalAsymptotic = StatTests.cramerVonMises(big, big.clone());
    assertThat(identicalAsymptotic.statistic()).isZero();
    assertThat(identicalAsymptotic.pValue()).isEqualTo(1.0);
    // scipy 1.10.1: stats.cramervonmises_2samp([1, 1, 1], [1, 1], method='auto') ->
    // statistic=0.06666666666666665, pvalue=1.0
    assertResult(
        StatTests.cramerVonMises(new double[] {1, 1, 1}, new double[] {1, 1}),
        0.06666666666666665,
        1.0);
  }

  @Test
  void cramerVonMisesRejectsBadInput() {
    assertThatThrownBy(() -> StatTests.cramerVonMises(new double[] {1}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference has 1 value, at least 2 required");
    assertThatThrownBy(
            () ->
                StatTests.cramerVonMises(
                    new double[] {1, 2}, new double[] {1, Double.POSITIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("current[1] = Infinity");
    assertThatThrownBy(
            () -> StatTests.cramerVonMises(normal(1, 201), normal(2, 5), PValueMethod.EXACT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n·m·lcm(n, m) = 1010025 steps, more than 500000");
  }

  @Test
  void limitingDistributionPieces() {
    // scipy 1.10.1: special.kv(0.25, 2.0) * np.exp(-2.0) -> 0.015614751775608633
    // (the trapezoidal rule gives 0.01561475177560966 for every step from 0.1 to 0.01; scipy's
    // kv is 7e-14 away in relative terms, far below what the p-values need)
    assertThat(CramerVonMises.expTimesBesselK(0.25, 2.0))
        .isCloseTo(
            0.015614751775608633,
            org.assertj.core.api.Assertions.within(0.015614751775608633 * 1e-12));
    assertThat(CramerVonMises.expTimesBesselK(0.25, 800)).isZero();
  }

  // ---------------------------------------------------------------- chi-square goodness of fit

  @Test
  void chiSquareGoodnessOfFitAsEvidently() {
    // scipy 1.10.1: stats.chisquare(f_obs=[25, 30, 45], f_exp=np.array([30, 20, 50]) * 100 / 100)
    // -> statistic=6.333333333333333, pvalue=0.042143843509276406
    TestResult r = StatTests.chiSquare(new long[] {30, 20, 50}, new long[] {25, 30, 45});
    assertResult(r, 6.333333333333333, 0.042143843509276406);
    assertThat(r.method()).isEqualTo(TestResult.CHI_SQUARE);
    assertThat(r.pValueMethod()).isEqualTo(PValueMethod.ASYMPTOTIC);
    // scipy 1.10.1: stats.chisquare(f_obs=[30, 35, 20, 15], f_exp=np.array([120, 80, 200, 100]) *
    // 100 / 500) -> statistic=35.3125, pvalue=1.0464213213586106e-07
    assertResult(
        StatTests.chiSquare(new long[] {120, 80, 200, 100}, new long[] {30, 35, 20, 15}),
        35.3125,
        1.0464213213586106e-07);
    // scipy 1.10.1: stats.chisquare(f_obs=[100, 300, 800], f_exp=np.array([500, 500, 500]) * 1200 /
    // 1500) -> statistic=650.0, pvalue=7.14979156944532e-142
    assertResult(
        StatTests.chiSquare(new long[] {500, 500, 500}, new long[] {100, 300, 800}),
        650.0,
        7.14979156944532e-142);
    // scipy 1.10.1: stats.chisquare(f_obs=[2, 9], f_exp=np.array([7, 3]) * 11 / 10) ->
    // statistic=14.064935064935064, pvalue=0.00017660576139451022
    assertResult(
        StatTests.chiSquare(new long[] {7, 3}, new long[] {2, 9}),
        14.064935064935064,
        0.00017660576139451022);
  }

  @Test
  void chiSquareCategoryUnseenInReferenceIsInfinite() {
    // scipy 1.10.1: stats.chisquare(f_obs=[12, 6, 3], f_exp=np.array([10, 5, 0]) * 21 / 15)
    // (RuntimeWarning: divide by zero) -> statistic=inf, pvalue=0.0
    TestResult r = StatTests.chiSquare(new long[] {10, 5, 0}, new long[] {12, 6, 3});
    assertThat(r.statistic()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(r.pValue()).isZero();
  }

  @Test
  void chiSquareDropsCategoriesEmptyInBothSamples() {
    TestResult withEmpty =
        StatTests.chiSquare(new long[] {30, 0, 20, 50}, new long[] {25, 0, 30, 45});
    // same as the first case of chiSquareGoodnessOfFitAsEvidently (df = 2, not 3)
    assertResult(withEmpty, 6.333333333333333, 0.042143843509276406);
  }

  @Test
  void chiSquareDegenerateCases() {
    TestResult identical = StatTests.chiSquare(new long[] {5, 7, 9}, new long[] {5, 7, 9});
    assertThat(identical.statistic()).isZero();
    assertThat(identical.pValue()).isEqualTo(1.0);
    TestResult proportional = StatTests.chiSquare(new long[] {5, 7, 9}, new long[] {10, 14, 18});
    assertThat(proportional.statistic()).isZero();
    assertThat(proportional.pValue()).isEqualTo(1.0);
    // scipy 1.10.1: stats.chisquare([10], [10]) -> statistic=0.0, pvalue=nan; defined here as p = 1
    TestResult single = StatTests.chiSquare(new long[] {0, 10}, new long[] {0, 4});
    assertThat(single.statistic()).isZero();
    assertThat(single.pValue()).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------- chi-square homogeneity

  @Test
  void chiSquareHomogeneityWithoutYates() {
    // scipy 1.10.1: stats.chi2_contingency([[30, 20, 50], [25, 30, 45]], correction=False) ->
    // statistic=2.7177033492822966, pvalue=0.2569556763201589, dof=2
    TestResult r = StatTests.chiSquareHomogeneity(new long[] {30, 20, 50}, new long[] {25, 30, 45});
    assertResult(r, 2.7177033492822966, 0.2569556763201589);
    assertThat(r.method()).isEqualTo(TestResult.CHI_SQUARE_HOMOGENEITY);
    // scipy 1.10.1: stats.chi2_contingency([[40, 60], [55, 45]], correction=False) ->
    // statistic=4.511278195488721, pvalue=0.033672068856345896, dof=1
    // (scipy's default correction=True would give statistic=3.9298245614035094,
    // pvalue=0.04743689282486553)
    assertResult(
        StatTests.chiSquareHomogeneity(new long[] {40, 60}, new long[] {55, 45}),
        4.511278195488721,
        0.033672068856345896);
    // scipy 1.10.1: stats.chi2_contingency([[120, 80, 200, 100], [30, 35, 20, 15]],
    // correction=False) -> statistic=27.073517786561258, pvalue=5.682076446395091e-06, dof=3
    assertResult(
        StatTests.chiSquareHomogeneity(new long[] {120, 80, 200, 100}, new long[] {30, 35, 20, 15}),
        27.073517786561258,
        5.682076446395091e-06);
    // scipy 1.10.1: stats.chi2_contingency([[500, 500, 500], [100, 300, 800]], correction=False) ->
    // statistic=356.9711538461538, pvalue=3.0528034441307217e-78, dof=2
    assertResult(
        StatTests.chiSquareHomogeneity(new long[] {500, 500, 500}, new long[] {100, 300, 800}),
        356.9711538461538,
        3.0528034441307217e-78);
  }

  @Test
  void chiSquareHomogeneityHandlesUnseenAndEmptyCategories() {
    // scipy 1.10.1: stats.chi2_contingency([[10, 5, 0], [12, 6, 3]], correction=False) ->
    // statistic=2.337662337662338, pvalue=0.31072991990926296, dof=2
    assertResult(
        StatTests.chiSquareHomogeneity(new long[] {10, 5, 0}, new long[] {12, 6, 3}),
        2.337662337662338,
        0.31072991990926296);
    // a category empty in both is dropped (scipy raises on it)
    assertResult(
        StatTests.chiSquareHomogeneity(new long[] {0, 10, 5, 0}, new long[] {0, 12, 6, 3}),
        2.337662337662338,
        0.31072991990926296);
    TestResult single = StatTests.chiSquareHomogeneity(new long[] {7, 0}, new long[] {3, 0});
    assertThat(single.statistic()).isZero();
    assertThat(single.pValue()).isEqualTo(1.0);
    TestResult identical =
        StatTests.chiSquareHomogeneity(new long[] {4, 9, 1}, new long[] {4, 9, 1});
    assertThat(identical.statistic()).isZero();
    assertThat(identical.pValue()).isEqualTo(1.0);
  }

  @Test
  void countsAreValidated() {
    assertThatThrownBy(() -> StatTests.chiSquare(new long[] {1, -2}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("referenceCounts[1] = -2");
    assertThatThrownBy(
            () -> StatTests.chiSquareHomogeneity(new long[] {1, 2}, new long[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different lengths (2 vs 3)");
    assertThatThrownBy(() -> StatTests.chiSquareHomogeneity(new long[] {1, 2}, new long[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("currentCounts are all zero");
    assertThatThrownBy(() -> StatTests.chiSquare(new long[0], new long[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("referenceCounts is empty");
    assertThatThrownBy(() -> StatTests.chiSquare(new long[] {Long.MAX_VALUE, 1}, new long[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sums to more than Long.MAX_VALUE");
  }

  // ---------------------------------------------------------------- z-test

  @Test
  void zTestAsEvidently() {
    // scipy 1.10.1 (Evidently z_stattest formula): z=(p1-p2)/sqrt(P(1-P)(1/n1+1/n2)) for 30/100 vs
    // 45/120 -> z=-1.1685534824642432; 2*stats.norm.sf(abs(z))=0.24258357934832098; Evidently
    // 2*(1-norm.cdf(abs(z)))=0.2425835793483211
    TestResult r = StatTests.zTestProportions(30, 100, 45, 120);
    assertResult(r, -1.1685534824642432, 0.24258357934832098);
    assertThat(r.method()).isEqualTo(TestResult.Z);
    // scipy 1.10.1 (Evidently z_stattest formula): z=(p1-p2)/sqrt(P(1-P)(1/n1+1/n2)) for 1/10 vs
    // 0/12 -> z=1.1212238211627763; 2*stats.norm.sf(abs(z))=0.2621926024067731; Evidently
    // 2*(1-norm.cdf(abs(z)))=0.2621926024067731
    assertResult(StatTests.zTestProportions(1, 10, 0, 12), 1.1212238211627763, 0.2621926024067731);
  }

  @Test
  void zTestKeepsTinyPValues() {
    // scipy 1.10.1 (Evidently z_stattest formula): z=(p1-p2)/sqrt(P(1-P)(1/n1+1/n2)) for 100/1000
    // vs 300/1000 -> z=-11.180339887498947; 2*stats.norm.sf(abs(z))=5.089468973814369e-29;
    // Evidently 2*(1-norm.cdf(abs(z)))=0.0
    assertResult(
        StatTests.zTestProportions(100, 1000, 300, 1000),
        -11.180339887498947,
        5.089468973814369e-29);
  }

  @Test
  void zTestConstantSamples() {
    TestResult allFailures = StatTests.zTestProportions(0, 50, 0, 70);
    assertThat(allFailures.statistic()).isZero();
    assertThat(allFailures.pValue()).isEqualTo(1.0);
    TestResult allSuccesses = StatTests.zTestProportions(50, 50, 70, 70);
    assertThat(allSuccesses.statistic()).isZero();
    assertThat(allSuccesses.pValue()).isEqualTo(1.0);
    TestResult same = StatTests.zTestProportions(20, 50, 40, 100);
    assertThat(same.statistic()).isZero();
    assertThat(same.pValue()).isEqualTo(1.0);
  }

  @Test
  void zTestValidatesCounts() {
    assertThatThrownBy(() -> StatTests.zTestProportions(5, 0, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refTotal = 0");
    assertThatThrownBy(() -> StatTests.zTestProportions(1, 2, 3, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("curSuccesses = 3");
    assertThatThrownBy(() -> StatTests.zTestProportions(-1, 2, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refSuccesses = -1");
  }

  // ---------------------------------------------------------------- TestResult

  @Test
  void resultRejectsUndefinedValues() {
    assertThatThrownBy(() -> new TestResult("ks", Double.NaN, 0.5, PValueMethod.EXACT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> new TestResult("ks", 0.1, Double.NaN, PValueMethod.EXACT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be in [0, 1]");
    assertThatThrownBy(() -> new TestResult("ks", 0.1, 1.5, PValueMethod.EXACT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TestResult("ks", 0.1, 0.5, PValueMethod.AUTO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not AUTO");
  }
}
