package io.github.mlops4j.monitoring.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mlops4j.monitoring.drift.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProfileTest {
  private static final ProfileSchema SCHEMA =
      ProfileSchema.builder()
          .numeric("age", "income")
          .categorical("country")
          .binary("churned")
          .build();

  @BeforeEach
  void seed() {
    KllSketchRandom.seed(7);
  }

  private static Map<String, Object> row(
      Object age, Object income, Object country, Object churned) {
    Map<String, Object> m = new HashMap<>();
    m.put("age", age);
    m.put("income", income);
    m.put("country", country);
    m.put("churned", churned);
    return m;
  }

  @Test
  void exactFieldsEqualDirectComputation() {
    double[] values = ProfileSamples.normal(1, 5_000, 1e6, 3.0); // large offset: tests stability
    ProfileSchema schema = ProfileSchema.builder().numeric("x").build();
    Profile p = ProfileSamples.numericProfile(schema, values);
    ProfileColumn c = p.column("x");

    double mean = Arrays.stream(values).sum() / values.length;
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    assertThat(p.rows()).isEqualTo(5_000);
    assertThat(c.count()).isEqualTo(5_000);
    assertThat(c.missing()).isZero();
    assertThat(c.min()).isEqualTo(Arrays.stream(values).min().orElseThrow());
    assertThat(c.max()).isEqualTo(Arrays.stream(values).max().orElseThrow());
    assertThat(c.mean()).isCloseTo(mean, within(1e-9));
    assertThat(c.variance()).isCloseTo(ss / values.length, within(1e-9 * ss / values.length));
    assertThat(c.sampleVariance())
        .isCloseTo(ss / (values.length - 1), within(1e-9 * ss / values.length));
    assertThat(c.standardDeviation()).isCloseTo(Math.sqrt(ss / values.length), within(1e-9));
  }

  @Test
  void nullNanAndInfinitiesCountAsMissingAndNeverReachTheMoments() {
    Profile p =
        Profile.of(
            SCHEMA,
            List.of(
                row(30, 1.0, "DE", true),
                row(null, Double.NaN, null, null),
                row(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, "FR", false),
                row(40L, 3.0f, "DE", true),
                Map.of("age", 35))); // absent columns are missing
    ProfileColumn age = p.column("age");
    assertThat(p.rows()).isEqualTo(5);
    assertThat(age.count()).isEqualTo(5);
    assertThat(age.missing()).isEqualTo(2);
    assertThat(age.present()).isEqualTo(3);
    assertThat(age.missingShare()).isEqualTo(0.4);
    assertThat(age.min()).isEqualTo(30);
    assertThat(age.max()).isEqualTo(40);
    assertThat(age.mean()).isEqualTo(35);
    assertThat(age.variance()).isCloseTo(50.0 / 3, within(1e-12));
    ProfileColumn income = p.column("income");
    assertThat(income.missing()).isEqualTo(3);
    assertThat(income.mean()).isEqualTo(2.0);
    ProfileColumn country = p.column("country");
    assertThat(country.missing()).isEqualTo(2);
    assertThat(country.categoryCounts()).containsExactly(Map.entry("DE", 2L), Map.entry("FR", 1L));
    assertThat(p.column("churned").categoryCounts())
        .containsExactly(Map.entry("false", 1L), Map.entry("true", 2L));
  }

  @Test
  void arrayRowsUseNanForMissing() {
    ProfileAccumulator acc = ProfileAccumulator.create(SCHEMA);
    acc.update(new double[] {1, Double.NaN}, new String[] {"DE", null});
    acc.update(new double[] {3, 4}, new String[] {null, "true"});
    Profile p = acc.snapshot();
    assertThat(p.column("age").mean()).isEqualTo(2);
    assertThat(p.column("income").missing()).isEqualTo(1);
    assertThat(p.column("country").missing()).isEqualTo(1);
    assertThat(p.column("churned").missing()).isEqualTo(1);
  }

  @Test
  void badRowsAreRejectedWholeWithTheColumnNamed() {
    ProfileAccumulator acc = ProfileAccumulator.create(SCHEMA);
    assertThatThrownBy(() -> acc.update(Map.of("age", 1, "agee", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'agee'");
    assertThatThrownBy(() -> acc.update(Map.of("age", "thirty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'age'")
        .hasMessageContaining("NUMERIC")
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> acc.update(Map.of("country", 1.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'country'");
    assertThatThrownBy(() -> acc.update(new double[] {1}, new String[] {"a", "b"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 numeric columns");
    assertThatThrownBy(() -> acc.update(new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 categorical/binary columns");
    assertThat(acc.rows()).isZero();
    Profile p = acc.snapshot();
    assertThat(p.column("age").count()).isZero();
    assertThatThrownBy(() -> p.column("nope")).hasMessageContaining("'nope'");
  }

  @Test
  void accessorsOfTheOtherKindAreRefused() {
    Profile p = Profile.empty(SCHEMA);
    assertThatThrownBy(() -> p.column("country").mean()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> p.column("age").categoryCounts())
        .isInstanceOf(IllegalStateException.class);
    assertThat(p.column("age").mean()).isNaN();
    assertThatThrownBy(() -> p.column("age").quantile(0.5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no non-missing values");
  }

  @Test
  void categoriesSwitchToTheFrequentItemsSketchPastTheLimit() {
    ProfileSchema schema =
        ProfileSchema.builder()
            .categorical("c")
            .exactCategoryLimit(4)
            .frequentItemsMapSize(64)
            .build();
    List<Map<String, ?>> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(Map.of("c", i % 2 == 0 ? "common" : "v" + (i % 50)));
    }
    ProfileColumn c = Profile.of(schema, rows).column("c");
    assertThat(c.isExact()).isFalse();
    assertThat(c.present()).isEqualTo(1000);
    assertThat(c.categoryCounts().get("common"))
        .isBetween(500 - c.countError(), 500 + c.countError());
  }

  @Test
  void snapshotKeepsAccumulatingTakeStartsAgain() {
    ProfileSchema schema = ProfileSchema.builder().numeric("x").build();
    ProfileAccumulator acc = ProfileAccumulator.create(schema);
    acc.update(new double[] {1});
    Profile first = acc.snapshot();
    acc.update(new double[] {3});
    assertThat(first.rows()).isEqualTo(1);
    assertThat(first.column("x").max()).isEqualTo(1);
    Profile taken = acc.take();
    assertThat(taken.rows()).isEqualTo(2);
    assertThat(taken.column("x").mean()).isEqualTo(2);
    assertThat(acc.rows()).isZero();
    acc.update(new double[] {10});
    assertThat(taken.column("x").max()).isEqualTo(3);
  }

  @Test
  void mergeOfParts() {
    ProfileSchema schema = ProfileSchema.builder().numeric("x").categorical("c").build();
    ProfileAccumulator a = ProfileAccumulator.create(schema);
    ProfileAccumulator b = ProfileAccumulator.create(schema);
    ProfileAccumulator all = ProfileAccumulator.create(schema);
    for (int i = 0; i < 100; i++) {
      double[] v = {i % 7 == 0 ? Double.NaN : i * 0.5};
      String[] c = {i % 5 == 0 ? null : "k" + (i % 3)};
      (i < 30 ? a : b).update(v, c);
      all.update(v, c);
    }
    Profile merged = a.take().merge(b.take());
    Profile whole = all.take();
    assertThat(merged.rows()).isEqualTo(whole.rows());
    ProfileColumn m = merged.column("x");
    ProfileColumn w = whole.column("x");
    assertThat(m.missing()).isEqualTo(w.missing());
    assertThat(m.min()).isEqualTo(w.min());
    assertThat(m.max()).isEqualTo(w.max());
    assertThat(m.mean()).isCloseTo(w.mean(), within(1e-12));
    assertThat(m.variance()).isCloseTo(w.variance(), within(1e-9));
    assertThat(merged.column("c").categoryCounts()).isEqualTo(whole.column("c").categoryCounts());
    assertThat(merged.column("c").missing()).isEqualTo(whole.column("c").missing());
    assertThat(Profile.merge(List.of(merged, Profile.empty(schema))).rows()).isEqualTo(100);
  }

  @Test
  void mergeRefusesOtherSchemas() {
    Profile a = Profile.empty(ProfileSchema.builder().numeric("x").build());
    Profile b = Profile.empty(ProfileSchema.builder().numeric("x").kllK(400).build());
    assertThatThrownBy(() -> a.merge(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kllK 200 vs 400");
    assertThatThrownBy(() -> Profile.merge(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void schemaValidation() {
    assertThatThrownBy(() -> ProfileSchema.builder().numeric("a").categorical("a"))
        .hasMessageContaining("'a' is declared twice");
    assertThatThrownBy(() -> ProfileSchema.builder().build()).hasMessageContaining("at least one");
    assertThatThrownBy(() -> ProfileSchema.builder().kllK(4)).hasMessageContaining("kllK");
    assertThatThrownBy(() -> ProfileSchema.builder().frequentItemsMapSize(100))
        .hasMessageContaining("power of two");
    ProfileSchema s = ProfileSchema.builder().numeric("n").categorical("c").binary("b").build();
    assertThat(s.numericColumns()).containsExactly("n");
    assertThat(s.categoricalColumns()).containsExactly("c", "b");
    assertThat(s.type("b")).isEqualTo(ColumnType.BINARY);
  }

  @Test
  void quantilesAndRanksOfASmallColumnAreExact() {
    ProfileSchema schema = ProfileSchema.builder().numeric("x").build();
    Profile p = ProfileSamples.numericProfile(schema, new double[] {5, 1, 3, 2, 4});
    ProfileColumn c = p.column("x");
    assertThat(c.isExact()).isTrue();
    assertThat(c.rankError()).isZero();
    assertThat(c.quantile(0.5)).isEqualTo(3);
    assertThat(c.rank(2)).isEqualTo(0.4);
  }
}
