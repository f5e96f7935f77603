package io.github.mlops4j.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.github.mlops4j.monitoring.profile.Profile;
import io.github.mlops4j.monitoring.profile.ProfileColumn;
import io.github.mlops4j.monitoring.profile.ProfileDrift;
import io.github.mlops4j.monitoring.profile.ProfileDriftMethod;
import io.github.mlops4j.monitoring.profile.ProfileSamples;
import io.github.mlops4j.monitoring.profile.ProfileSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drift of numeric columns whose values reach ±{@link Double#MAX_VALUE}: finite, correct scores
 * where the measure is finite, and a note wherever a score is not a finite number, never a silent
 * "no drift".
 *
 * <p>Exact reference values from {@code src/test/resources/io/github/mlops4j/monitoring/
 * extreme_values_reference.py} (scipy 1.17.1 / numpy 2.4.6; rational arithmetic with {@code
 * fractions.Fraction}): W1(x, y) / std(x, ddof=0), where numpy's {@code std} itself overflows to
 * inf for these samples.
 */
class ExtremeValuesDriftTest {
  static final double MAX = Double.MAX_VALUE;
  static final double[][][] SAMPLES = {
    {{1e308, 1.2e308, 1.5e308, 1.7e308}, {1.1e308, 1.3e308, 1.79e308}},
    {{-1.7e308, -1e308, 0.0, 1e308}, {-1.5e308, 5e307, 1.6e308}},
    {{-MAX, MAX}, {MAX, MAX, -MAX}},
    {{-8e307, -1e307, 2e307, 8e307}, {-7e307, 3e307, 8.5e307}}
  };

  /** Exact W1 / std(reference) of each pair above. */
  static final double[] NORMED = {
    0.48280787926033486, 0.6939527019877849, 0.3333333333333333, 0.3905667329424716
  };

  /** Exact energy distances of each pair above. */
  static final double[] ENERGY = {
    2.3094010767585033e153, 6.335525936249404e153, 4.4692693099808655e153, 3.0046260628866574e153
  };

  private static ColumnDrift detect(double[] ref, double[] cur, DriftMethod method) {
    return DriftDetector.builder(DriftTestData.numeric("x", ref))
        .column("x", method)
        .build()
        .compare(DriftTestData.numeric("x", cur))
        .columns()
        .get(0);
  }

  @Test
  void normedWassersteinIsFiniteAndExact() {
    for (int i = 0; i < SAMPLES.length; i++) {
      ColumnDrift d = detect(SAMPLES[i][0], SAMPLES[i][1], DriftMethod.wasserstein());
      assertThat(d.score())
          .as("pair %d", i)
          .isFinite()
          .isCloseTo(NORMED[i], withinPercentage(1e-10));
      assertThat(d.drifted()).isTrue();
      assertThat(d.note()).isNull();
    }
  }

  @Test
  void energyIsFiniteAndExact() {
    for (int i = 0; i < SAMPLES.length; i++) {
      ColumnDrift d = detect(SAMPLES[i][0], SAMPLES[i][1], DriftMethod.energy());
      assertThat(d.score()).as("pair %d", i).isCloseTo(ENERGY[i], withinPercentage(1e-10));
      assertThat(d.drifted()).isTrue();
    }
  }

  @Test
  void aScoreBeyondTheLargestDoubleSaysSo() {
    // constant reference -MAX (std floored at 0.001) against MAX: W1 = 2 MAX, the score is +inf
    ColumnDrift d =
        detect(new double[] {-MAX, -MAX}, new double[] {MAX}, DriftMethod.wasserstein());
    assertThat(d.score()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(d.drifted()).isTrue();
    assertThat(d.note()).contains("infinite");
  }

  @Test
  void aScoreThatIsNotANumberIsNotDecidedAndSaysSo() {
    Scoring.Outcome o = Scoring.checkFinite(Scoring.Outcome.distance(Double.NaN, "test"));
    assertThat(o.computed).isFalse();
    assertThat(o.notes).singleElement().asString().contains("not decided");
  }

  @Test
  void profileDriftSaysWhenTheReferenceSpreadOverflows() {
    ProfileSchema schema = ProfileSchema.builder().numeric("x").build();
    for (double[][] pair : SAMPLES) {
      Profile ref = ProfileSamples.numericProfile(schema, pair[0]);
      Profile cur = ProfileSamples.numericProfile(schema, pair[1]);
      ProfileColumn c = ref.column("x");
      assertThat(c.mean()).isFinite().isBetween(c.min(), c.max());
      ColumnDrift d = ProfileDrift.defaults().compare(ref, cur).columns().get(0);
      // every pair has values beyond 1e154 with a spread to match: the variance overflows
      assertThat(c.variance()).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(d.score()).isNaN();
      assertThat(d.drifted()).isFalse();
      assertThat(d.note()).contains("standard deviation is unknown");
      assertThat(d.statistic()).isFinite(); // W1 itself, in data units
      // and such a profile survives serialization
      Profile back = Profile.fromBytes(ref.toBytes());
      assertThat(back.column("x").variance()).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(back.column("x").mean()).isEqualTo(c.mean());
      // PSI and KS still work on it
      ProfileDrift psi = ProfileDrift.builder().numericMethod(ProfileDriftMethod.PSI).build();
      assertThat(psi.compare(back, cur).columns().get(0).score()).isFinite();
    }
  }

  @Test
  void profileDriftOfLargeButRepresentableSpreadsMatchesTheDetector() {
    // values near 1e150: squares fit, the profile's sigma is exact and W1 matches the raw one
    ProfileSchema schema = ProfileSchema.builder().numeric("x").build();
    double[] ref = {-3e150, 1e150, 2e150, 7e150};
    double[] cur = {-2e150, 4e150, 9e150};
    ColumnDrift fromProfiles =
        ProfileDrift.defaults()
            .compare(
                ProfileSamples.numericProfile(schema, ref),
                ProfileSamples.numericProfile(schema, cur))
            .columns()
            .get(0);
    ColumnDrift raw = detect(ref, cur, DriftMethod.wasserstein());
    assertThat(fromProfiles.score()).isCloseTo(raw.score(), withinPercentage(1e-10));
    assertThat(List.of(fromProfiles.note() == null, raw.note() == null)).containsOnly(true);
  }
}
