package io.github.mlops4j.monitoring.drift;

import static io.github.mlops4j.monitoring.drift.DriftPreset.PRODUCTION;
import static io.github.mlops4j.monitoring.drift.DriftTestData.compare;
import static io.github.mlops4j.monitoring.drift.DriftTestData.labels;
import static io.github.mlops4j.monitoring.drift.DriftTestData.only;
import static io.github.mlops4j.monitoring.drift.DriftTestData.plus;
import static io.github.mlops4j.monitoring.drift.DriftTestData.range;
import static io.github.mlops4j.monitoring.drift.DriftTestData.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** PSI on reference-decile bins (the PRODUCTION preset) and binning rules, worked by hand. */
class ProductionPresetTest {
  private static final double LN_1000 = Math.log(1000);

  @Test
  void decileBins_ofOneToHundred() {
    // Reference 1..100: cut points x[ceil(10j) - 1] = 10, 20, ..., 90 (all below the maximum),
    // so the inner bins are [1, 10], (10, 20], ..., (90, 100], 10 values each, plus two outer bins.
    NumericReference ref = new NumericReference("x", range(1, 100));
    NumericReference.QuantileBins bins = new NumericReference.QuantileBins(ref, 10);
    assertThat(bins.upper).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
    assertThat(bins.referenceCounts).containsExactly(0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0);
    assertThat(bins.binOf(0.5)).isZero();
    assertThat(bins.binOf(1)).isEqualTo(1);
    assertThat(bins.binOf(10)).isEqualTo(1);
    assertThat(bins.binOf(10.5)).isEqualTo(2);
    assertThat(bins.binOf(100)).isEqualTo(10);
    assertThat(bins.binOf(100.5)).isEqualTo(11);
  }

  @Test
  void decileBins_mergeRepeatedCuts() {
    // 0/1 values, 70 % zeros: the deciles are 0 (7 times) and 1 (twice); 1 is the maximum, so
    // the only cut is 0 and the inner bins are [0, 0] and (0, 1].
    NumericReference ref = new NumericReference("x", repeat(new double[] {0, 1}, 70, 30));
    NumericReference.QuantileBins bins = new NumericReference.QuantileBins(ref, 10);
    assertThat(bins.upper).containsExactly(0, 1);
    assertThat(bins.referenceCounts).containsExactly(0, 70, 30, 0);
  }

