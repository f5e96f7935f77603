package io.github.mlops4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mlops4j.examples.BreastCancer.Sample;
import io.github.mlops4j.examples.BreastCancer.Split;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BreastCancerTest {
  @Test
  void load_readsTheShippedFile() {
    List<Sample> all = BreastCancer.load();

    assertThat(all).hasSize(569);
    // class counts as documented with the data set: 212 malignant, 357 benign
    assertThat(all.stream().filter(s -> s.diagnosis().equals(BreastCancer.MALIGNANT))).hasSize(212);
    assertThat(all.get(0).id()).isEqualTo("S0001");
    assertThat(all.get(0).value("mean_radius")).isEqualTo(17.99);
    assertThat(all.get(0).value("worst_fractal_dimension")).isEqualTo(0.1189);
    assertThat(all.get(0).features()).hasSize(30);
  }

  @Test
  void split_isStratifiedDisjointAndSeeded() {
    List<Sample> all = BreastCancer.load();
    Split split = BreastCancer.split(all, 0.3, 42);

    assertThat(split.train()).hasSize(398);
    assertThat(split.test()).hasSize(171);
    assertThat(split.test().stream().filter(s -> s.diagnosis().equals(BreastCancer.MALIGNANT)))
        .hasSize(64); // round(212 * 0.3)
    Set<String> ids = new HashSet<>();
    split.train().forEach(s -> ids.add(s.id()));
    split.test().forEach(s -> assertThat(ids.add(s.id())).isTrue());
    assertThat(BreastCancer.split(all, 0.3, 42)).isEqualTo(split);
    assertThat(BreastCancer.split(all, 0.3, 43)).isNotEqualTo(split);
  }

  @Test
  void shift_changesOnlyTheNamedFeatures() {
    Sample s = BreastCancer.load().get(0);
    Sample shifted = s.map(Map.of("mean_texture", v -> v * 2));

    assertThat(shifted.value("mean_texture")).isEqualTo(2 * s.value("mean_texture"));
    assertThat(shifted.value("mean_radius")).isEqualTo(s.value("mean_radius"));
    assertThatThrownBy(() -> s.value("radius"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mean_radius");
  }

  @Test
  void percentile_nearestRank() {
    long[] values = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
    assertThat(Out.percentile(values, 50)).isEqualTo(5);
    assertThat(Out.percentile(values, 99)).isEqualTo(10);
    assertThat(Out.percentile(values, 10)).isEqualTo(1);
  }
}
