package io.github.mlops4j.monitoring.drift;

import static io.github.mlops4j.monitoring.drift.DriftPreset.EVIDENTLY;
import static io.github.mlops4j.monitoring.drift.DriftTestData.bools;
import static io.github.mlops4j.monitoring.drift.DriftTestData.compare;
import static io.github.mlops4j.monitoring.drift.DriftTestData.labels;
import static io.github.mlops4j.monitoring.drift.DriftTestData.only;
import static io.github.mlops4j.monitoring.drift.DriftTestData.plus;
import static io.github.mlops4j.monitoring.drift.DriftTestData.range;
import static io.github.mlops4j.monitoring.drift.DriftTestData.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The EVIDENTLY preset on small data sets whose outcome is worked out by hand in the comments.
 * (Where a p-value needs a special function, the closed form is given and the value was checked
 * with scipy.)
 */
class EvidentlyPresetTest {
  private static final String[] ABC = {"a", "b", "c"};

  @Test
  void ks_disjointSamples_drift() {
    // Reference 1..10, current 11..20: 10 reference values (<= 1000), 20 distinct (> 5) -> ks.
    // Every reference value is below every current value, so D = 1. The exact permutation
    // distribution gives P(D = 1) = 2 / C(20, 10) = 2 / 184756 = 1.0825e-5 <= 0.05 -> drift.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("x", range(1, 10)),
                DriftTestData.numeric("x", range(11, 20))));
    assertThat(c.method()).isEqualTo("ks");
    assertThat(c.threshold()).isEqualTo(0.05);
    assertThat(c.statistic()).isEqualTo(1.0);
    assertThat(c.pValue()).isCloseTo(2.0 / 184_756, within(1e-12));
    assertThat(c.score()).isEqualTo(c.pValue());
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void ks_sameSample_noDrift() {
    // D = 0 and p = 1 for identical samples.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("x", range(1, 10)),
                DriftTestData.numeric("x", range(1, 10))));
    assertThat(c.method()).isEqualTo("ks");
    assertThat(c.statistic()).isZero();
    assertThat(c.pValue()).isEqualTo(1.0);
    assertThat(c.drifted()).isFalse();
  }

  @Test
  void chiSquare_categorical_reversedShares_drift() {
    // Reference a:50 b:30 c:20 (n = 100), current a:20 b:30 c:50 (m = 100); 3 categories ->
    // chisquare.
    // Expected current counts E = ref * m / n = 50, 30, 20.
    // chi2 = (20-50)^2/50 + (30-30)^2/30 + (50-20)^2/20 = 18 + 0 + 45 = 63, df = 2.
    // With 2 degrees of freedom the survival function is exp(-chi2/2): p = exp(-31.5) = 2.088e-14.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.categorical("city", labels(ABC, 50, 30, 20)),
                DriftTestData.categorical("city", labels(ABC, 20, 30, 50))));
    assertThat(c.method()).isEqualTo("chisquare");
    assertThat(c.statistic()).isCloseTo(63.0, within(1e-9));
    assertThat(c.pValue()).isCloseTo(Math.exp(-31.5), within(1e-20));
    assertThat(c.drifted()).isTrue();
    assertThat(c.type()).isEqualTo(ColumnType.CATEGORICAL);
  }

  @Test
  void chiSquare_categorical_smallChange_noDrift() {
    // Current a:45 b:33 c:22: chi2 = 25/50 + 9/30 + 4/20 = 0.5 + 0.3 + 0.2 = 1.0,
    // p = exp(-0.5) = 0.6065 >= 0.05 -> no drift.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.categorical("city", labels(ABC, 50, 30, 20)),
                DriftTestData.categorical("city", labels(ABC, 45, 33, 22))));
    assertThat(c.method()).isEqualTo("chisquare");
    assertThat(c.statistic()).isCloseTo(1.0, within(1e-12));
    assertThat(c.pValue()).isCloseTo(Math.exp(-0.5), within(1e-12));
    assertThat(c.drifted()).isFalse();
  }

  @Test
  void chiSquare_numericWithThreeValues_likeCategories() {
    // A numeric column with values 1, 2, 3 (3 distinct <= 5) and <= 1000 values is compared like
    // a categorical one: the same counts as above give chi2 = 63.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("x", repeat(new double[] {1, 2, 3}, 50, 30, 20)),
                DriftTestData.numeric("x", repeat(new double[] {1, 2, 3}, 20, 30, 50))));
    assertThat(c.method()).isEqualTo("chisquare");
    assertThat(c.statistic()).isCloseTo(63.0, within(1e-9));
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void zTest_binary() {
    // Reference: 50 false, 50 true; current: 20 false, 80 true. Binary -> z.
    // Sorted values: "false" is 0, "true" is 1, so p1 = 50/100 = 0.5, p2 = 80/100 = 0.8.
    // Pooled P = 130/200 = 0.65; se = sqrt(0.65 * 0.35 * (1/100 + 1/100)) = sqrt(0.00455) =
    // 0.0674537.
    // z = (0.5 - 0.8) / 0.0674537 = -4.4475; p = 2 * Phi(-4.4475) = 8.69e-6 < 0.05 -> drift.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                Frame.builder().bool("churn", bools(50, 50)).build(),
                Frame.builder().bool("churn", bools(20, 80)).build()));
    assertThat(c.method()).isEqualTo("z");
    assertThat(c.type()).isEqualTo(ColumnType.BINARY);
    assertThat(c.statistic()).isCloseTo(-0.3 / Math.sqrt(0.65 * 0.35 * 0.02), within(1e-12));
    assertThat(c.statistic()).isCloseTo(-4.4475, within(1e-4));
    assertThat(c.pValue()).isCloseTo(8.6877e-6, within(1e-9));
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void zTest_numericWithTwoValues() {
    // Values 0 and 1 only (2 distinct) -> z; 0 sorts first, so the share of 1 is compared:
    // the same 0.5 vs 0.8 as above.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("flag", repeat(new double[] {0, 1}, 50, 50)),
                DriftTestData.numeric("flag", repeat(new double[] {0, 1}, 20, 80))));
    assertThat(c.method()).isEqualTo("z");
    assertThat(c.statistic()).isCloseTo(-4.4475, within(1e-4));
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void wasserstein_largeReference() {
    // Reference 0..1999 (2000 values > 1000, > 5 distinct) -> normed Wasserstein.
    // Current = reference + 100: a pure shift moves every quantile by 100, so W1 = 100.
    // Population std of 0..N-1 is sqrt((N^2 - 1) / 12) = sqrt(3999999 / 12) = 577.350.
    // Score = 100 / 577.350 = 0.17321 >= 0.1 -> drift; with a shift of 50: 0.08660 < 0.1 -> none.
    double[] ref = range(0, 1999);
    double std = Math.sqrt((2000.0 * 2000.0 - 1) / 12);
    ColumnDrift far =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("x", ref),
                DriftTestData.numeric("x", plus(ref, 100))));
    assertThat(far.method()).isEqualTo("wasserstein_normed");
    assertThat(far.threshold()).isEqualTo(0.1);
    assertThat(far.pValue()).isNull();
    assertThat(far.score()).isCloseTo(100 / std, within(1e-9));
    assertThat(far.drifted()).isTrue();
    ColumnDrift near =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("x", ref),
                DriftTestData.numeric("x", plus(ref, 50))));
    assertThat(near.score()).isCloseTo(50 / std, within(1e-9));
    assertThat(near.drifted()).isFalse();
  }

  @Test
  void jensenShannon_largeReference_categorical() {
    // Reference 2000 rows a:1000 b:1000 (> 1000) -> Jensen-Shannon distance, natural log.
    // Current a:1500 b:500: p = (.5, .5), q = (.75, .25), m = (.625, .375).
    // KL(p||m) = .5 ln(.5/.625) + .5 ln(.5/.375) = .5(-0.223144) + .5(0.287682) = 0.032269
    // KL(q||m) = .75 ln(.75/.625) + .25 ln(.25/.375) = .75(0.182322) + .25(-0.405465) = 0.035375
    // JSD = (0.032269 + 0.035375) / 2 = 0.033822; distance = sqrt(0.033822) = 0.18391 >= 0.1 ->
    // drift.
    String[] ab = {"a", "b"};
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.categorical("k", labels(ab, 1000, 1000)),
                DriftTestData.categorical("k", labels(ab, 1500, 500))));
    assertThat(c.method()).isEqualTo("jensenshannon");
    assertThat(c.score()).isCloseTo(0.183908, within(1e-6));
    assertThat(c.drifted()).isTrue();
    // a:1100 b:900: q = (.55, .45), distance 0.0354 < 0.1 -> no drift.
    ColumnDrift small =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.categorical("k", labels(ab, 1000, 1000)),
                DriftTestData.categorical("k", labels(ab, 1100, 900))));
    assertThat(small.score()).isCloseTo(0.035407, within(1e-6));
    assertThat(small.drifted()).isFalse();
  }

  @Test
  void jensenShannon_largeReference_numericWithTwoValues_oneBinPerValue() {
    // Numeric 0/1 with 2000 reference values -> jensenshannon with one bin per value: the same
    // shares as above, distance 0.18391.
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("flag", repeat(new double[] {0, 1}, 1000, 1000)),
                DriftTestData.numeric("flag", repeat(new double[] {0, 1}, 1500, 500))));
    assertThat(c.method()).isEqualTo("jensenshannon");
    assertThat(c.score()).isCloseTo(0.183908, within(1e-6));
  }

  @Test
  void datasetDrift_atHalfTheColumns() {
    // Four columns, two drift (x: disjoint, city: reversed shares), two do not: share 2/4 = 0.5
    // >= 0.5 -> dataset drift. Without one drifted column: 1/3 < 0.5 -> no dataset drift.
    Frame ref =
        Frame.builder()
            .numeric("x", range(1, 100))
            .numeric("y", range(1, 100))
            .categorical("city", labels(ABC, 50, 30, 20))
            .categorical("plan", labels(ABC, 50, 30, 20))
            .build();
    Frame cur =
        Frame.builder()
            .numeric("x", range(1001, 1100))
            .numeric("y", range(1, 100))
            .categorical("city", labels(ABC, 20, 30, 50))
            .categorical("plan", labels(ABC, 50, 30, 20))
            .build();
    DriftReport r = compare(EVIDENTLY, ref, cur);
    assertThat(r.columns())
        .extracting(ColumnDrift::drifted)
        .containsExactly(true, false, true, false);
    assertThat(r.driftedShare()).isEqualTo(0.5);
    assertThat(r.datasetThreshold()).isEqualTo(0.5);
    assertThat(r.datasetDrift()).isTrue();
    assertThat(r.preset()).isEqualTo("evidently");
    assertThat(r.createdTime()).isEqualTo(DriftTestData.CLOCK.instant());
    assertThat(r.referenceRows()).isEqualTo(100);

    DriftReport three =
        DriftDetector.builder(ref).ignore("city").clock(DriftTestData.CLOCK).build().compare(cur);
    assertThat(three.driftedColumns()).isEqualTo(1);
    assertThat(three.datasetDrift()).isFalse();
  }

  @Test
  void missingValuesAreLeftOut() {
    // NaN, +-Infinity and null are dropped before the test, as in Evidently: the same data with
    // missing values added gives the same statistic.
    double[] cur = {
      11,
      12,
      13,
      14,
      Double.NaN,
      15,
      16,
      Double.POSITIVE_INFINITY,
      17,
      18,
      19,
      20,
      Double.NEGATIVE_INFINITY
    };
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("x", range(1, 10)),
                DriftTestData.numeric("x", cur)));
    assertThat(c.statistic()).isEqualTo(1.0);
    assertThat(c.pValue()).isCloseTo(2.0 / 184_756, within(1e-12));
    assertThat(c.quality().currentMissingShare()).isCloseTo(3.0 / 13, within(1e-15));
  }
}