  @Test
  void psi_shiftByOneBin() {
    // Current = reference + 10 = 11..110: bin [1, 10] is empty, (10, 20] ... (90, 100] hold 10
    // each, and 101..110 fall in the outer bin above the maximum. The outer bin below is empty on
    // both sides and is dropped. Evidently's fill puts 1e-4 in the empty bins (the smallest
    // non-zero share, 0.1, is above 1e-4):
    // PSI = (0.1 - 1e-4) ln(0.1 / 1e-4) + (1e-4 - 0.1) ln(1e-4 / 0.1) = 2 * 0.0999 * ln(1000)
    //     = 1.38017 >= 0.2 -> drift.
    ColumnDrift c =
        only(
            compare(
                PRODUCTION,
                DriftTestData.numeric("x", range(1, 100)),
                DriftTestData.numeric("x", plus(range(1, 100), 10))));
    assertThat(c.method()).isEqualTo("psi");
    assertThat(c.score()).isCloseTo(2 * 0.0999 * LN_1000, within(1e-12));
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void psi_smallChange_noDrift_withNoiseNote() {
    // Move 1..5 into the second bin (as 11..15): bin 1 holds 5 values, bin 2 holds 15.
    // PSI = (0.1 - 0.05) ln(0.1/0.05) + (0.1 - 0.15) ln(0.1/0.15) = 0.034657 + 0.020273 = 0.054931.
    // With 10 bins and n = m = 100 the noise level is (10 - 1)(1/100 + 1/100) = 0.18 >= 0.2 / 2,
    // so the report says so.
    double[] cur = range(1, 100);
    for (int i = 0; i < 5; i++) {
      cur[i] = 11 + i;
    }
    ColumnDrift c =
        only(
            compare(
                PRODUCTION,
                DriftTestData.numeric("x", range(1, 100)),
                DriftTestData.numeric("x", cur)));
    assertThat(c.score()).isCloseTo(0.05 * Math.log(2) + 0.05 * Math.log(1.5), within(1e-12));
    assertThat(c.drifted()).isFalse();
    assertThat(c.note()).contains("about 0.18");
  }

  @Test
  void psi_categorical() {
    // a:50 b:50 -> a:80 b:20: PSI = (0.5-0.8) ln(0.5/0.8) + (0.5-0.2) ln(0.5/0.2)
    //   = 0.3 * 0.470004 + 0.3 * 0.916291 = 0.415888 >= 0.2 -> drift.
    String[] ab = {"a", "b"};
    ColumnDrift c =
        only(
            compare(
                PRODUCTION,
                DriftTestData.categorical("k", labels(ab, 50, 50)),
                DriftTestData.categorical("k", labels(ab, 80, 20))));
    assertThat(c.score())
        .isCloseTo(0.3 * Math.log(0.8 / 0.5) + 0.3 * Math.log(0.5 / 0.2), within(1e-12));
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void psi_newCategory() {
    // a:50 b:50 -> a:50 b:40 c:10. Bins a, b, c; the reference's empty bin c gets 1e-4:
    // PSI = 0 + 0.1 ln(0.5/0.4) + (1e-4 - 0.1) ln(1e-4/0.1) = 0.022314 + 0.690085 = 0.712400.
    ColumnDrift c =
        only(
            compare(
                PRODUCTION,
                DriftTestData.categorical("k", labels(new String[] {"a", "b"}, 50, 50)),
                DriftTestData.categorical("k", labels(new String[] {"a", "b", "c"}, 50, 40, 10))));
    assertThat(c.score()).isCloseTo(0.1 * Math.log(1.25) + 0.0999 * LN_1000, within(1e-12));
    assertThat(c.quality().newCategories()).containsExactly("c");
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void psi_constantReference() {
    // Reference all 5: one inner bin [5, 5]. Current half 5, half 6: 6 lands above the maximum.
    // PSI = (1 - 0.5) ln(1/0.5) + (1e-4 - 0.5) ln(1e-4/0.5) = 0.346574 + 4.257745 = 4.604319.
    double[] five = new double[100];
    Arrays.fill(five, 5);
    ColumnDrift same =
        only(
            compare(
                PRODUCTION, DriftTestData.numeric("x", five), DriftTestData.numeric("x", five)));
    assertThat(same.score()).isZero();
    assertThat(same.drifted()).isFalse();
    assertThat(same.quality().referenceConstant()).isTrue();
    ColumnDrift c =
        only(
            compare(
                PRODUCTION,
                DriftTestData.numeric("x", five),
                DriftTestData.numeric("x", repeat(new double[] {5, 6}, 50, 50))));
    assertThat(c.score())
        .isCloseTo(0.5 * Math.log(2) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), within(1e-12));
    assertThat(c.drifted()).isTrue();
  }

  @Test
  void sturgesEdges_matchNumpy() {
    // numpy.histogram_bin_edges(concat(0..99, 0..99), "sturges"): ceil(log2(200) + 1) = 9 bins.
    assertThat(Scoring.sturgesEdges(0, 99, 200)).hasSize(10);
    // 1024 values (a power of two): log2 = 10 exactly, 11 bins; edges 0, 90.8181..., ..., 999.
    double[] e = Scoring.sturgesEdges(0, 999, 1024);
    assertThat(e).hasSize(12);
    assertThat(e[1]).isEqualTo(90.81818181818181);
    assertThat(e[11]).isEqualTo(999.0);
    // 700 values in [0, 0.699] and 324 fives: numpy's second edge is 0x1.d1745d1745d17p-2.
    assertThat(Scoring.sturgesEdges(0, 5, 1024)[1])
        .isEqualTo(Double.parseDouble("0x1.d1745d1745d17p-2"));
  }

  @Test
  void psi_withEvidentlyBins_matchesEvidentlysArithmetic() {
    // Reference 0..99 (100 distinct > 20 -> Sturges), current +30: 9 bins over [0, 129].
    // Evidently's get_binned_data + psi, evaluated with numpy: 4.220869339351897.
    ColumnDrift c =
        only(
            DriftDetector.builder(DriftTestData.numeric("x", range(0, 99)))
                .column("x", DriftMethod.psi().withBins(Bins.evidently()))
                .build()
                .compare(DriftTestData.numeric("x", plus(range(0, 99), 30))));
    assertThat(c.score()).isCloseTo(4.220869339351897, within(1e-12));
  }
}
