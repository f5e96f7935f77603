package io.github.mlops4j.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Property tests of the detector (QuickTheories, fixed seed). */
class DriftProperties {
  private static final long SEED = 20_240_601L;

  private static QuickTheory theory(int examples) {
    return qt().withFixedSeed(SEED).withExamples(examples);
  }

  /** Continuous values, or small integers so that ties and few distinct values are common. */
  private static Gen<double[]> numbers(int minSize, int maxSize) {
    Gen<double[]> continuous =
        lists()
            .of(doubles().between(-1000, 1000))
            .ofSizeBetween(minSize, maxSize)
            .map(DriftProperties::toArray);
    Gen<double[]> tied =
        lists()
            .of(integers().between(-3, 3).map(Integer::doubleValue))
            .ofSizeBetween(minSize, maxSize)
            .map(DriftProperties::toArray);
    Gen<double[]> constant =
        integers()
            .between(minSize, maxSize)
            .zip(
                integers().between(-5, 5),
                (n, v) -> {
                  double[] a = new double[n];
                  java.util.Arrays.fill(a, v);
                  return a;
                });
    return Generate.frequency(
        List.of(
            org.quicktheories.api.Pair.of(4, continuous),
            org.quicktheories.api.Pair.of(3, tied),
            org.quicktheories.api.Pair.of(1, constant)));
  }

