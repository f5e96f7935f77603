package io.github.mlops4j.monitoring.drift;

import static io.github.mlops4j.monitoring.drift.DriftPreset.EVIDENTLY;
import static io.github.mlops4j.monitoring.drift.DriftPreset.PRODUCTION;
import static io.github.mlops4j.monitoring.drift.DriftTestData.compare;
import static io.github.mlops4j.monitoring.drift.DriftTestData.labels;
import static io.github.mlops4j.monitoring.drift.DriftTestData.only;
import static io.github.mlops4j.monitoring.drift.DriftTestData.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gives a defined result or an error that says what to do. */
class BadInputTest {
  private static final Frame XY =
      Frame.builder()
          .numeric("x", range(1, 20))
          .categorical("y", labels(new String[] {"a", "b"}, 10, 10))
          .build();

  @Test
  void emptyReference_isAnError() {
    assertThatThrownBy(() -> DriftDetector.builder(Frame.builder().build()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no rows and no columns");
    assertThatThrownBy(
            () -> DriftDetector.builder(DriftTestData.numeric("x", new double[0])).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no rows");
  }

  @Test
  void emptyCurrent_isAnError() {
    DriftDetector d = DriftDetector.builder(XY).build();
    assertThatThrownBy(
            () ->
                d.compare(
                    Frame.builder()
                        .numeric("x", new double[0])
                        .categorical("y", new String[0])
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("current frame has no rows");
  }

  @Test
  void allMissingReferenceColumn_isAnErrorUnlessIgnored() {
    Frame ref =
        Frame.builder()
            .numeric("x", range(1, 20))
            .numeric("gone", new double[20] /* zeros */)
            .categorical("empty", new String[20])
            .build();
    assertThatThrownBy(() -> DriftDetector.builder(ref).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'empty' has no non-missing values")
        .hasMessageContaining("ignore(\"empty\")");
    DriftReport r = DriftDetector.builder(ref).ignore("empty").build().compare(ref);
    assertThat(r.columns()).extracting(ColumnDrift::column).containsExactly("x", "gone");
  }

  @Test
  void allMissingCurrentColumn_isNotDriftedAndSaysWhy() {
    double[] nan = new double[20];
    Arrays.fill(nan, Double.NaN);
    Frame cur = Frame.builder().numeric("x", nan).categorical("y", new String[20]).build();
    for (DriftPreset preset : DriftPreset.values()) {
      DriftReport r = compare(preset, XY, cur);
      for (ColumnDrift c : r.columns()) {
        assertThat(c.drifted()).isFalse();
        assertThat(c.note()).contains("no non-missing values");
        assertThat(c.quality().currentMissingShare()).isEqualTo(1.0);
        assertThat(c.score()).isNotNaN();
        assertThat(c.pValue()).isNull();
      }
      assertThat(r.toJson()).contains("\"currentMissingShare\" : 1.0");
    }
  }

  @Test
  void mismatchedCategorySets() {
    // a, b against c, d: 4 categories -> chisquare; the reference never saw c or d, so the
    // goodness-of-fit statistic is infinite and p = 0 -> drift. The PRODUCTION preset's PSI is
    // finite thanks to the fill; JS (base e) reaches its maximum sqrt(ln 2).
    Frame ref = DriftTestData.categorical("k", labels(new String[] {"a", "b"}, 10, 10));
    Frame cur = DriftTestData.categorical("k", labels(new String[] {"c", "d"}, 10, 10));
    ColumnDrift chi = only(compare(EVIDENTLY, ref, cur));
    assertThat(chi.method()).isEqualTo("chisquare");
    assertThat(chi.statistic()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(chi.pValue()).isZero();
    assertThat(chi.drifted()).isTrue();
    assertThat(chi.quality().newCategories()).containsExactly("c", "d");
    assertThat(chi.quality().referenceMissingShare()).isZero();
    ColumnDrift psi = only(compare(PRODUCTION, ref, cur));
    assertThat(psi.score()).isFinite().isGreaterThan(1);
    ColumnDrift js =
        only(
            DriftDetector.builder(ref)
                .column("k", DriftMethod.jensenShannon())
                .build()
                .compare(cur));
    assertThat(js.score()).isCloseTo(Math.sqrt(Math.log(2)), within(1e-12));
  }

  @Test
  void zeroVarianceReference_wassersteinUsesTheFloor() {
    // Reference constant 5 (std 0 -> divided by 0.001). Current constant 5.0005: W1 = 0.0005,
    // score 0.5 -> drift, with a note about the floor.
    double[] five = new double[1500];
    Arrays.fill(five, 5);
    DriftDetector d =
        DriftDetector.builder(DriftTestData.numeric("x", five))
            .column("x", DriftMethod.wasserstein())
            .build();
    ColumnDrift same = only(d.compare(DriftTestData.numeric("x", five)));
    assertThat(same.score()).isZero();
    assertThat(same.drifted()).isFalse();
    ColumnDrift moved =
        only(d.compare(DriftTestData.numeric("x", DriftTestData.plus(five, 0.0005))));
    assertThat(moved.score()).isCloseTo(0.5, within(1e-9));
    assertThat(moved.drifted()).isTrue();
    assertThat(moved.note()).contains("below 0.001");
  }

  @Test
  void missingColumnInCurrent_namesIt() {
    DriftDetector d = DriftDetector.builder(XY).build();
    assertThatThrownBy(() -> d.compare(DriftTestData.numeric("x", range(1, 5))))
        .isInstanceOfSatisfying(
            DriftSchemaException.class,
            e -> {
              assertThat(e.column()).isEqualTo("y");
              assertThat(e.expectedType()).contains(ColumnType.CATEGORICAL);
              assertThat(e.actualType()).isEmpty();
            })
        .hasMessageContaining("no column 'y'")
        .hasMessageContaining("ignore(\"y\")");
  }

  @Test
  void extraColumnsInCurrent_ignoredByDefault_errorWhenStrict() {
    Frame cur =
        Frame.builder()
            .numeric("x", range(1, 20))
            .categorical("y", labels(new String[] {"a", "b"}, 10, 10))
            .numeric("extra", range(1, 20))
            .build();
    assertThat(DriftDetector.builder(XY).build().compare(cur).columns()).hasSize(2);
    assertThatThrownBy(
            () -> DriftDetector.builder(XY).failOnExtraColumns(true).build().compare(cur))
        .isInstanceOfSatisfying(
            DriftSchemaException.class, e -> assertThat(e.column()).isEqualTo("extra"))
        .hasMessageContaining("'extra'");
    // Ignored reference columns may be present in the current data even when strict.
    assertThat(
            DriftDetector.builder(XY)
                .ignore("y")
                .failOnExtraColumns(true)
                .build()
                .compare(XY)
                .columns())
        .hasSize(1);
  }

  @Test
  void wrongColumnTypeInCurrent_namesBothTypes() {
    DriftDetector d = DriftDetector.builder(XY).build();
    Frame cur =
        Frame.builder()
            .categorical("x", new String[] {"1", "2"})
            .categorical("y", new String[] {"a", "b"})
            .build();
    assertThatThrownBy(() -> d.compare(cur))
        .isInstanceOfSatisfying(
            DriftSchemaException.class,
            e -> {
              assertThat(e.column()).isEqualTo("x");
              assertThat(e.expectedType()).contains(ColumnType.NUMERIC);
              assertThat(e.actualType()).contains(ColumnType.CATEGORICAL);
            })
        .hasMessageContaining(
            "'x' is categorical in the current data but numeric in the reference");
  }

  @Test
  void builderChecks() {
    DriftDetector.Builder b = DriftDetector.builder(XY);
    assertThatThrownBy(() -> b.column("y", DriftMethod.ks()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ks needs a numeric column, but 'y' is categorical");
    assertThatThrownBy(() -> b.column("nope", DriftMethod.psi()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column 'nope'")
        .hasMessageContaining("[x, y]");
    assertThatThrownBy(() -> b.ignore("nope")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.datasetThreshold(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.histogramBins(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> DriftDetector.builder(XY).column("x", DriftMethod.psi()).ignore("x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both configured and ignored");
    assertThatThrownBy(() -> DriftDetector.builder(XY).ignore("x", "y").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No column left");
  }

  @Test
  void methodChecks() {
    assertThatThrownBy(() -> DriftMethod.ks(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DriftMethod.ks(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DriftMethod.psi(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DriftMethod.psi(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DriftMethod.ks().withBins(Bins.quantiles(5)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DriftMethod.psi().withLogBase(2))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DriftMethod.jensenShannon().withLogBase(1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bins.quantiles(1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(DriftMethod.jensenShannon().withLogBase(2).logBase()).isEqualTo(2);
  }

  @Test
  void frameChecks() {
    assertThatThrownBy(
            () -> Frame.builder().numeric("a", new double[2]).numeric("b", new double[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'b' has 3 rows but 'a' has 2");
    assertThatThrownBy(() -> Frame.builder().numeric("a", new double[2]).bool("a", new boolean[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("added twice");
    assertThatThrownBy(() -> Frame.builder().numeric(" ", new double[2]))
        .isInstanceOf(IllegalArgumentException.class);
    double[] values = {1, 2};
    Frame f = Frame.builder().numeric("a", values).build();
    values[0] = 99; // copied on the way in
    DriftReport r =
        DriftDetector.builder(f).build().compare(DriftTestData.numeric("a", new double[] {1, 2}));
    assertThat(r.columns().get(0).statistic()).isZero();
    assertThat(f.type("a")).contains(ColumnType.NUMERIC);
    assertThat(f.type("b")).isEmpty();
    assertThat(f.toString()).isEqualTo("Frame{2 rows, a:numeric}");
    Frame.Builder b = Frame.builder().numeric("a", values);
    Frame first = b.build();
    b.numeric("later", values);
    assertThat(first.columnNames()).containsExactly("a"); // built frames do not change
  }

  @Test
  void tinySamples_cramerVonMisesNeedsTwoValues() {
    DriftDetector d =
        DriftDetector.builder(DriftTestData.numeric("x", range(1, 10)))
            .column("x", DriftMethod.cramerVonMises())
            .build();
    ColumnDrift c = only(d.compare(DriftTestData.numeric("x", new double[] {3})));
    assertThat(c.drifted()).isFalse();
    assertThat(c.note()).contains("at least 2 values on each side");
    assertThat(only(d.compare(DriftTestData.numeric("x", range(30, 40)))).drifted()).isTrue();
  }
}
