package io.github.mlops4j.monitoring.drift;

import static io.github.mlops4j.monitoring.drift.DriftPreset.EVIDENTLY;
import static io.github.mlops4j.monitoring.drift.DriftPreset.PRODUCTION;
import static io.github.mlops4j.monitoring.drift.DriftTestData.bools;
import static io.github.mlops4j.monitoring.drift.DriftTestData.compare;
import static io.github.mlops4j.monitoring.drift.DriftTestData.labels;
import static io.github.mlops4j.monitoring.drift.DriftTestData.only;
import static io.github.mlops4j.monitoring.drift.DriftTestData.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each branch of Evidently's selection rule, at its boundaries, and the PRODUCTION preset. */
class MethodSelectionTest {

  /** {@code n} values cycling through {@code distinct} distinct values 0, 1, …. */
  private static double[] cycle(int n, int distinct) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i % distinct;
    }
    return v;
  }

  private static String numericMethod(double[] ref, double[] cur) {
    return only(compare(
            EVIDENTLY, DriftTestData.numeric("x", ref), DriftTestData.numeric("x", cur)))
        .method();
  }

  private static String categoricalMethod(String[] ref, String[] cur) {
    return only(compare(
            EVIDENTLY, DriftTestData.categorical("c", ref), DriftTestData.categorical("c", cur)))
        .method();
  }

  @Test
  void numeric_1000vs1001ReferenceValues() {
    assertThat(numericMethod(range(1, 1000), range(1, 50))).isEqualTo("ks");
    assertThat(numericMethod(range(1, 1001), range(1, 50))).isEqualTo("wasserstein_normed");
  }

  @Test
  void numeric_missingValuesDoNotCountAsReferenceRows() {
    // 1001 rows, one NaN: 1000 values -> still the small-reference rule (Evidently counts the
    // rows left after dropping NaN and infinities).
    double[] ref = Arrays.copyOf(range(1, 1001), 1001);
    ref[500] = Double.NaN;
    assertThat(numericMethod(ref, range(1, 50))).isEqualTo("ks");
  }

  @Test
  void numeric_5vs6DistinctValues_smallReference() {
    assertThat(numericMethod(cycle(100, 5), cycle(100, 5))).isEqualTo("chisquare");
    assertThat(numericMethod(cycle(100, 6), cycle(100, 6))).isEqualTo("ks");
    // Distinct values are counted over reference and current together: 5 + one new value = 6.
    assertThat(numericMethod(cycle(100, 5), cycle(100, 6))).isEqualTo("ks");
  }

  @Test
  void numeric_2vs3DistinctValues_smallReference() {
    assertThat(numericMethod(cycle(100, 2), cycle(100, 2))).isEqualTo("z");
    assertThat(numericMethod(cycle(100, 3), cycle(100, 3))).isEqualTo("chisquare");
    assertThat(numericMethod(cycle(100, 1), cycle(100, 1))).isEqualTo("z");
  }

  @Test
  void numeric_5vs6DistinctValues_largeReference() {
    assertThat(numericMethod(cycle(1001, 5), cycle(100, 5))).isEqualTo("jensenshannon");
    assertThat(numericMethod(cycle(1001, 2), cycle(100, 2))).isEqualTo("jensenshannon");
    assertThat(numericMethod(cycle(1001, 6), cycle(100, 6))).isEqualTo("wasserstein_normed");
  }

  @Test
  void categorical_2vs3Categories() {
    String[] ab = {"a", "b"};
    String[] abc = {"a", "b", "c"};
    assertThat(categoricalMethod(labels(ab, 5, 5), labels(ab, 5, 5))).isEqualTo("z");
    assertThat(categoricalMethod(labels(abc, 5, 5, 5), labels(abc, 5, 5, 5)))
        .isEqualTo("chisquare");
    // Two reference categories and a new one in the current data: 3 -> chisquare.
    assertThat(categoricalMethod(labels(ab, 5, 5), labels(abc, 5, 5, 5))).isEqualTo("chisquare");
    // Many categories are still chisquare (never ks, whatever their count).
    String[] many = "a b c d e f g h".split(" ");
    assertThat(
            categoricalMethod(
                labels(many, 1, 1, 1, 1, 1, 1, 1, 1), labels(many, 1, 1, 1, 1, 1, 1, 1, 1)))
        .isEqualTo("chisquare");
  }

  @Test
  void categorical_1000vs1001ReferenceValues() {
    String[] abc = {"a", "b", "c"};
    assertThat(categoricalMethod(labels(abc, 400, 300, 300), labels(abc, 5, 5, 5)))
        .isEqualTo("chisquare");
    assertThat(categoricalMethod(labels(abc, 400, 300, 301), labels(abc, 5, 5, 5)))
        .isEqualTo("jensenshannon");
  }

  @Test
  void binary_smallAndLargeReference() {
    Frame cur = Frame.builder().bool("b", bools(10, 10)).build();
    assertThat(
            only(compare(EVIDENTLY, Frame.builder().bool("b", bools(500, 500)).build(), cur))
                .method())
        .isEqualTo("z");
    assertThat(
            only(compare(EVIDENTLY, Frame.builder().bool("b", bools(500, 501)).build(), cur))
                .method())
        .isEqualTo("jensenshannon");
  }

  @Test
  void production_psiEverywhere() {
    Frame ref =
        Frame.builder()
            .numeric("x", range(1, 100))
            .categorical("c", labels(new String[] {"a", "b", "c"}, 30, 30, 40))
            .bool("b", bools(50, 50))
            .build();
    DriftReport r = compare(PRODUCTION, ref, ref);
    assertThat(r.columns()).extracting(ColumnDrift::method).containsOnly("psi");
    assertThat(r.columns()).extracting(ColumnDrift::threshold).containsOnly(0.2);
    assertThat(r.preset()).isEqualTo("production");
  }

  @Test
  void explicitMethodOverridesThePreset() {
    Frame ref = Frame.builder().numeric("x", range(1, 100)).numeric("y", range(1, 100)).build();
    DriftDetector d =
        DriftDetector.builder(ref)
            .preset(EVIDENTLY)
            .column("x", DriftMethod.psi(0.25).withBins(Bins.quantiles(20)))
            .clock(DriftTestData.CLOCK)
            .build();
    DriftReport r = d.compare(ref);
    assertThat(r.column("x").orElseThrow().method()).isEqualTo("psi");
    assertThat(r.column("x").orElseThrow().threshold()).isEqualTo(0.25);
    assertThat(r.details("x")).hasValueSatisfying(s -> assertThat(s).contains("of 20 requested"));
    assertThat(r.column("y").orElseThrow().method()).isEqualTo("ks");
    assertThat(d.configuredMethod("x"))
        .contains(DriftMethod.psi(0.25).withBins(Bins.quantiles(20)));
    assertThat(d.configuredMethod("y")).isEmpty();
  }

  @Test
  void rules_pAtMostVsBelow() {
    // Evidently: ks drifts at p <= t, chisquare and z at p < t, distances at >= t, energy at > t.
    assertThat(DriftMethod.ks(0.05).drifted(0.05)).isTrue();
    assertThat(DriftMethod.chiSquare(0.05).drifted(0.05)).isFalse();
    assertThat(DriftMethod.zTest(0.05).drifted(0.05)).isFalse();
    assertThat(DriftMethod.zTest(0.05).drifted(0.0499)).isTrue();
    assertThat(DriftMethod.cramerVonMises().drifted(0.1)).isTrue();
    assertThat(DriftMethod.wasserstein().drifted(0.1)).isTrue();
    assertThat(DriftMethod.jensenShannon().drifted(0.1)).isTrue();
    assertThat(DriftMethod.psi().drifted(0.0999)).isFalse();
    assertThat(DriftMethod.energy().drifted(0.1)).isFalse();
    assertThat(DriftMethod.energy().drifted(0.1001)).isTrue();
  }

  @Test
  void defaultThresholds_areEvidentlysCodeDefaults() {
    assertThat(DriftMethod.ks().threshold()).isEqualTo(0.05);
    assertThat(DriftMethod.chiSquare().threshold()).isEqualTo(0.05);
    assertThat(DriftMethod.zTest().threshold()).isEqualTo(0.05);
    assertThat(DriftMethod.cramerVonMises().threshold()).isEqualTo(0.1);
    assertThat(DriftMethod.wasserstein().threshold()).isEqualTo(0.1);
    assertThat(DriftMethod.jensenShannon().threshold()).isEqualTo(0.1);
    assertThat(DriftMethod.jensenShannon().logBase()).isEqualTo(Math.E);
    assertThat(DriftMethod.psi().threshold()).isEqualTo(0.1);
    assertThat(DriftMethod.psi().bins()).isEqualTo(Bins.quantiles(10));
    assertThat(DriftMethod.kl().name()).isEqualTo("kl_div");
    assertThat(DriftMethod.wasserstein().name()).isEqualTo("wasserstein_normed");
    assertThat(DriftMethod.ks().toString()).isEqualTo("ks(p <= 0.05)");
    assertThat(DriftMethod.psi(0.2).toString())
        .isEqualTo("psi(score >= 0.2, numeric bins quantiles(10))");
  }
}