  private static Gen<String[]> categories(int size) {
    return lists()
        .of(integers().between(0, 5).map(i -> i == 5 ? null : "c" + i))
        .ofSize(size)
        .map(l -> l.toArray(new String[0]));
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** One numeric and one categorical column of the same length, a few values missing. */
  private static Frame frame(double[] numbers, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = numbers.clone();
    String[] c = new String[x.length];
    for (int i = 0; i < x.length; i++) {
      boolean mayMiss = i > 0; // row 0 keeps a value in both columns
      if (mayMiss && rnd.nextInt(20) == 0) {
        x[i] = Double.NaN;
      }
      c[i] = mayMiss && rnd.nextInt(10) == 0 ? null : "k" + rnd.nextInt(4);
    }
    return Frame.builder().numeric("x", x).categorical("c", c).build();
  }

  private static void assertNoDrift(DriftReport r) {
    for (ColumnDrift c : r.columns()) {
      assertThat(c.drifted()).as("%s", c).isFalse();
      if (c.pValue() != null) {
        assertThat(c.pValue()).as("%s", c).isEqualTo(1.0);
        assertThat(c.statistic()).as("%s", c).isZero();
      } else {
        assertThat(c.score()).as("%s", c).isZero();
      }
      assertThat(c.quality().missingShareChange()).isZero();
      assertThat(c.quality().newCategories()).isEmpty();
      assertThat(c.quality().outOfRangeShare()).isZero();
    }
    assertThat(r.driftedShare()).isZero();
    assertThat(r.datasetDrift()).isFalse();
  }

  @Test
  void identicalData_smallReference_noDriftZeroDistancesPOne() {
    theory(200)
        .forAll(numbers(1, 80), integers().all())
        .checkAssert(
            (a, seed) -> {
              Frame f = frame(a, seed);
              for (DriftPreset preset : DriftPreset.values()) {
                assertNoDrift(DriftDetector.builder(f).preset(preset).build().compare(f));
              }
            });
  }

  @Test
  void identicalData_largeReference_noDriftZeroDistances() {
    theory(15)
        .forAll(numbers(1001, 1400), integers().all())
        .checkAssert(
            (a, seed) -> {
              Frame f = frame(a, seed);
              for (DriftPreset preset : DriftPreset.values()) {
                assertNoDrift(DriftDetector.builder(f).preset(preset).build().compare(f));
              }
            });
  }

  @Test
  void identicalData_everyMethod_noDrift() {
    List<DriftMethod> methods =
        List.of(
            DriftMethod.ks(),
            DriftMethod.cramerVonMises(),
            DriftMethod.chiSquare(),
            DriftMethod.chiSquareHomogeneity(),
            DriftMethod.zTest(),
            DriftMethod.wasserstein(),
            DriftMethod.energy(),
            DriftMethod.jensenShannon(),
            DriftMethod.jensenShannon().withBins(Bins.evidently()),
            DriftMethod.psi(),
            DriftMethod.psi().withBins(Bins.quantiles(4)),
            DriftMethod.kl(),
            DriftMethod.hellinger());
    theory(60)
        .forAll(numbers(2, 60), integers().between(0, methods.size() - 1))
        .checkAssert(
            (a, i) -> {
              Frame f = DriftTestData.numeric("x", a);
              ColumnDrift c =
                  DriftDetector.builder(f)
                      .column("x", methods.get(i))
                      .build()
                      .compare(f)
                      .columns()
                      .get(0);
              assertThat(c.drifted()).as("%s", c).isFalse();
              assertThat(c.score()).as("%s", c).isEqualTo(methods.get(i).isTest() ? 1.0 : 0.0);
            });
  }

  @Test
  void farShift_drifts() {
    // Current values all above the reference maximum by more than the reference range.
    theory(200)
        .forAll(numbers(10, 80), numbers(10, 80))
        .checkAssert(
            (a, b) -> {
              double refMin = java.util.Arrays.stream(a).min().orElseThrow();
              double refMax = java.util.Arrays.stream(a).max().orElseThrow();
              double curMin = java.util.Arrays.stream(b).min().orElseThrow();
              double shift = refMax - curMin + (refMax - refMin) + 1;
              Frame ref = DriftTestData.numeric("x", a);
              Frame cur = DriftTestData.numeric("x", DriftTestData.plus(b, shift));
              for (DriftPreset preset : DriftPreset.values()) {
                ColumnDrift c =
                    DriftDetector.builder(ref).preset(preset).build().compare(cur).columns().get(0);
                assertThat(c.drifted()).as("%s %s", preset, c).isTrue();
                assertThat(c.quality().outOfRangeShare()).isEqualTo(1.0);
              }
            });
  }

  @Test
  void farShift_largeReference_drifts() {
    theory(15)
        .forAll(numbers(1001, 1300), numbers(10, 300))
        .checkAssert(
            (a, b) -> {
              double refMin = java.util.Arrays.stream(a).min().orElseThrow();
              double refMax = java.util.Arrays.stream(a).max().orElseThrow();
              double curMin = java.util.Arrays.stream(b).min().orElseThrow();
              double shift = refMax - curMin + (refMax - refMin) + 1;
              ColumnDrift c =
                  DriftDetector.builder(DriftTestData.numeric("x", a))
                      .build()
                      .compare(DriftTestData.numeric("x", DriftTestData.plus(b, shift)))
                      .columns()
                      .get(0);
              assertThat(c.method()).isIn("wasserstein_normed", "jensenshannon");
              assertThat(c.drifted()).as("%s", c).isTrue();
            });
  }

  @Test
  void rowOrderDoesNotMatter() {
    theory(100)
        .forAll(numbers(1, 60), categories(40), integers().all())
        .checkAssert(
            (a, c, seed) -> {
              Frame ref = Frame.builder().numeric("x", a).build();
              Frame refC = Frame.builder().categorical("c", c).build();
              SplittableRandom rnd = new SplittableRandom(seed);
              double[] shuffled = a.clone();
              String[] shuffledC = c.clone();
              for (int i = shuffled.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                double t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
              }
              for (int i = shuffledC.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                String t = shuffledC[i];
                shuffledC[i] = shuffledC[j];
                shuffledC[j] = t;
              }
              double[] cur = DriftTestData.plus(a, 0.5);
              for (DriftPreset preset : DriftPreset.values()) {
                DriftDetector d = DriftDetector.builder(ref).preset(preset).build();
                DriftDetector shuffledRef =
                    DriftDetector.builder(Frame.builder().numeric("x", shuffled).build())
                        .preset(preset)
                        .build();
                assertThat(shuffledRef.compare(DriftTestData.numeric("x", cur)).columns())
                    .isEqualTo(d.compare(DriftTestData.numeric("x", cur)).columns());
                if (java.util.Arrays.stream(c).anyMatch(java.util.Objects::nonNull)) {
                  DriftDetector dc = DriftDetector.builder(refC).preset(preset).build();
                  assertThat(
                          dc.compare(Frame.builder().categorical("c", shuffledC).build()).columns())
                      .isEqualTo(dc.compare(refC).columns());
                }
              }
            });
  }
}
