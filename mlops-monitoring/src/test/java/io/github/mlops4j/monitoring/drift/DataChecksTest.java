package io.github.mlops4j.monitoring.drift;

import static io.github.mlops4j.monitoring.drift.DriftPreset.EVIDENTLY;
import static io.github.mlops4j.monitoring.drift.DriftPreset.PRODUCTION;
import static io.github.mlops4j.monitoring.drift.DriftTestData.compare;
import static io.github.mlops4j.monitoring.drift.DriftTestData.only;
import static io.github.mlops4j.monitoring.drift.DriftTestData.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The data checks that run on every column: missing values, new categories, range, constants. */
class DataChecksTest {

  @Test
  void numeric_missingAndOutOfRange() {
    // Current: 0, 5, 11 and three missing values (NaN, null, +Infinity) -> missing 3/6 = 0.5.
    // Reference range [1, 10]: 0 and 11 are outside -> 2 of the 3 non-missing values = 2/3.
    Frame ref = Frame.builder().numeric("x", range(1, 10)).build();
    Frame cur =
        Frame.builder()
            .numeric("x", new Double[] {0.0, 5.0, Double.NaN, null, 11.0, Double.POSITIVE_INFINITY})
            .build();
    DataQuality q = only(compare(EVIDENTLY, ref, cur)).quality();
    assertThat(q.referenceMissingShare()).isZero();
    assertThat(q.currentMissingShare()).isEqualTo(0.5);
    assertThat(q.missingShareChange()).isEqualTo(0.5);
    assertThat(q.outOfRangeShare()).isCloseTo(2.0 / 3, within(1e-15));
    assertThat(q.newCategories()).isEmpty();
    assertThat(q.referenceConstant()).isFalse();
    assertThat(q.currentConstant()).isFalse();
  }

  @Test
  void categorical_missingAndNewCategories() {
    // Reference a, b, null -> missing 1/3; current a, d, c, null, null, c -> missing 2/6;
    // c and d are new (sorted).
    Frame ref = DriftTestData.categorical("k", new String[] {"a", "b", null});
    Frame cur = DriftTestData.categorical("k", new String[] {"a", "d", "c", null, null, "c"});
    DataQuality q = only(compare(PRODUCTION, ref, cur)).quality();
    assertThat(q.referenceMissingShare()).isCloseTo(1.0 / 3, within(1e-15));
    assertThat(q.currentMissingShare()).isCloseTo(1.0 / 3, within(1e-15));
    assertThat(q.newCategories()).containsExactly("c", "d");
    assertThat(q.outOfRangeShare()).isZero();
  }

  @Test
  void binary_newValueAndConstant() {
    // Reference all true; current has false: "false" is a new category, reference is constant.
    Frame ref = Frame.builder().bool("b", new boolean[] {true, true, true}).build();
    Frame cur = Frame.builder().bool("b", new Boolean[] {true, false, null}).build();
    ColumnDrift c = only(compare(EVIDENTLY, ref, cur));
    assertThat(c.quality().newCategories()).containsExactly("false");
    assertThat(c.quality().referenceConstant()).isTrue();
    assertThat(c.quality().currentConstant()).isFalse();
    assertThat(c.quality().currentMissingShare()).isCloseTo(1.0 / 3, within(1e-15));
  }

  @Test
  void constantColumns_giveDefinedResults() {
    // Evidently #1929: chi-square on constant columns returned p = NaN and poisoned the dataset
    // share. Here every method gives a number, and identical constants never drift.
    double[] seven = new double[50];
    Arrays.fill(seven, 7);
    String[] a = new String[50];
    Arrays.fill(a, "a");
    Frame frame = Frame.builder().numeric("n", seven).categorical("c", a).build();
    for (DriftPreset preset : DriftPreset.values()) {
      DriftReport r = compare(preset, frame, frame);
      for (ColumnDrift c : r.columns()) {
        assertThat(c.score()).as("%s %s", preset, c).isNotNaN();
        assertThat(c.statistic()).isNotNaN();
        assertThat(c.drifted()).isFalse();
        assertThat(c.quality().referenceConstant()).isTrue();
        assertThat(c.quality().currentConstant()).isTrue();
      }
      assertThat(r.driftedShare()).isZero();
    }
    for (DriftMethod m :
        new DriftMethod[] {
          DriftMethod.ks(),
          DriftMethod.chiSquare(),
          DriftMethod.chiSquareHomogeneity(),
          DriftMethod.zTest(),
          DriftMethod.wasserstein(),
          DriftMethod.energy(),
          DriftMethod.jensenShannon(),
          DriftMethod.psi(),
          DriftMethod.kl(),
          DriftMethod.hellinger(),
          DriftMethod.cramerVonMises()
        }) {
      ColumnDrift c =
          DriftDetector.builder(frame)
              .column("n", m)
              .ignore("c")
              .build()
              .compare(frame)
              .columns()
              .get(0);
      assertThat(c.score()).as(m.toString()).isNotNaN();
      assertThat(c.drifted()).as(m.toString()).isFalse();
      assertThat(c.score()).as(m.toString()).isEqualTo(m.isTest() ? 1.0 : 0.0);
    }
  }

  @Test
  void constantColumns_thatDiffer_drift() {
    // All 7 against all 8 (50 each): z-test on 2 values, p1 = 0, p2 = 1, pooled 0.5,
    // z = -1 / sqrt(0.25 * (2/50)) = -10 -> p ~ 1.5e-23 -> drift.
    double[] seven = new double[50];
    Arrays.fill(seven, 7);
    ColumnDrift c =
        only(
            compare(
                EVIDENTLY,
                DriftTestData.numeric("n", seven),
                DriftTestData.numeric("n", DriftTestData.plus(seven, 1))));
    assertThat(c.method()).isEqualTo("z");
    assertThat(c.statistic()).isCloseTo(-10, within(1e-9));
    assertThat(c.drifted()).isTrue();
    assertThat(c.quality().outOfRangeShare()).isEqualTo(1.0);
  }
}
